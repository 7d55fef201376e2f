package io.relaycheck.check;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relaycheck.dns.FakeDnsResource;
import io.relaycheck.dns.FakeDnsServer;
import io.relaycheck.testing.FakeDnsProfile;
import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.MailServerScript;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Domain targets end to end: MX resolution through the fake DNS, scripted SMTP servers on their own
 * loopback addresses (one port for all, as a check's port applies to every MX host), and the
 * per-server diagnostics (reverse DNS, greeting name, times), asserted on the report a user reads.
 * Every domain and address is used by one test only, so the tests do not see each other's data.
 */
@QuarkusTest
@TestProfile(FakeDnsProfile.class)
class DomainScenariosTest {

    /** Two fast tests keep each server to one connection; the controls ride along. */
    static final String TESTS = "\"tests\": [\"external-sender\", \"null-sender\"]";

    @Inject
    Vertx vertx;

    final List<FakeSmtpServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        servers.forEach(FakeSmtpServer::close);
    }

    static FakeDnsServer dns() {
        return FakeDnsResource.server();
    }

    FakeSmtpServer server(String address, FakeSmtpServer.Script script) {
        FakeSmtpServer s = FakeSmtpServer.start(vertx, address, 0, script);
        servers.add(s);
        return s;
    }

    static JsonPath check(String target, int port) {
        return given().contentType(ContentType.JSON)
                .body("{\"target\": \"" + target + "\", \"port\": " + port + ", \"mailDomain\": \"relay.test\", "
                        + TESTS + ", \"transcript\": false}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200).extract().jsonPath();
    }

    /** The finding with this id among the check's findings ({@code findings}) or a server's. */
    static Map<String, Object> finding(JsonPath report, String path, String check) {
        List<Map<String, Object>> all = report.getList(path);
        List<Map<String, Object>> matching = all.stream().filter(f -> check.equals(f.get("check"))).toList();
        assertEquals(1, matching.size(), "one '" + check + "' finding in " + path + ": " + all);
        return matching.get(0);
    }

    static void assertFinding(Map<String, Object> f, String status, String... named) {
        assertEquals(status, f.get("status"), f.toString());
        for (String name : named) {
            assertTrue(String.valueOf(f.get("detail")).contains(name), "detail names " + name + ": " + f);
        }
    }

    static boolean has(JsonPath report, String path, String check) {
        List<String> checks = report.getList(path + ".check");
        return checks.contains(check);
    }

    @Test
    void twoMxHostsAreListedInPreferenceOrderAndTheRelayingOneIsNamed() {
        // The relay is the backup MX (preference 20), listed second in DNS answers as well as in the report.
        List<FakeSmtpServer> pair = FakeSmtpServer.startOnSamePort(vertx, List.of("127.0.0.2", "127.0.0.3"),
                List.of(MailServerScript.closed(), MailServerScript.closed().rcpt(MailServerScript::openRelay)));
        servers.addAll(pair);
        int port = pair.get(0).port();
        dns().mx("two.test", 20, "mx2.two.test").mx("two.test", 10, "mx1.two.test")
                .a("mx1.two.test", "127.0.0.2").a("mx2.two.test", "127.0.0.3");

        JsonPath report = check("two.test", port);

        assertEquals(2, report.getList("servers").size());
        assertEquals("mx1.two.test", report.getString("servers[0].host"));
        assertEquals("127.0.0.2", report.getString("servers[0].address"));
        assertEquals(10, report.getInt("servers[0].mxPreference"));
        assertEquals("NOT_OPEN_RELAY", report.getString("servers[0].verdict"));
        assertEquals("mx2.two.test", report.getString("servers[1].host"));
        assertEquals("127.0.0.3", report.getString("servers[1].address"));
        assertEquals(20, report.getInt("servers[1].mxPreference"));
        assertEquals("OPEN_RELAY", report.getString("servers[1].verdict"));

        assertEquals("OPEN_RELAY", report.getString("verdict"));
        assertEquals("RELAY_ACCEPTED", report.getString("reason"));
        String summary = report.getString("summary");
        assertTrue(summary.startsWith("Checked 2 servers of two.test; 1 is an open relay: "), summary);
        assertTrue(summary.contains("mx2.two.test [127.0.0.3]:" + port), summary);
        assertFalse(summary.contains("mx1.two.test"), summary);
        assertFinding(finding(report, "findings", "mx"), "PASS", "10 mx1.two.test", "20 mx2.two.test");
        assertTrue(pair.get(0).connections().size() > 0 && pair.get(1).connections().size() > 0,
                "both servers were talked to");
    }

    @Test
    void aNullMxMeansNoMailServer() {
        dns().nullMx("nullmx.test");

        JsonPath report = check("nullmx.test", 25);

        assertEquals("INCONCLUSIVE", report.getString("verdict"));
        assertEquals("NO_MAIL_SERVER", report.getString("reason"));
        assertTrue(report.getList("servers").isEmpty());
        assertFinding(finding(report, "findings", "mx"), "INFO", "nullmx.test", "MX 0 .");
        assertTrue(report.getString("summary").contains("null MX"), report.getString("summary"));
    }

    @Test
    void aDomainThatDoesNotExistIsNoMailServerWithAClearFinding() {
        JsonPath report = check("no-such-domain.test", 25);

        assertEquals("INCONCLUSIVE", report.getString("verdict"));
        assertEquals("NO_MAIL_SERVER", report.getString("reason"));
        assertTrue(report.getList("servers").isEmpty());
        Map<String, Object> mx = finding(report, "findings", "mx");
        assertFinding(mx, "FAIL", "no-such-domain.test", "NXDOMAIN");
        assertEquals("The domain does not exist", mx.get("title"));
        assertTrue(report.getString("summary").contains("does not exist"), report.getString("summary"));
    }

    @Test
    void withoutMxTheDomainsOwnAddressIsChecked() {
        FakeSmtpServer s = server("127.0.0.4", MailServerScript.closed());
        dns().a("implicit.test", "127.0.0.4");

        JsonPath report = check("implicit.test", s.port());

        assertEquals(1, report.getList("servers").size());
        assertEquals("implicit.test", report.getString("servers[0].host"));
        assertEquals("127.0.0.4", report.getString("servers[0].address"));
        assertNull(report.get("servers[0].mxPreference"));
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
        assertFinding(finding(report, "findings", "mx"), "INFO", "implicit.test", "implicit MX");
        assertFalse(s.connections().isEmpty());
    }

    @Test
    void anMxHostWithoutAddressesIsReportedAndTheOtherHostIsStillChecked() {
        FakeSmtpServer s = server("127.0.0.5", MailServerScript.closed());
        dns().mx("halfmx.test", 10, "gone.halfmx.test").mx("halfmx.test", 20, "mx.halfmx.test")
                .exists("gone.halfmx.test").a("mx.halfmx.test", "127.0.0.5");

        JsonPath report = check("halfmx.test", s.port());

        assertFinding(finding(report, "findings", "mx-address"), "FAIL", "gone.halfmx.test", "preference 10",
                "no A or AAAA records");
        assertEquals(1, report.getList("servers").size());
        assertEquals("mx.halfmx.test", report.getString("servers[0].host"));
        assertEquals("127.0.0.5", report.getString("servers[0].address"));
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
    }

    @Test
    void aForwardConfirmedPtrThatMatchesTheGreetingPasses() {
        FakeSmtpServer s = server("127.0.0.6", MailServerScript.closed().greeting("220 mx.ptr.test ESMTP FakeMTA"));
        dns().mx("ptr.test", 10, "mx.ptr.test").a("mx.ptr.test", "127.0.0.6").ptr("127.0.0.6", "mx.ptr.test");

        JsonPath report = check("ptr.test", s.port());

        String f = "servers[0].findings";
        assertFinding(finding(report, f, "ptr"), "PASS", "127.0.0.6", "mx.ptr.test");
        assertFinding(finding(report, f, "fcrdns"), "PASS", "127.0.0.6 → mx.ptr.test → 127.0.0.6");
        assertFinding(finding(report, f, "banner-matches-ptr"), "PASS", "mx.ptr.test", "127.0.0.6");
        assertFinding(finding(report, f, "banner-hostname"), "PASS", "mx.ptr.test [127.0.0.6]:" + s.port());
        assertFinding(finding(report, f, "connect-time"), "PASS", "mx.ptr.test [127.0.0.6]:" + s.port());
        assertFinding(finding(report, f, "transaction-time"), "PASS", "mx.ptr.test [127.0.0.6]:" + s.port());
        assertFinding(finding(report, f, "banner"), "PASS", "220 mx.ptr.test");
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"), "diagnostics do not touch the verdict");
        assertTrue(dns().queries("6.0.0.127.in-addr.arpa").size() > 0, "the PTR was asked for");
    }

    @Test
    void aMissingPtrIsAWarning() {
        FakeSmtpServer s = server("127.0.0.7", MailServerScript.closed().greeting("220 mx.noptr.test ESMTP"));
        dns().mx("noptr.test", 10, "mx.noptr.test").a("mx.noptr.test", "127.0.0.7");

        JsonPath report = check("noptr.test", s.port());

        Map<String, Object> ptr = finding(report, "servers[0].findings", "ptr");
        assertFinding(ptr, "WARN", "127.0.0.7", "mx.noptr.test");
        assertTrue(String.valueOf(ptr.get("remediation")).contains("127.0.0.7"), ptr.toString());
        assertFalse(has(report, "servers[0].findings", "fcrdns"), "nothing to confirm without a PTR");
        assertFalse(has(report, "servers[0].findings", "banner-matches-ptr"));
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
    }

    @Test
    void aGreetingNameThatIsNotThePtrNameIsAWarning() {
        FakeSmtpServer s = server("127.0.0.8", MailServerScript.closed().greeting("220 smtp.other.test ESMTP"));
        dns().mx("mismatch.test", 10, "mx.mismatch.test").a("mx.mismatch.test", "127.0.0.8")
                .ptr("127.0.0.8", "host-8.isp.test").a("host-8.isp.test", "127.0.0.8");

        JsonPath report = check("mismatch.test", s.port());

        String f = "servers[0].findings";
        assertFinding(finding(report, f, "ptr"), "PASS", "127.0.0.8", "host-8.isp.test");
        assertFinding(finding(report, f, "fcrdns"), "PASS", "host-8.isp.test");
        assertFinding(finding(report, f, "banner-matches-ptr"), "WARN", "smtp.other.test", "host-8.isp.test",
                "127.0.0.8");
        assertFinding(finding(report, f, "banner-hostname"), "PASS", "smtp.other.test");
    }

    @Test
    void aPtrNameThatDoesNotResolveBackIsNotForwardConfirmed() {
        FakeSmtpServer s = server("127.0.0.9", MailServerScript.closed().greeting("220 mail ESMTP"));
        dns().mx("unconfirmed.test", 10, "mx.unconfirmed.test").a("mx.unconfirmed.test", "127.0.0.9")
                .ptr("127.0.0.9", "claimed.unconfirmed.test").a("claimed.unconfirmed.test", "127.0.0.99");

        JsonPath report = check("unconfirmed.test", s.port());

        String f = "servers[0].findings";
        assertFinding(finding(report, f, "fcrdns"), "WARN", "claimed.unconfirmed.test", "127.0.0.99", "127.0.0.9");
        assertFinding(finding(report, f, "banner-hostname"), "WARN", "\"mail\"");
        assertFinding(finding(report, f, "banner-matches-ptr"), "WARN", "claimed.unconfirmed.test");
    }

    @Test
    void aSlowPtrDoesNotHoldTheReportLongerThanTheGrace() {
        // The check's deadline is 60 s; the silent reverse zone would cost 4 × 1 s of retries.
        // The report waits at most relay-check.diagnostics.reverse-dns-grace (1 s in this profile).
        FakeSmtpServer s = server("127.0.0.17", MailServerScript.closed().greeting("220 mx.grace.test ESMTP"));
        dns().mx("grace.test", 10, "mx.grace.test").a("mx.grace.test", "127.0.0.17").silent("17.0.0.127.in-addr.arpa");

        JsonPath report = given().contentType(ContentType.JSON)
                .body("{\"target\": \"grace.test\", \"port\": " + s.port() + ", \"mailDomain\": \"relay.test\", "
                        + "\"tests\": [\"external-sender\"], \"timeoutSeconds\": 60, \"transcript\": false}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200).extract().jsonPath();

        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
        assertFinding(finding(report, "servers[0].findings", "ptr"), "INFO", "127.0.0.17", "reverse-dns-grace");
    }

    @Test
    void aSilentDnsServerForThePtrIsInfoAndTheCheckStillEnds() {
        FakeSmtpServer s = server("127.0.0.14", MailServerScript.closed().greeting("220 mx.slowdns.test ESMTP"));
        dns().mx("slowdns.test", 10, "mx.slowdns.test").a("mx.slowdns.test", "127.0.0.14")
                .silent("14.0.0.127.in-addr.arpa");

        JsonPath report = check("slowdns.test", s.port());

        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
        assertFinding(finding(report, "servers[0].findings", "ptr"), "INFO", "127.0.0.14");
        assertFalse(has(report, "servers[0].findings", "fcrdns"));
    }

    @Test
    void aPtrLookupSlowerThanTheDeadlineNeverHoldsTheReportPastIt() {
        // The silent DNS server costs 4 × 1 s per lookup; the check's deadline is 2 s.
        FakeSmtpServer s = server("127.0.0.16", MailServerScript.closed().greeting("220 mx.late.test ESMTP"));
        dns().mx("late.test", 10, "mx.late.test").a("mx.late.test", "127.0.0.16").silent("16.0.0.127.in-addr.arpa");

        JsonPath report = given().contentType(ContentType.JSON)
                .body("{\"target\": \"late.test\", \"port\": " + s.port() + ", \"mailDomain\": \"relay.test\", "
                        + "\"tests\": [\"external-sender\"], \"timeoutSeconds\": 2, \"transcript\": false}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200).extract().jsonPath();

        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"), "the battery's answer is kept");
        assertFinding(finding(report, "servers[0].findings", "ptr"), "INFO", "127.0.0.16", "no answer");
        long durationMs = report.getLong("durationMs");
        // Without the bound it would take the 4 × 1 s of DNS retries and more; with it, the 2 s
        // deadline plus scheduling slack on a busy machine.
        assertTrue(durationMs < 3900, "ended by the deadline: " + durationMs + " ms");
    }

    @Test
    void theAddressCapKeepsTheFirstAddressesAndSaysWhichWereCut() {
        // Nothing listens on these addresses: the kept ones fail to connect at once, which is all this needs.
        FakeSmtpServer elsewhere = server("127.0.0.1", MailServerScript.closed());
        dns().mx("cap.test", 10, "mx.cap.test")
                .a("mx.cap.test", "127.0.0.13").a("mx.cap.test", "127.0.0.11")
                .a("mx.cap.test", "127.0.0.12").a("mx.cap.test", "127.0.0.10");

        JsonPath report = check("cap.test", elsewhere.port());

        assertFinding(finding(report, "findings", "address-cap"), "INFO", "4 addresses", "2 were left out",
                "mx.cap.test [127.0.0.12]", "mx.cap.test [127.0.0.13]");
        assertEquals(FakeDnsProfile.MAX_ADDRESSES, report.getList("servers").size());
        assertEquals(List.of("127.0.0.10", "127.0.0.11"), report.getList("servers.address"));
        assertNotNull(report.getString("summary"));
    }

    @Test
    void aServerThatPausesBeforeEveryReplyIsSlow() {
        FakeSmtpServer s = server("127.0.0.15", MailServerScript.closed().greeting("220 mx.slow.test ESMTP")
                .replyDelayMs(400));
        dns().mx("slow.test", 10, "mx.slow.test").a("mx.slow.test", "127.0.0.15");

        JsonPath report = given().contentType(ContentType.JSON)
                .body("{\"target\": \"slow.test\", \"port\": " + s.port() + ", \"mailDomain\": \"relay.test\", "
                        + "\"tests\": [\"external-sender\"], \"transcript\": false}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200).extract().jsonPath();

        assertFinding(finding(report, "servers[0].findings", "transaction-time"), "WARN",
                "mx.slow.test [127.0.0.15]:" + s.port(), "connection 1");
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
    }

    @Test
    void aBatchChecksAServerItsTargetsShareOnce() {
        // A hosting provider's customers: three domains on one MX host, a fourth on another name for the
        // same address (its own check: the name is part of what is tested, e.g. the certificate).
        FakeSmtpServer mx = server("127.0.0.20", MailServerScript.closed());
        int port = mx.port();
        dns().mx("a.hosted.test", 10, "mx.hosting.test").mx("b.hosted.test", 10, "mx.hosting.test")
                .mx("c.hosted.test", 20, "mx.hosting.test").mx("d.hosted.test", 10, "smtp.hosting.test")
                .a("mx.hosting.test", "127.0.0.20").a("smtp.hosting.test", "127.0.0.20");

        String body = given().contentType(ContentType.JSON).accept("application/x-ndjson")
                .body("{\"targets\": [\"a.hosted.test\", \"b.hosted.test\", \"c.hosted.test\", \"d.hosted.test\"], "
                        + "\"port\": " + port + ", \"mailDomain\": \"relay.test\", " + TESTS + "}")
                .when().post("/api/v1/relay-check/batch")
                .then().statusCode(200).extract().asString();

        Map<String, JsonPath> reports = new java.util.TreeMap<>();
        for (String line : body.split("\n")) {
            JsonPath l = JsonPath.from(line);
            if (l.getString("verdict") != null) {
                reports.put(l.getString("target"), l);
            }
        }
        assertEquals(List.of("a.hosted.test", "b.hosted.test", "c.hosted.test", "d.hosted.test"),
                List.copyOf(reports.keySet()), body);
        List<String> ran = new ArrayList<>();
        List<String> sharedFrom = new ArrayList<>();
        for (String t : List.of("a.hosted.test", "b.hosted.test", "c.hosted.test")) {
            JsonPath r = reports.get(t);
            assertEquals("NOT_OPEN_RELAY", r.getString("verdict"), t);
            assertEquals("mx.hosting.test", r.getString("servers[0].host"));
            assertEquals(2, r.getList("servers[0].relayTests").size(), t + " has the full evidence");
            String from = r.getString("servers[0].sharedFrom");
            if (from == null) {
                ran.add(t);
            } else {
                sharedFrom.add(from);
            }
        }
        assertEquals(1, ran.size(), "one of the three ran the battery: " + body);
        assertEquals(List.of(ran.get(0), ran.get(0)), sharedFrom, "the other two name it");
        assertEquals(20, reports.get("c.hosted.test").getInt("servers[0].mxPreference"), "each keeps its own MX data");
        assertEquals(10, reports.get("a.hosted.test").getInt("servers[0].mxPreference"));

        JsonPath d = reports.get("d.hosted.test");
        assertEquals("smtp.hosting.test", d.getString("servers[0].host"));
        assertNull(d.getString("servers[0].sharedFrom"), "another host name is another server check");
        // Two fast tests and the controls fit one connection: one for mx.hosting.test, one for smtp.hosting.test.
        assertEquals(2, mx.connections().size(), "the shared server was checked once, not three times");
    }
}
