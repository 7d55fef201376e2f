package io.relaycheck.check;

import io.quarkus.test.junit.QuarkusTest;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The holes the battery must find, and the server behaviours it must survive, each as a scripted
 * server on loopback, asserted on the report a user reads.
 */
@QuarkusTest
class BatteryScenariosTest {

    @Inject
    Vertx vertx;

    final List<FakeSmtpServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        servers.forEach(FakeSmtpServer::close);
    }

    FakeSmtpServer server(FakeSmtpServer.Script script) {
        FakeSmtpServer s = FakeSmtpServer.start(vertx, script);
        servers.add(s);
        return s;
    }

    JsonPath check(FakeSmtpServer s, String extra) {
        return given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + s.port() + ", \"mailDomain\": \"relay.test\"" + extra + "}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200).extract().jsonPath();
    }

    static Map<String, String> outcomes(JsonPath report) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        List<Map<String, Object>> tests = report.getList("servers[0].relayTests");
        for (Map<String, Object> t : tests) {
            m.put((String) t.get("id"), (String) t.get("outcome"));
        }
        return m;
    }

    static List<String> accepted(JsonPath report) {
        return outcomes(report).entrySet().stream().filter(e -> e.getValue().equals("ACCEPTED")).map(Map.Entry::getKey).toList();
    }

    @Test
    void findsAServerThatRelaysOnlyThePercentHackViaItself() {
        // Relays user%domain@mx.relay.test (its own name) and nothing else foreign.
        var s = server(MailServerScript.closed().rcpt((from, to) -> to.contains("%") && to.endsWith("@mx.relay.test>")
                ? "250 2.1.5 Ok" : MailServerScript.closedRelay(from, to)));
        var report = check(s, "");
        assertEquals("OPEN_RELAY", report.getString("verdict"));
        assertEquals(List.of("percent-hack-host"), accepted(report));
    }

    @Test
    void findsAServerThatRelaysOnlyForTheNullSender() {
        var s = server(MailServerScript.closed().rcpt((from, to) -> from.equals("<>")
                ? MailServerScript.openRelay(from, to) : MailServerScript.closedRelay(from, to)));
        var report = check(s, "");
        assertEquals("OPEN_RELAY", report.getString("verdict"));
        assertEquals(List.of("null-sender"), accepted(report));
    }

    @Test
    void findsAServerThatRelaysForASpoofedLocalSender() {
        // The classic "trust mail from my own domain" mistake.
        var s = server(MailServerScript.closed().rcpt((from, to) -> from.endsWith("@relay.test>")
                ? MailServerScript.openRelay(from, to) : MailServerScript.closedRelay(from, to)));
        var report = check(s, "");
        assertEquals("OPEN_RELAY", report.getString("verdict"));
        assertEquals(List.of("local-sender", "postmaster-sender"), accepted(report));
        assertTrue(report.getString("servers[0].findings[0].detail").contains("local-sender"));
    }

    @Test
    void anAcceptAllServerIsOnlyPossiblyAnOpenRelay() {
        var s = server(MailServerScript.closed().rcpt(MailServerScript::acceptAll));
        var report = check(s, "");
        assertEquals("POSSIBLE_OPEN_RELAY", report.getString("verdict"));
        assertEquals("ACCEPTS_ALL_RECIPIENTS", report.getString("reason"));
        assertEquals("ACCEPTED", report.getString("servers[0].controls.find { it.id == 'random-local' }.outcome"));
        assertTrue(report.getString("servers[0].findings[0].explanation").contains("directory harvest"));
    }

    @Test
    void aCatchAllThatRefusesForeignDomainsIsNotAnOpenRelay() {
        // Accepts anything @relay.test (catch-all), refuses every other domain.
        var s = server(MailServerScript.closed().rcpt((from, to) -> MailServerScript.stripBrackets(to).endsWith("@relay.test")
                ? "250 2.1.5 Ok" : "554 5.7.1 Relay access denied"));
        var report = check(s, "");
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
        assertEquals("RELAY_DENIED", report.getString("reason"));
        assertEquals("WARN", report.getString("servers[0].findings.find { it.check == 'recipient-validation' }.status"));
    }

    @Test
    void aServerThatPunishesErrorsStillAnswersEveryVariant() {
        // Postfix-like: slow replies after 10 errors, 421 and hang up after 12. The plan keeps each
        // connection under 8 refusals, so neither limit is ever reached.
        var s = server(MailServerScript.closed().slowErrorsAfter(10, 1000).hangUpAfterErrors(12));
        var report = check(s, "");
        Map<String, String> outcomes = outcomes(report);
        assertEquals(26, outcomes.size());
        assertTrue(outcomes.values().stream().allMatch(o -> o.equals("REJECTED")), outcomes.toString());
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
        for (FakeSmtpServer.Conn c : s.connections()) {
            assertTrue(c.errors <= 8, "connection " + c.index() + " collected " + c.errors + " errors");
        }
        assertTrue(s.connections().size() >= 4);
    }

    @Test
    void aDroppedConnectionIsRetriedAndNothingIsLost() {
        // The first connection drops (no 421) after a few commands; the rest must run elsewhere.
        var s = server(MailServerScript.closed().except((conn, line) -> {
            if (conn.index() == 1 && conn.received().size() > 4) {
                conn.close();
                return true;
            }
            return false;
        }));
        var report = check(s, ", \"transcript\": false");
        Map<String, String> outcomes = outcomes(report);
        assertTrue(outcomes.values().stream().allMatch(o -> o.equals("REJECTED")), outcomes.toString());
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
        assertTrue(report.getInt("servers[0].connections") > s.connections().size() - 1);
        assertTrue(s.connections().size() >= 5, "a fifth connection finished the dropped work");
        assertTrue(report.getList("servers[0].findings.check").contains("disconnect"));
    }

    @Test
    void aBrokenStartTlsIsReportedAndTheBatteryRunsInClearText() {
        // Offers STARTTLS, says 220, then hangs up instead of a handshake: a broken TLS setup.
        var s = server(MailServerScript.closed().except((conn, line) -> {
            if (line.startsWith("EHLO")) {
                conn.answer("250-mx.relay.test", "250-PIPELINING", "250 STARTTLS");
                return true;
            }
            if (line.equals("STARTTLS")) {
                conn.reply("220 2.0.0 Ready to start TLS");
                conn.close();
                return true;
            }
            return false;
        }));
        var report = check(s, ", \"transcript\": false");
        Map<String, String> outcomes = outcomes(report);
        assertTrue(outcomes.values().stream().allMatch(o -> o.equals("REJECTED")), outcomes.toString());
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"));
        assertEquals("FAIL", report.getString("servers[0].findings.find { it.check == 'starttls' }.status"));
        assertTrue(report.getString("servers[0].tls.error").contains("TLS"), report.getString("servers[0].tls.error"));
        // The first connections (opened together) tried TLS; the battery then ran, in clear text,
        // on connections that did not try it again.
        assertTrue(s.connections().stream().anyMatch(c -> c.received().contains("STARTTLS")));
        for (FakeSmtpServer.Conn c : s.connections()) {
            boolean ranTests = c.received().stream().anyMatch(l -> l.startsWith("MAIL"));
            assertTrue(!ranTests || !c.received().contains("STARTTLS"), "connection " + c.index() + ": " + c.received());
        }
    }

    @Test
    void a421MidBatteryStopsNewConnectionsAndMarksTheRestNotRun() {
        // Every connection hears 421 after its second refusal, as Postfix does at its hard error limit.
        var s = server(MailServerScript.closed().hangUpAfterErrors(2));
        var report = given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + s.port() + ", \"mailDomain\": \"relay.test\"}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200).extract().jsonPath();
        Map<String, String> outcomes = outcomes(report);
        assertEquals(26, outcomes.size(), "every variant has an outcome");
        assertTrue(outcomes.containsValue("NOT_RUN"));
        assertEquals("INCONCLUSIVE", report.getString("verdict"));
        assertEquals("SERVICE_UNAVAILABLE", report.getString("reason"));
        assertFalse(outcomes.containsValue(null));
    }
}
