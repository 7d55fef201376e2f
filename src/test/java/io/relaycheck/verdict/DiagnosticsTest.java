package io.relaycheck.verdict;

import io.relaycheck.probe.Control;
import io.relaycheck.smtp.SmtpFailure;
import io.relaycheck.smtp.SmtpReply;
import io.relaycheck.smtp.TlsDetails;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-server diagnostics as a pure function: thresholds, greeting names, reverse DNS, TLS. */
class DiagnosticsTest {

    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    static final Diagnostics.Thresholds T = Diagnostics.Thresholds.DEFAULTS;
    static final String ADDRESS = "192.0.2.25";

    static SmtpReply r(String line) {
        int code = Integer.parseInt(line.substring(0, 3));
        return SmtpReply.of(code, List.of(line.length() > 4 ? line.substring(4) : ""));
    }

    /** A healthy, closed, TLS-speaking server with a forward-confirmed PTR; each row changes one thing. */
    static final class E {
        String host = "mx.example.org";
        String address = ADDRESS;
        int port = 25;
        boolean connected = true;
        SmtpReply greeting = r("220 mx.example.org ESMTP Postfix");
        TlsDetails tls = tls("TLSv1.3", NOW.plus(Duration.ofDays(60)));
        ReverseDns reverse = ReverseDns.found(List.of("mx.example.org"),
                List.of(new ReverseDns.Forward("mx.example.org", List.of(ADDRESS), null)));
        Long connectMs = 40L;
        Long transactionMs = 300L;
        Instant observedAt = NOW;
        List<TestEvidence> tests = new ArrayList<>(List.of(TestEvidence.ran("external-sender",
                io.relaycheck.probe.RelayVariant.Scope.FOREIGN, "<p@probe.example>", "<t@example.com>",
                r("250 2.1.0 Ok"), r("554 5.7.1 Relay access denied"))));
        List<SmtpFailure> failures = new ArrayList<>();

        E with(Consumer<E> change) {
            change.accept(this);
            return this;
        }

        ServerEvidence build() {
            SmtpReply ok = r("250 2.1.0 Ok");
            List<ControlEvidence> controls = List.of(
                    new ControlEvidence(Control.POSTMASTER, "<p@probe.example>", "<postmaster@example.org>", ok,
                            r("250 2.1.5 Ok"), Outcome.ACCEPTED),
                    new ControlEvidence(Control.RANDOM_LOCAL, "<p@probe.example>", "<k3v9@example.org>", ok,
                            r("550 5.1.1 User unknown"), Outcome.REJECTED));
            return new ServerEvidence(host, address, port, connected, greeting, null,
                    greeting != null && greeting.code() == 220 ? "EHLO" : null, List.of("PIPELINING", "STARTTLS"),
                    true, tls, true, tests, controls, failures, 1, Mta.POSTFIX, "example.org", false,
                    new DiagnosticEvidence(reverse, connectMs, transactionMs, transactionMs == null ? null : 1,
                            observedAt));
        }
    }

    static TlsDetails tls(String protocol, Instant notAfter) {
        return new TlsDetails("STARTTLS", protocol, "TLS_AES_256_GCM_SHA384", "CN=mx.example.org",
                List.of("mx.example.org"), "CN=Example CA", notAfter, true, null, true, "mx.example.org", null);
    }

    static Map<String, Finding> byCheck(ServerEvidence e) {
        List<Finding> findings = Diagnostics.findings(e, T);
        Map<String, Finding> map = findings.stream().collect(Collectors.toMap(Finding::check, f -> f));
        assertEquals(findings.size(), map.size(), "one finding per diagnostic: " + findings);
        return map;
    }

    static Status status(ServerEvidence e, String check) {
        Finding f = byCheck(e).get(check);
        return f == null ? null : f.status();
    }

    // ---------------------------------------------------------------- thresholds

    @ParameterizedTest(name = "{0} ms against warn {1} ms, fail {2} ms → {3}")
    @CsvSource({
            "0,    1000, 5000, PASS",
            "1000, 1000, 5000, PASS",
            "1001, 1000, 5000, WARN",
            "5000, 1000, 5000, WARN",
            "5001, 1000, 5000, FAIL",
            "60000, 1000, 5000, FAIL",
    })
    void thresholdsAreStrictlyAbove(long ms, long warn, long fail, Status expected) {
        assertEquals(expected, Diagnostics.timed(ms, Duration.ofMillis(warn), Duration.ofMillis(fail)));
    }

    static Stream<Arguments> timings() {
        return Stream.of(
                Arguments.of("fast connect", new E(), "connect-time", Status.PASS),
                Arguments.of("connect 1.5 s", new E().with(e -> e.connectMs = 1500L), "connect-time", Status.WARN),
                Arguments.of("connect 6 s", new E().with(e -> e.connectMs = 6000L), "connect-time", Status.FAIL),
                Arguments.of("no connection", new E().with(e -> {
                    e.connected = false;
                    e.greeting = null;
                }), "connect-time", null),
                Arguments.of("connect time unknown", new E().with(e -> e.connectMs = null), "connect-time", null),
                Arguments.of("quick transactions", new E(), "transaction-time", Status.PASS),
                Arguments.of("transactions 5 s exactly", new E().with(e -> e.transactionMs = 5000L), "transaction-time",
                        Status.PASS),
                Arguments.of("transactions 8 s", new E().with(e -> e.transactionMs = 8000L), "transaction-time",
                        Status.WARN),
                Arguments.of("transactions 21 s (tarpit)", new E().with(e -> e.transactionMs = 21_000L),
                        "transaction-time", Status.FAIL),
                Arguments.of("no transactions", new E().with(e -> e.transactionMs = null), "transaction-time", null));
    }

    @ParameterizedTest(name = "{0}: {2} → {3}")
    @MethodSource("timings")
    void timedDiagnostics(String name, E evidence, String check, Status expected) {
        assertEquals(expected, status(evidence.build(), check));
    }

    @Test
    void theConnectTimeNamesTheServerAndTheThresholds() {
        Finding f = byCheck(new E().with(e -> e.connectMs = 1500L).build()).get("connect-time");
        assertTrue(f.detail().contains("mx.example.org [192.0.2.25]:25"), f.detail());
        assertTrue(f.detail().contains("1500 ms") && f.detail().contains("1000 ms") && f.detail().contains("5000 ms"),
                f.detail());
        assertEquals("Slow connect: 1.5 s", f.title());
    }

    // ---------------------------------------------------------------- the greeting's host name

    @ParameterizedTest(name = "\"{0}\" is an FQDN: {1}")
    @CsvSource({
            "mx.example.org, true",
            "mx.example.org., true",
            "MX.Example.ORG, true",
            "mail-1.eu.example.co.uk, true",
            "xn--bcher-kva.example, true",
            "1mx.example.org, true",
            "mail, false",
            "localhost, false",
            "localhost.localdomain, false",
            "mx.localhost, false",
            "192.0.2.25, false",
            "[192.0.2.25], false",
            "[IPv6:2001:db8::1], false",
            "-mx.example.org, false",
            "mx-.example.org, false",
            "mx..example.org, false",
            "mx_1.example.org, false",
            ".example.org, false",
            "mx.example.123, false",
            "ESMTP, false",
    })
    void fullyQualifiedDomainNames(String word, boolean fqdn) {
        assertEquals(fqdn, Diagnostics.isFqdn(word));
    }

    @Test
    void overlongNamesAreNotFqdns() {
        String label63 = "a".repeat(63);
        assertTrue(Diagnostics.isFqdn(label63 + ".example"));
        assertEquals(false, Diagnostics.isFqdn("a".repeat(64) + ".example"));
        String name253 = (label63 + ".").repeat(3) + "a".repeat(61); // 3×64 + 61 = 253
        assertTrue(Diagnostics.isFqdn(name253));
        assertEquals(false, Diagnostics.isFqdn(name253 + "a"));
    }

    static Stream<Arguments> greetings() {
        return Stream.of(
                Arguments.of("220 mx.example.org ESMTP Postfix", Status.PASS),
                Arguments.of("220 mx.example.org.", Status.PASS),
                Arguments.of("220 [192.0.2.25] ESMTP", Status.WARN),
                Arguments.of("220 mail ESMTP", Status.WARN),
                Arguments.of("220 localhost.localdomain ESMTP Sendmail", Status.WARN),
                Arguments.of("220 ESMTP ready", Status.WARN),
                Arguments.of("220", null),     // no name at all: the banner finding says so
                Arguments.of("554 5.7.1 mx.example.org go away", null)); // refused: "banner" FAILs instead
    }

    @ParameterizedTest(name = "{0} → banner-hostname {1}")
    @MethodSource("greetings")
    void theGreetingNamesAFullyQualifiedHost(String greeting, Status expected) {
        ServerEvidence e = new E().with(x -> x.greeting = r(greeting)).build();
        Finding f = byCheck(e).get("banner-hostname");
        assertEquals(expected, f == null ? null : f.status());
        if (f != null) {
            assertTrue(f.detail().contains("mx.example.org [192.0.2.25]:25") && f.detail().contains(greeting),
                    f.detail());
        }
    }

    @Test
    void aBareOrMissingGreetingIsABannerFinding() {
        Map<String, Status> banner = Stream.of("220 mx.example.org", "220", "554 5.7.1 go away")
                .collect(Collectors.toMap(g -> g, g -> Grader.grade(new E().with(e -> e.greeting = r(g)).build(), T)
                        .findings().stream().filter(f -> f.check().equals("banner")).findFirst().orElseThrow()
                        .status()));
        assertEquals(Map.of("220 mx.example.org", Status.PASS, "220", Status.WARN, "554 5.7.1 go away", Status.FAIL),
                banner);
        ServerEvidence silent = new E().with(e -> {
            e.greeting = null;
            e.failures.add(new SmtpFailure(SmtpFailure.Kind.COMMAND_TIMEOUT, "no reply within 30000 ms"));
        }).build();
        Finding none = Grader.grade(silent, T).findings().stream().filter(f -> f.check().equals("banner"))
                .findFirst().orElseThrow();
        assertEquals(Status.FAIL, none.status());
        assertTrue(none.detail().contains("mx.example.org [192.0.2.25]:25") && none.detail().contains("30000 ms"),
                none.detail());
    }

    // ---------------------------------------------------------------- reverse DNS

    static ReverseDns.Forward fw(String name, String... addresses) {
        return new ReverseDns.Forward(name, List.of(addresses), null);
    }

    static Stream<Arguments> reverseDns() {
        ReverseDns.Forward broken = new ReverseDns.Forward("mx.example.org", List.of(), "no answer within 5000 ms");
        return Stream.of(
                Arguments.of("not asked", ReverseDns.NOT_ASKED, "220 mx.example.org", null, null, null),
                Arguments.of("no PTR", ReverseDns.none(), "220 mx.example.org", Status.WARN, null, null),
                Arguments.of("PTR lookup failed", ReverseDns.failed("SERVFAIL from 192.0.2.53:53"), "220 mx.example.org",
                        Status.INFO, null, null),
                Arguments.of("confirmed, greeting matches",
                        ReverseDns.found(List.of("mx.example.org"), List.of(fw("mx.example.org", ADDRESS))),
                        "220 mx.example.org ESMTP", Status.PASS, Status.PASS, Status.PASS),
                Arguments.of("greeting matches ignoring case and the root dot",
                        ReverseDns.found(List.of("mx.example.org"), List.of(fw("mx.example.org", ADDRESS))),
                        "220 MX.Example.ORG. ESMTP", Status.PASS, Status.PASS, Status.PASS),
                Arguments.of("confirmed, greeting names another host",
                        ReverseDns.found(List.of("host-25.isp.example"), List.of(fw("host-25.isp.example", ADDRESS))),
                        "220 mx.example.org ESMTP", Status.PASS, Status.PASS, Status.WARN),
                Arguments.of("second PTR name confirms and matches",
                        ReverseDns.found(List.of("old.example.org", "mx.example.org"),
                                List.of(fw("old.example.org"), fw("mx.example.org", "192.0.2.99", ADDRESS))),
                        "220 mx.example.org", Status.PASS, Status.PASS, Status.PASS),
                Arguments.of("PTR name resolves elsewhere",
                        ReverseDns.found(List.of("mx.example.org"), List.of(fw("mx.example.org", "192.0.2.99"))),
                        "220 mx.example.org", Status.PASS, Status.WARN, Status.PASS),
                Arguments.of("PTR name has no address",
                        ReverseDns.found(List.of("mx.example.org"), List.of(fw("mx.example.org"))),
                        "220 mx.example.org", Status.PASS, Status.WARN, Status.PASS),
                Arguments.of("forward lookup failed",
                        ReverseDns.found(List.of("mx.example.org"), List.of(broken)),
                        "220 mx.example.org", Status.PASS, Status.INFO, Status.PASS),
                Arguments.of("confirmed, refused greeting: nothing to compare",
                        ReverseDns.found(List.of("mx.example.org"), List.of(fw("mx.example.org", ADDRESS))),
                        "554 5.7.1 go away", Status.PASS, Status.PASS, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reverseDns")
    void reverseDnsAndItsForwardConfirmation(String name, ReverseDns reverse, String greeting, Status ptr,
                                             Status fcrdns, Status bannerMatches) {
        ServerEvidence e = new E().with(x -> {
            x.reverse = reverse;
            x.greeting = r(greeting);
        }).build();
        assertEquals(ptr, status(e, "ptr"), "ptr");
        assertEquals(fcrdns, status(e, "fcrdns"), "fcrdns");
        assertEquals(bannerMatches, status(e, "banner-matches-ptr"), "banner-matches-ptr");
    }

    @Test
    void reverseDnsFindingsNameTheAddressAndTheNames() {
        ServerEvidence e = new E().with(x -> x.reverse = ReverseDns.found(List.of("claimed.example.net"),
                List.of(fw("claimed.example.net", "198.51.100.7")))).build();
        Map<String, Finding> f = byCheck(e);
        assertTrue(f.get("ptr").detail().contains(ADDRESS) && f.get("ptr").detail().contains("claimed.example.net"));
        assertTrue(f.get("fcrdns").detail().contains("claimed.example.net → 198.51.100.7"), f.get("fcrdns").detail());
        assertTrue(f.get("fcrdns").remediation().contains(ADDRESS));
        assertTrue(f.get("banner-matches-ptr").detail().contains("mx.example.org")
                && f.get("banner-matches-ptr").detail().contains("claimed.example.net"));
        assertTrue(f.get("banner-matches-ptr").remediation().contains("myhostname"), "Postfix words");
        Finding missing = byCheck(new E().with(x -> x.reverse = ReverseDns.none()).build()).get("ptr");
        assertTrue(missing.remediation().contains(ADDRESS) && missing.remediation().contains("mx.example.org"));
    }

    @Test
    void anIpv6AddressIsConfirmedByItsAaaa() {
        String v6 = "2001:db8:0:0:0:0:0:25";
        ServerEvidence e = new E().with(x -> {
            x.address = v6;
            x.reverse = ReverseDns.found(List.of("mx.example.org"), List.of(fw("mx.example.org", ADDRESS, v6)));
        }).build();
        assertEquals(Status.PASS, status(e, "fcrdns"));
        assertTrue(byCheck(e).get("connect-time").detail().contains("mx.example.org [" + v6 + "]:25"));
    }

    // ---------------------------------------------------------------- TLS

    static Stream<Arguments> expiry() {
        return Stream.of(
                Arguments.of("60 days left", Duration.ofDays(60), Status.PASS, "valid for 60 days more"),
                Arguments.of("exactly the threshold", Duration.ofDays(14), Status.PASS, "valid for 14 days more"),
                Arguments.of("one second under it", Duration.ofDays(14).minusSeconds(1), Status.WARN,
                        "expires in 13 days"),
                Arguments.of("one day", Duration.ofDays(1).plusHours(2), Status.WARN, "expires in 1 day"),
                Arguments.of("an hour", Duration.ofHours(1), Status.WARN, "expires in less than a day"),
                Arguments.of("expired this instant", Duration.ZERO, Status.FAIL, "expired today"),
                Arguments.of("expired an hour ago", Duration.ofHours(-1), Status.FAIL, "expired today"),
                Arguments.of("expired 3 days ago", Duration.ofDays(-3).minusHours(5), Status.FAIL,
                        "expired 3 days ago"));
    }

    @ParameterizedTest(name = "{0} → {2}")
    @MethodSource("expiry")
    void certificateExpiry(String name, Duration left, Status expected, String title) {
        ServerEvidence e = new E().with(x -> x.tls = tls("TLSv1.3", NOW.plus(left))).build();
        Finding f = byCheck(e).get("tls-certificate-expiry");
        assertEquals(expected, f.status());
        assertTrue(f.title().contains(title), f.title());
        assertTrue(f.detail().contains("mx.example.org [192.0.2.25]:25") && f.detail().contains("CN=mx.example.org")
                && f.detail().contains(NOW.plus(left).toString()), f.detail());
    }

    @Test
    void theExpiryWarningFollowsTheConfiguredDays() {
        ServerEvidence e = new E().with(x -> x.tls = tls("TLSv1.3", NOW.plus(Duration.ofDays(20)))).build();
        var thirty = new Diagnostics.Thresholds(T.connectWarn(), T.connectFail(), T.transactionWarn(),
                T.transactionFail(), 30);
        assertEquals(Status.PASS, status(e, "tls-certificate-expiry"));
        assertEquals(Status.WARN, Diagnostics.findings(e, thirty).stream()
                .filter(f -> f.check().equals("tls-certificate-expiry")).findFirst().orElseThrow().status());
    }

    @Test
    void noExpiryWithoutATlsSessionOrAClock() {
        assertNull(status(new E().with(x -> x.tls = null).build(), "tls-certificate-expiry"));
        assertNull(status(new E().with(x -> x.tls = TlsDetails.failed("STARTTLS", "handshake failed")).build(),
                "tls-certificate-expiry"));
        assertNull(status(new E().with(x -> x.observedAt = null).build(), "tls-certificate-expiry"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "TLSv1.3, PASS",
            "TLSv1.2, PASS",
            "TLSv1.1, FAIL",
            "TLSv1, FAIL",
            "SSLv3, FAIL",
    })
    void weakProtocolVersionsFail(String protocol, Status expected) {
        ServerEvidence e = new E().with(x -> x.tls = tls(protocol, NOW.plus(Duration.ofDays(60)))).build();
        Finding f = byCheck(e).get("tls-protocol");
        assertEquals(expected, f.status());
        assertTrue(f.detail().contains(protocol) && f.detail().contains("mx.example.org [192.0.2.25]:25"));
        if (expected == Status.FAIL) {
            assertTrue(f.remediation().contains("smtpd_tls_protocols"), "Postfix words: " + f.remediation());
        }
    }

    @ParameterizedTest(name = "handshake error \"{0}\" → {1}")
    @CsvSource(delimiter = '|', value = {
            "Received fatal alert: protocol_version | FAIL",
            "No appropriate protocol (protocol is disabled or cipher suites are inappropriate) | FAIL",
            "PKIX path building failed | ",
            "STARTTLS refused: 454 4.7.0 TLS not available | ",
    })
    void aHandshakeThatFoundNoCommonVersionFails(String error, Status expected) {
        ServerEvidence e = new E().with(x -> x.tls = TlsDetails.failed("STARTTLS", error)).build();
        assertEquals(expected, status(e, "tls-protocol"));
    }

    // ---------------------------------------------------------------- the verdict stays

    static Stream<Arguments> verdicts() {
        SmtpReply ok = r("250 2.1.0 Ok");
        return Stream.of(
                Arguments.of(new E()),
                Arguments.of(new E().with(e -> e.tests = new ArrayList<>(List.of(TestEvidence.ran("external-sender",
                        io.relaycheck.probe.RelayVariant.Scope.FOREIGN, "<p@probe.example>", "<t@example.com>", ok,
                        r("250 2.1.5 Ok")))))),
                Arguments.of(new E().with(e -> {
                    e.connected = false;
                    e.greeting = null;
                    e.failures.add(new SmtpFailure(SmtpFailure.Kind.CONNECT_FAILED, "connect failed"));
                })));
    }

    @ParameterizedTest
    @MethodSource("verdicts")
    void diagnosticsNeverChangeTheVerdict(E healthy) {
        ServerEvidence good = healthy.build();
        ServerEvidence bad = healthy.with(e -> {
            e.reverse = ReverseDns.none();
            e.connectMs = 9_000L;
            e.transactionMs = 60_000L;
            e.tls = tls("TLSv1", NOW.minus(Duration.ofDays(10)));
            if (e.greeting != null) {
                e.greeting = r("220 localhost");
            }
        }).build();
        Grade plain = Grader.grade(good);
        for (ServerEvidence e : List.of(good, bad)) {
            Grade graded = Grader.grade(e, T);
            assertEquals(plain.verdict(), graded.verdict());
            assertEquals(plain.reason(), graded.reason());
        }
        List<String> added = Grader.grade(bad, T).findings().stream().map(Finding::check).toList();
        assertTrue(added.containsAll(Diagnostics.findings(bad, T).stream().map(Finding::check).toList()), added.toString());
        assertEquals(Grader.grade(bad).findings(), Grader.grade(bad, T).findings()
                .subList(0, Grader.grade(bad).findings().size()), "diagnostics come after the relay findings");
    }

    @Test
    void evidenceWithoutDiagnosticsDataYieldsOnlyWhatItCanSee() {
        ServerEvidence plain = new ServerEvidence("mx.example.org", ADDRESS, 25, true, r("220 mx.example.org"), null,
                "EHLO", List.of(), true, null, false, List.of(), List.of(), List.of(), 1, Mta.UNKNOWN, "example.org",
                false);
        assertEquals(List.of("banner-hostname"), Diagnostics.findings(plain, T).stream().map(Finding::check).toList());
    }
}
