package io.relaycheck.smtp;

import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.MailServerScript;
import io.relaycheck.testing.SessionRunner;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dialogue engine against scripted servers on loopback. No Quarkus, no HTTP. */
class SmtpSessionTest {

    static Vertx vertx;
    static NetClient client;
    final List<FakeSmtpServer> servers = new ArrayList<>();

    static final SmtpLimits LIMITS = new SmtpLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10),
            2048, 64 * 1024, 256 * 1024, 1000);

    static final List<SmtpSession.Transaction> RELAY = List.of(
            new SmtpSession.Transaction("external-sender", "<probe@sender.example>", List.of("<t@example.com>")),
            new SmtpSession.Transaction("controls", "<probe@sender.example>",
                    List.of("<postmaster@relay.test>", "<k3v9q0x1m2b7c8d4@relay.test>")));

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000).setTrustAll(true)
                .setHostnameVerificationAlgorithm(""));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeServers() {
        servers.forEach(FakeSmtpServer::close);
        // Nothing this engine may never send reached any server in any test.
        for (FakeSmtpServer s : servers) {
            for (String line : s.allReceived()) {
                String verb = line.split("[ :]", 2)[0].toUpperCase();
                assertFalse(List.of("DATA", "BDAT", "AUTH", "VRFY", "EXPN").contains(verb), "sent " + line);
            }
            assertEquals(List.of(), s.earlyTalkers(), "wrote before the greeting");
        }
    }

    FakeSmtpServer server(FakeSmtpServer.Script script) {
        FakeSmtpServer s = FakeSmtpServer.start(vertx, script);
        servers.add(s);
        return s;
    }

    static SmtpSession.SessionResult run(FakeSmtpServer server, SmtpLimits limits, boolean startTls,
                                         List<SmtpSession.Transaction> transactions) throws Exception {
        return SessionRunner.run(vertx, client, server, limits, startTls, transactions);
    }

    static SmtpSession.SessionResult run(FakeSmtpServer server) throws Exception {
        return run(server, LIMITS, true, RELAY);
    }

    static SmtpReply rcpt(SmtpSession.SessionResult r, String id, int i) {
        return r.transactions().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow().recipients().get(i);
    }

    @Test
    void anOpenRelayAcceptsTheForeignRecipient() throws Exception {
        var s = server(MailServerScript.closed().rcpt(MailServerScript::openRelay));
        var r = run(s);
        assertNull(r.failure());
        assertEquals(220, r.greeting().code());
        assertEquals("EHLO", r.helloVerb());
        assertEquals(250, rcpt(r, "external-sender", 0).code());
        assertEquals(250, rcpt(r, "controls", 0).code(), "postmaster exists");
        assertEquals(550, rcpt(r, "controls", 1).code(), "random local user does not");
        assertEquals(221, r.quitReply().code());
        assertNotNull(r.connectMs());
        assertNotNull(r.bannerMs());
        assertNotNull(r.ehloMs());
        assertNotNull(r.transactionMs());
        List<String> lines = s.connections().get(0).received();
        assertEquals(List.of("EHLO probe.example", "MAIL FROM:<probe@sender.example>", "RCPT TO:<t@example.com>", "RSET",
                "MAIL FROM:<probe@sender.example>", "RCPT TO:<postmaster@relay.test>",
                "RCPT TO:<k3v9q0x1m2b7c8d4@relay.test>", "RSET", "QUIT"), lines);
    }

    @Test
    void aFinishedSessionLetsGoOfItsCancelHook() throws Exception {
        // A batch's signal outlives its checks; a hook left behind would keep each finished
        // session (and its transcript) reachable until the whole batch ends.
        CancelSignal signal = new CancelSignal();
        var r = SessionRunner.run(vertx, client, server(MailServerScript.closed()), LIMITS, true, RELAY, signal);
        assertEquals(554, rcpt(r, "external-sender", 0).code());
        assertEquals(0, signal.hooks());
    }

    @Test
    void aCancelledSessionEndsAtOnce() throws Exception {
        CancelSignal signal = new CancelSignal();
        var s = server(new FakeSmtpServer.Script() {
            @Override
            public void connected(FakeSmtpServer.Conn conn) {
                conn.reply("220 mx.relay.test ESMTP");
                conn.greeted();
            }

            @Override
            public void command(FakeSmtpServer.Conn conn, String line) {
                signal.cancel(); // never answer; the client goes away instead
            }
        });
        var r = SessionRunner.run(vertx, client, s, LIMITS, true, RELAY, signal);
        assertEquals(SmtpFailure.Kind.CANCELLED, r.failure().kind());
        assertEquals(0, signal.hooks());
    }

    @Test
    void aClosedRelayRefusesWithEnhancedCodes() throws Exception {
        var r = run(server(MailServerScript.closed()));
        SmtpReply reply = rcpt(r, "external-sender", 0);
        assertEquals(554, reply.code());
        assertEquals("5.7.1", reply.enhancedCode());
        assertTrue(reply.text().contains("Relay access denied"));
    }

    @Test
    void greylistingIsATransientReply() throws Exception {
        var r = run(server(MailServerScript.closed().rcpt((f, t) -> "450 4.2.0 <t@example.com>: Greylisted, see later")));
        assertTrue(rcpt(r, "external-sender", 0).isTransientFailure());
    }

    @Test
    void a421GreetingEndsTheSessionWithoutCommands() throws Exception {
        var s = server(MailServerScript.closed().greeting("421 4.3.2 mx.relay.test Service not available"));
        var r = run(s);
        assertEquals(421, r.greeting().code());
        assertTrue(r.serviceClosing());
        assertTrue(r.transactions().isEmpty());
        assertEquals(List.of(), s.connections().get(0).received(), "nothing is written after a 421 greeting");
    }

    @Test
    void a554GreetingGetsOnlyQuit() throws Exception {
        var s = server(MailServerScript.closed().greeting("554 5.7.1 You are not welcome here"));
        var r = run(s);
        assertEquals(554, r.closingReply().code());
        assertEquals(List.of("QUIT"), s.connections().get(0).received(), "RFC 5321 §3.1: the client sends QUIT");
    }

    @Test
    void refusedEhloFallsBackToHelo() throws Exception {
        var s = server(MailServerScript.closed().noEhlo());
        var r = run(s);
        assertEquals("HELO", r.helloVerb());
        assertEquals(List.of(), r.extensions());
        assertEquals("HELO probe.example", s.connections().get(0).received().get(1));
        assertEquals(554, rcpt(r, "external-sender", 0).code());
    }

    @Test
    void startTlsWithASelfSignedCertificateIsRecordedNotFatal() throws Exception {
        var s = server(MailServerScript.closed().startTls(true));
        var r = run(s);
        assertNull(r.failure());
        assertNotNull(r.tls());
        assertTrue(r.tls().established(), String.valueOf(r.tls()));
        assertTrue(r.tls().protocol().startsWith("TLSv1."));
        assertNotNull(r.tls().cipher());
        assertEquals(Boolean.FALSE, r.tls().trusted(), "self-signed is not trusted");
        assertEquals(Boolean.TRUE, r.tls().hostnameMatches(), "the certificate names mx.relay.test");
        assertTrue(r.tls().subject().contains("mx.relay.test"));
        List<String> lines = s.connections().get(0).received();
        assertEquals("STARTTLS", lines.get(1));
        assertEquals("EHLO probe.example", lines.get(2), "RFC 3207 §4.2: EHLO again after TLS");
        assertEquals(554, rcpt(r, "external-sender", 0).code());
    }

    @Test
    void startTlsIsNotUsedWhenNotWanted() throws Exception {
        var s = server(MailServerScript.closed().startTls(true));
        var r = run(s, LIMITS, false, RELAY);
        assertNull(r.tls());
        assertFalse(s.connections().get(0).received().contains("STARTTLS"));
    }

    @Test
    void withPipeliningTheTransactionsGoInOneWrite() throws Exception {
        var s = server(MailServerScript.closed().pipelining(true).replyDelayMs(20));
        var r = run(s);
        assertTrue(r.pipelined());
        // Seven commands and QUIT in one group (RFC 2920 allows QUIT last): seven of them arrive
        // while the first is being answered, so the battery costs one round trip.
        assertEquals(7, s.pipelinedLines());
        assertEquals(221, r.quitReply().code());
        assertNull(r.failure(), "the server hanging up after 221 is the normal end");
        assertEquals("QUIT", s.connections().get(0).received().get(s.connections().get(0).received().size() - 1));
        assertEquals(554, rcpt(r, "external-sender", 0).code());
        assertEquals(250, rcpt(r, "controls", 0).code());
    }

    @Test
    void withoutPipeliningNoCommandIsWrittenBeforeThePreviousReply() throws Exception {
        var s = server(MailServerScript.closed().pipelining(false).replyDelayMs(20));
        var r = run(s);
        assertFalse(r.pipelined());
        assertEquals(List.of(), s.pipeliningViolations());
        assertEquals(0, s.pipelinedLines());
        assertEquals(554, rcpt(r, "external-sender", 0).code());
    }

    @Test
    void aRefusedSenderSkipsTheRecipientsWithoutPipelining() throws Exception {
        var s = server(MailServerScript.closed().mail(from -> "553 5.7.1 Sender address rejected"));
        var r = run(s);
        assertEquals(553, r.transactions().get(0).mail().code());
        assertNull(r.transactions().get(0).recipients().get(0));
        assertFalse(s.connections().get(0).received().stream().anyMatch(l -> l.startsWith("RCPT")));
    }

    @Test
    void waitsForADelayedMultiLineGreeting() throws Exception {
        var s = server(new FakeSmtpServer.Script() {
            final MailServerScript normal = MailServerScript.closed();

            @Override
            public void connected(FakeSmtpServer.Conn conn) {
                conn.raw("220-mx.relay.test ESMTP slow greeter\r\n");
                vertx.setTimer(300, t -> {
                    conn.raw("220 please wait for this line\r\n");
                    conn.greeted();
                });
            }

            @Override
            public void command(FakeSmtpServer.Conn conn, String line) {
                normal.command(conn, line);
            }
        });
        var r = run(s);
        assertEquals(List.of("mx.relay.test ESMTP slow greeter", "please wait for this line"), r.greeting().lines());
        assertEquals(554, rcpt(r, "external-sender", 0).code());
        // earlyTalkers is asserted empty for every test in closeServers()
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        var s = server(FakeSmtpServer.silent());
        var limits = new SmtpLimits(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(10), 2048, 65536, 262144, 100);
        var r = run(s, limits, true, RELAY);
        assertEquals(SmtpFailure.Kind.COMMAND_TIMEOUT, r.failure().kind());
        assertNull(r.greeting());
        assertTrue(r.transactions().isEmpty());
        assertTrue(s.connections().get(0).received().isEmpty(), "nothing written without a greeting");
    }

    @Test
    void aDrippingServerIsEndedByTheSessionDeadline() throws Exception {
        var s = server(new FakeSmtpServer.Script() {
            @Override
            public void connected(FakeSmtpServer.Conn conn) {
                conn.raw("220-");
                vertx.setPeriodic(100, id -> {
                    if (conn.closed()) {
                        vertx.cancelTimer(id);
                    } else {
                        conn.raw("x");
                    }
                });
            }

            @Override
            public void command(FakeSmtpServer.Conn conn, String line) {
            }
        });
        // The per-command timeout alone would let it drip for 5 s; the deadline cuts it at 700 ms.
        var limits = new SmtpLimits(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(700), 2048, 65536, 262144, 100);
        var r = run(s, limits, true, RELAY);
        assertEquals(SmtpFailure.Kind.DEADLINE, r.failure().kind());
        assertTrue(r.transcript().stream().anyMatch(e -> e.line().contains("DEADLINE")));
    }

    @Test
    void aServerThatClosesMidDialogueKeepsWhatRan() throws Exception {
        var s = server(MailServerScript.closed().except((conn, line) -> {
            if (line.startsWith("RCPT TO:<postmaster")) {
                conn.close();
                return true;
            }
            return false;
        }));
        var r = run(s);
        assertEquals(SmtpFailure.Kind.CONNECTION_CLOSED, r.failure().kind());
        assertEquals(554, rcpt(r, "external-sender", 0).code(), "the finished transaction is kept");
        assertNull(rcpt(r, "controls", 0), "the unanswered one is marked missing");
    }

    @Test
    void aFloodIsCutAtTheReadBudget() throws Exception {
        var s = server(new FakeSmtpServer.Script() {
            @Override
            public void connected(FakeSmtpServer.Conn conn) {
                conn.reply("220 mx.relay.test ESMTP");
                conn.greeted();
            }

            @Override
            public void command(FakeSmtpServer.Conn conn, String line) {
                // An endless multi-line EHLO reply: 4 MiB, far beyond the 64 KiB budget below.
                Buffer chunk = Buffer.buffer("250-" + "a".repeat(1020) + "\r\n");
                for (int i = 0; i < 4096 && !conn.closed(); i++) {
                    conn.raw(chunk);
                }
            }
        });
        var limits = new SmtpLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10), 2048,
                1024 * 1024, 64 * 1024, 100);
        var r = run(s, limits, true, RELAY);
        assertEquals(SmtpFailure.Kind.READ_BUDGET_EXCEEDED, r.failure().kind());
        assertTrue(r.bytesRead() <= 64 * 1024 + 65536, "read stops near the budget: " + r.bytesRead());
    }
}
