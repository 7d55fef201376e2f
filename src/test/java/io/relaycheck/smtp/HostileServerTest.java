package io.relaycheck.smtp;

import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.MailServerScript;
import io.relaycheck.testing.SessionRunner;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hostile behaviour of DESIGN.md §5–6 ends in a result with a named cause, within the
 * session deadline, having read no more than the connection's byte budget (plus one socket read).
 */
class HostileServerTest {

    static final int BUDGET = 32 * 1024;
    static final int READ_SLACK = 64 * 1024; // one socket read may overshoot the budget before we cut
    static final SmtpLimits LIMITS = new SmtpLimits(Duration.ofSeconds(2), Duration.ofMillis(1500),
            Duration.ofMillis(2500), 512, 8 * 1024, BUDGET, 200);

    static Vertx vertx;
    static NetClient client;

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

    /** A script from two lambdas; commands not handled are ignored (the server goes silent). */
    static FakeSmtpServer.Script script(Consumer<FakeSmtpServer.Conn> onConnect,
                                        BiConsumer<FakeSmtpServer.Conn, String> onCommand) {
        return new FakeSmtpServer.Script() {
            @Override
            public void connected(FakeSmtpServer.Conn conn) {
                onConnect.accept(conn);
            }

            @Override
            public void command(FakeSmtpServer.Conn conn, String line) {
                onCommand.accept(conn, line);
            }
        };
    }

    static Consumer<FakeSmtpServer.Conn> greet(String greeting) {
        return c -> {
            c.raw(greeting);
            c.greeted();
        };
    }

    static void flood(FakeSmtpServer.Conn c, String unit, int times) {
        Buffer chunk = Buffer.buffer(unit.repeat(Math.max(1, 4096 / unit.length())));
        for (int i = 0; i < times && !c.closed(); i++) {
            c.raw(chunk);
        }
    }

    static List<Transcript.Entry> tail(SmtpSession.SessionResult r) {
        List<Transcript.Entry> t = r.transcript();
        return t.subList(Math.max(0, t.size() - 6), t.size());
    }

    /** Writes {@code text} one byte every 20 ms. */
    static void drip(FakeSmtpServer.Conn c, String text) {
        c.greeted();
        int[] i = {0};
        vertx.setPeriodic(20, t -> {
            if (c.closed() || i[0] >= text.length()) {
                vertx.cancelTimer(t);
                if (!c.closed()) {
                    c.done();
                }
                return;
            }
            c.raw(text.substring(i[0], i[0] + 1));
            i[0]++;
        });
    }

    static Stream<Arguments> hostile() {
        MailServerScript normal = MailServerScript.closed();
        return Stream.of(
                Arguments.of("silent", script(c -> { }, (c, l) -> { }), SmtpFailure.Kind.COMMAND_TIMEOUT),
                // Each 40-byte reply takes 0.8 s, well inside the 1.5 s command timeout; four of them
                // do not fit the 2.5 s session deadline, which must end the dialogue.
                Arguments.of("drips one byte at a time", script(c -> drip(c, "220 mx.relay.test ESMTP " + "x".repeat(14) + "\r\n"),
                        (c, l) -> drip(c, "250 " + "x".repeat(34) + "\r\n")),
                        SmtpFailure.Kind.DEADLINE),
                Arguments.of("one endless line", script(c -> flood(c, "x", 1000), (c, l) -> { }), SmtpFailure.Kind.LINE_TOO_LONG),
                Arguments.of("endless continuation lines", script(c -> flood(c, "220-more and more\r\n", 1000), (c, l) -> { }),
                        SmtpFailure.Kind.REPLY_TOO_LARGE),
                Arguments.of("binary garbage", script(c -> {
                    byte[] junk = new byte[2048];
                    new java.util.Random(7).nextBytes(junk);
                    junk[0] = 0x16; // a TLS record header, as from a server that expects TLS
                    junk[20] = '\n';
                    c.raw(Buffer.buffer(junk));
                }, (c, l) -> { }), SmtpFailure.Kind.PROTOCOL_ERROR),
                Arguments.of("broken reply code", script(greet("2200 mx.relay.test ESMTP\r\n"), (c, l) -> { }),
                        SmtpFailure.Kind.PROTOCOL_ERROR),
                Arguments.of("letters for digits", script(greet("22O mx.relay.test ESMTP\r\n"), (c, l) -> { }),
                        SmtpFailure.Kind.PROTOCOL_ERROR),
                Arguments.of("mixed codes in one reply", script(greet("220 mx.relay.test\r\n"), (c, l) ->
                        c.raw("250-mx.relay.test\r\n251-PIPELINING\r\n250 8BITMIME\r\n")), SmtpFailure.Kind.PROTOCOL_ERROR),
                Arguments.of("replies nobody asked for", script(c -> {
                    c.raw("220 mx.relay.test\r\n250 one\r\n250 two\r\n250 three\r\n250 four\r\n");
                    c.greeted();
                }, (c, l) -> { }), SmtpFailure.Kind.PROTOCOL_ERROR),
                Arguments.of("drops the connection mid-dialogue", script(normal::connected, (c, l) -> {
                    if (l.startsWith("MAIL")) {
                        c.close();
                    } else {
                        normal.command(c, l);
                    }
                }), SmtpFailure.Kind.CONNECTION_CLOSED),
                Arguments.of("floods after EHLO", script(normal::connected, (c, l) -> flood(c, "250-x\r\n", 100)),
                        SmtpFailure.Kind.REPLY_TOO_LARGE),
                Arguments.of("floods many short replies", script(normal::connected, (c, l) -> flood(c, "250 x\r\n", 100)),
                        SmtpFailure.Kind.PROTOCOL_ERROR),
                Arguments.of("injects a reply after its 220 to STARTTLS", script(c -> {
                    c.reply("220 mx.relay.test ESMTP");
                    c.greeted();
                }, (c, l) -> {
                    if (l.startsWith("EHLO")) {
                        c.answer("250-mx.relay.test", "250 STARTTLS");
                    } else if (l.equals("STARTTLS")) {
                        c.raw("220 go ahead\r\n250 injected in clear text\r\n");
                    }
                }), SmtpFailure.Kind.PROTOCOL_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void endsWithANamedCauseInsideTheLimits(String name, FakeSmtpServer.Script script, SmtpFailure.Kind expected)
            throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start(vertx, script)) {
            SmtpSession.SessionResult r = SessionRunner.run(vertx, client, server, LIMITS, true, List.of(
                    new SmtpSession.Transaction("external-sender", "<probe@sender.example>", List.of("<t@example.com>"))));
            assertEquals(expected, r.failure() == null ? null : r.failure().kind(), name + ": " + tail(r));
            assertTrue(r.bytesRead() <= BUDGET + READ_SLACK, name + " read " + r.bytesRead());
            assertTrue(r.transcript().size() <= LIMITS.maxTranscriptLines() + 1, "transcript bounded");
            for (String line : server.allReceived()) {
                assertTrue(!line.startsWith("DATA"), line);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tolerated")
    void toleratesOddButHarmlessServers(String name, FakeSmtpServer.Script script) throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start(vertx, script)) {
            SmtpSession.SessionResult r = SessionRunner.run(vertx, client, server, LIMITS, true, List.of(
                    new SmtpSession.Transaction("external-sender", "<probe@sender.example>", List.of("<t@example.com>"))));
            assertNull(r.failure(), name + ": " + tail(r));
            assertEquals(554, r.transactions().get(0).recipients().get(0).code());
        }
    }

    static Stream<Arguments> tolerated() {
        MailServerScript normal = MailServerScript.closed();
        return Stream.of(
                Arguments.of("bare LF line endings", script(c -> {
                    c.raw("220 mx.relay.test ESMTP\n");
                    c.greeted();
                }, (c, l) -> {
                    String r = l.startsWith("EHLO") ? "250-mx.relay.test\n250 8BITMIME\n"
                            : l.startsWith("RCPT") ? "554 5.7.1 Relay access denied\n"
                            : l.startsWith("QUIT") ? "221 Bye\n" : "250 Ok\n";
                    c.raw(r);
                    c.done();
                })),
                Arguments.of("a greeting that takes a while", script(c -> vertx.setTimer(800, t -> normal.connected(c)),
                        normal::command)));
    }
}
