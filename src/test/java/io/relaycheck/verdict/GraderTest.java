package io.relaycheck.verdict;

import io.relaycheck.probe.Control;
import io.relaycheck.probe.RelayVariant;
import io.relaycheck.smtp.SmtpFailure;
import io.relaycheck.smtp.SmtpReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict table of DESIGN.md §3, row by row. */
class GraderTest {

    static final RelayVariant.Scope FOREIGN = RelayVariant.Scope.FOREIGN;
    static final RelayVariant.Scope LOCAL = RelayVariant.Scope.LOCAL_ROUTED;

    static SmtpReply r(String line) {
        int code = Integer.parseInt(line.substring(0, 3));
        return SmtpReply.of(code, List.of(line.length() > 4 ? line.substring(4) : ""));
    }

    static final SmtpReply OK = r("250 2.1.0 Ok");
    static final SmtpReply RCPT_OK = r("250 2.1.5 Ok");
    static final SmtpReply RELAY_DENIED = r("554 5.7.1 <t@example.com>: Relay access denied");
    static final SmtpReply UNKNOWN_USER = r("550 5.1.1 <x@relay.test>: User unknown");
    static final SmtpReply GREYLIST = r("450 4.2.0 <t@example.com>: Recipient address rejected: Greylisted");
    static final SmtpReply AUTH = r("530 5.7.0 Authentication required");
    static final SmtpReply TLS_FIRST = r("530 5.7.0 Must issue a STARTTLS command first");
    static final SmtpReply SENDER_REFUSED = r("553 5.7.1 <probe@sender.example>: Sender address rejected");
    static final SmtpReply BAD_SEQUENCE = r("503 5.5.1 Error: need MAIL command");

    /** Builds evidence; each test states only what differs from a healthy closed server. */
    static final class E {
        SmtpReply greeting = r("220 mx.relay.test ESMTP Postfix");
        SmtpReply closing;
        boolean connected = true;
        List<TestEvidence> tests = new ArrayList<>();
        SmtpReply randomLocal = UNKNOWN_USER;
        SmtpReply postmaster = RCPT_OK;
        boolean controlsAsked = true;
        List<SmtpFailure> failures = new ArrayList<>();

        E test(String id, SmtpReply mail, SmtpReply rcpt) {
            tests.add(TestEvidence.ran(id, FOREIGN, "<probe@sender.example>", "<t@example.com>", mail, rcpt));
            return this;
        }

        E local(String id, SmtpReply mail, SmtpReply rcpt) {
            tests.add(TestEvidence.ran(id, LOCAL, "<probe@[192.0.2.25]>", "<t%example.com@relay.test>", mail, rcpt));
            return this;
        }

        E notRun(String id) {
            tests.add(TestEvidence.notRun(id, FOREIGN, null, null, "deadline"));
            return this;
        }

        E refusedAll(int n) {
            for (int i = 0; i < n; i++) {
                test("v" + i, OK, RELAY_DENIED);
            }
            return this;
        }

        E fail(SmtpFailure.Kind kind) {
            failures.add(new SmtpFailure(kind, kind.name()));
            return this;
        }

        ServerEvidence build() {
            List<ControlEvidence> controls = controlsAsked ? List.of(
                    new ControlEvidence(Control.POSTMASTER, "<probe@sender.example>", "<postmaster@relay.test>", OK,
                            postmaster, Outcome.of(OK, postmaster)),
                    new ControlEvidence(Control.RANDOM_LOCAL, "<probe@sender.example>", "<k3v9@relay.test>", OK,
                            randomLocal, Outcome.of(OK, randomLocal))) : List.of();
            return new ServerEvidence("mx.relay.test", "192.0.2.25", 25, connected, connected ? greeting : null, closing,
                    connected && greeting != null && greeting.code() == 220 ? "EHLO" : null,
                    List.of("PIPELINING", "STARTTLS"), true, null, true, tests, controls, failures, 1,
                    Mta.detect(greeting == null ? null : greeting.text(), List.of()), "relay.test", false);
        }
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("foreign 2xx + random local refused", new E().refusedAll(3).test("null-sender", OK, RCPT_OK),
                        Verdict.OPEN_RELAY, Reason.RELAY_ACCEPTED),
                Arguments.of("foreign 2xx + random local accepted", with(new E().test("x", OK, RCPT_OK), e -> e.randomLocal = RCPT_OK),
                        Verdict.POSSIBLE_OPEN_RELAY, Reason.ACCEPTS_ALL_RECIPIENTS),
                Arguments.of("foreign 2xx, control not asked", with(new E().test("x", OK, RCPT_OK), e -> e.controlsAsked = false),
                        Verdict.POSSIBLE_OPEN_RELAY, Reason.UNVERIFIED),
                Arguments.of("foreign 2xx, control deferred", with(new E().test("x", OK, RCPT_OK), e -> e.randomLocal = GREYLIST),
                        Verdict.POSSIBLE_OPEN_RELAY, Reason.UNVERIFIED),
                Arguments.of("foreign 2xx wins over timeouts", new E().test("x", OK, RCPT_OK).notRun("y").fail(SmtpFailure.Kind.DEADLINE),
                        Verdict.OPEN_RELAY, Reason.RELAY_ACCEPTED),
                Arguments.of("all refused", new E().refusedAll(26), Verdict.NOT_OPEN_RELAY, Reason.RELAY_DENIED),
                Arguments.of("catch-all accepts local-routed tricks only", with(new E().refusedAll(3).local("percent-hack-domain", OK, RCPT_OK),
                        e -> e.randomLocal = RCPT_OK), Verdict.NOT_OPEN_RELAY, Reason.RELAY_DENIED),
                Arguments.of("validating server accepts a local-routed trick", new E().refusedAll(3).local("percent-hack-host", OK, RCPT_OK),
                        Verdict.OPEN_RELAY, Reason.RELAY_ACCEPTED),
                Arguments.of("local-routed trick accepted, control not asked", with(new E().local("percent-hack-host", OK, RCPT_OK),
                        e -> e.controlsAsked = false), Verdict.POSSIBLE_OPEN_RELAY, Reason.UNVERIFIED),
                Arguments.of("refused and some senders refused", new E().refusedAll(20).test("bare-sender", SENDER_REFUSED, BAD_SEQUENCE),
                        Verdict.NOT_OPEN_RELAY, Reason.RELAY_DENIED),
                Arguments.of("530 at RCPT", new E().test("a", OK, AUTH).test("b", OK, AUTH), Verdict.NOT_OPEN_RELAY, Reason.AUTH_REQUIRED),
                Arguments.of("530 at MAIL (submission port)", new E().test("a", AUTH, BAD_SEQUENCE).test("b", AUTH, null),
                        Verdict.NOT_OPEN_RELAY, Reason.AUTH_REQUIRED),
                Arguments.of("5.7.1 with authentication text", new E().test("a", OK, r("554 5.7.1 Relaying denied. Proper authentication required")),
                        Verdict.NOT_OPEN_RELAY, Reason.AUTH_REQUIRED),
                Arguments.of("must issue STARTTLS first", new E().test("a", TLS_FIRST, null).test("b", TLS_FIRST, null),
                        Verdict.INCONCLUSIVE, Reason.TLS_REQUIRED),
                Arguments.of("every sender refused", new E().test("a", SENDER_REFUSED, BAD_SEQUENCE).test("b", SENDER_REFUSED, null),
                        Verdict.INCONCLUSIVE, Reason.SENDER_REJECTED),
                Arguments.of("4xx at RCPT", new E().refusedAll(2).test("g", OK, GREYLIST), Verdict.INCONCLUSIVE, Reason.GREYLISTED),
                Arguments.of("421 greeting", with(new E().notRun("a"), e -> { e.greeting = r("421 4.3.2 Service not available"); e.closing = e.greeting; }),
                        Verdict.INCONCLUSIVE, Reason.SERVICE_UNAVAILABLE),
                Arguments.of("554 greeting", with(new E().notRun("a"), e -> { e.greeting = r("554 5.7.1 You are blocked"); e.closing = e.greeting; }),
                        Verdict.INCONCLUSIVE, Reason.SERVICE_UNAVAILABLE),
                Arguments.of("421 mid-battery", with(new E().refusedAll(2).notRun("z"), e -> e.closing = r("421 4.7.0 Too many errors")),
                        Verdict.INCONCLUSIVE, Reason.SERVICE_UNAVAILABLE),
                Arguments.of("connect refused", with(new E().notRun("a").fail(SmtpFailure.Kind.CONNECT_FAILED), e -> e.connected = false),
                        Verdict.INCONCLUSIVE, Reason.CONNECTION_FAILED),
                Arguments.of("connect timed out by deadline", with(new E().notRun("a").fail(SmtpFailure.Kind.DEADLINE), e -> e.connected = false),
                        Verdict.INCONCLUSIVE, Reason.TIMEOUT),
                Arguments.of("silent server", with(new E().notRun("a").fail(SmtpFailure.Kind.COMMAND_TIMEOUT), e -> e.greeting = null),
                        Verdict.INCONCLUSIVE, Reason.TIMEOUT),
                Arguments.of("garbage greeting", with(new E().notRun("a").fail(SmtpFailure.Kind.PROTOCOL_ERROR), e -> e.greeting = null),
                        Verdict.INCONCLUSIVE, Reason.PROTOCOL_ERROR),
                Arguments.of("flood hits a limit", new E().refusedAll(2).notRun("b").fail(SmtpFailure.Kind.READ_BUDGET_EXCEEDED),
                        Verdict.INCONCLUSIVE, Reason.PROTOCOL_ERROR),
                Arguments.of("partly refused, rest timed out", new E().refusedAll(2).notRun("b").fail(SmtpFailure.Kind.COMMAND_TIMEOUT),
                        Verdict.INCONCLUSIVE, Reason.TIMEOUT),
                Arguments.of("dropped and never finished", new E().refusedAll(2).notRun("b").fail(SmtpFailure.Kind.CONNECTION_CLOSED),
                        Verdict.INCONCLUSIVE, Reason.CONNECTION_FAILED));
    }

    static E with(E e, java.util.function.Consumer<E> change) {
        change.accept(e);
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void grades(String name, E evidence, Verdict verdict, Reason reason) {
        Grade g = Grader.grade(evidence.build());
        assertEquals(verdict, g.verdict(), name);
        assertEquals(reason, g.reason(), name);
        assertEquals("relay", g.findings().get(0).check(), "the relay finding comes first");
    }

    @Test
    void isAPureFunction() {
        ServerEvidence e = new E().refusedAll(3).test("null-sender", OK, RCPT_OK).build();
        assertEquals(Grader.grade(e), Grader.grade(e));
    }

    @Test
    void openRelayFindingGivesPostfixRemediationAndNamesTheVariant() {
        Grade g = Grader.grade(new E().refusedAll(3).test("percent-hack-host", OK, RCPT_OK).build());
        Finding relay = g.findings().get(0);
        assertEquals(Status.FAIL, relay.status());
        assertTrue(relay.detail().contains("percent-hack-host"), relay.detail());
        assertTrue(relay.remediation().contains("reject_unauth_destination"), relay.remediation());
        assertTrue(relay.remediation().contains("allow_percent_hack = no"), relay.remediation());
    }

    @Test
    void aRelayThatAcceptsEverythingGetsNoTrickSpecificHint() {
        Grade g = Grader.grade(new E().test("external-sender", OK, RCPT_OK).test("percent-hack-host", OK, RCPT_OK).build());
        assertTrue(!g.findings().get(0).remediation().contains("allow_percent_hack"), g.findings().get(0).remediation());
    }

    @Test
    void possibleOpenRelayCarriesTheHarvestCaveat() {
        Grade g = Grader.grade(with(new E().test("x", OK, RCPT_OK), e -> e.randomLocal = RCPT_OK).build());
        assertEquals(Status.WARN, g.findings().get(0).status());
        assertTrue(g.findings().get(0).explanation().contains("directory harvest"));
        Finding validation = g.findings().stream().filter(f -> f.check().equals("recipient-validation")).findFirst().orElseThrow();
        assertEquals(Status.WARN, validation.status());
    }

    @Test
    void closedRelayPassesWithoutRemediation() {
        Grade g = Grader.grade(new E().refusedAll(26).build());
        assertEquals(Status.PASS, g.findings().get(0).status());
        assertNull(g.findings().get(0).remediation());
        assertNotNull(g.findings().stream().filter(f -> f.check().equals("postmaster") && f.status() == Status.PASS)
                .findFirst().orElse(null));
    }

    @Test
    void refusedPostmasterIsAWarning() {
        Grade g = Grader.grade(with(new E().refusedAll(2), e -> e.postmaster = UNKNOWN_USER).build());
        Finding f = g.findings().stream().filter(x -> x.check().equals("postmaster")).findFirst().orElseThrow();
        assertEquals(Status.WARN, f.status());
        assertTrue(f.explanation().contains("4.5.1"));
    }

    @Test
    void remediationSpeaksEachMtasLanguage() {
        assertTrue(Remediation.closeRelay(Mta.EXIM, List.of()).contains("relay_from_hosts"));
        assertTrue(Remediation.closeRelay(Mta.MICROSOFT_EXCHANGE, List.of()).contains("Ms-Exch-SMTP-Accept-Any-Recipient"));
        assertTrue(Remediation.closeRelay(Mta.SENDMAIL, List.of()).contains("promiscuous_relay"));
        assertTrue(Remediation.closeRelay(Mta.OPENSMTPD, List.of()).contains("match from local"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void recognisesTheMta(String greeting, List<String> ext, Mta mta) {
        assertEquals(mta, Mta.detect(greeting, ext));
    }

    static Stream<Arguments> mtas() {
        return Stream.of(
                Arguments.of("mx.example.org ESMTP Postfix (Debian/GNU)", List.of(), Mta.POSTFIX),
                Arguments.of("mx.example.org ESMTP Exim 4.96 Mon, 01 Dec 2026", List.of(), Mta.EXIM),
                Arguments.of("EX01.corp.example Microsoft ESMTP MAIL Service ready", List.of(), Mta.MICROSOFT_EXCHANGE),
                Arguments.of("mail.example.org", List.of("X-EXPS GSSAPI NTLM", "XEXCH50"), Mta.MICROSOFT_EXCHANGE),
                Arguments.of("mx.example.org ESMTP Sendmail 8.17.1/8.17.1", List.of(), Mta.SENDMAIL),
                Arguments.of("mx.example.org ESMTP OpenSMTPD", List.of(), Mta.OPENSMTPD),
                Arguments.of("mx.example.org ESMTP", List.of("XFORWARD NAME ADDR"), Mta.POSTFIX),
                Arguments.of("mx.example.org ESMTP ready", List.of("PIPELINING"), Mta.UNKNOWN));
    }
}
