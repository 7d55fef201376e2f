package io.relaycheck.smtp;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One SMTP dialogue from connect to QUIT, in phases: greeting, EHLO (HELO fallback), STARTTLS and
 * EHLO again, then the transactions the caller plans (MAIL, RCPT…, RSET each; never DATA), then
 * QUIT. It knows nothing about relay testing: it runs the transactions it is given and reports
 * every reply, every timing and how it ended. It never fails: whatever the server does ends in a
 * {@link SessionResult}.
 */
public final class SmtpSession {

    /**
     * Where to connect.
     *
     * @param address     the address checked by policy; never resolved again
     * @param hostName    the name we expect the server to have (MX or target host), for SNI and
     *                    the certificate check; null for an IP literal target
     * @param implicitTls TLS from the first byte (port 465, RFC 8314 §3.3)
     */
    public record Endpoint(SocketAddress address, String hostName, boolean implicitTls) {
    }

    /**
     * @param heloName the name we give in EHLO/HELO
     * @param startTls upgrade with STARTTLS when the server offers it
     */
    public record Options(String heloName, boolean startTls) {
    }

    /** One mail transaction to try: MAIL FROM, then each RCPT TO, then RSET. */
    public record Transaction(String id, String mailFrom, List<String> recipients) {
        public Transaction {
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * The replies one transaction got. {@code mail} is null when MAIL was never answered; each
     * entry of {@code recipients} is null when that RCPT was not sent or not answered.
     */
    public record TransactionResult(String id, SmtpReply mail, List<SmtpReply> recipients) {
    }

    /** What the server told us before any transaction: the planner's input. */
    public record ServerHello(SmtpReply greeting, String helloVerb, SmtpReply helloReply, List<String> extensions,
                              TlsDetails tls) {
        public boolean supports(String keyword) {
            String k = keyword.toUpperCase(Locale.ROOT);
            return extensions.stream().anyMatch(e -> e.toUpperCase(Locale.ROOT).equals(k)
                    || e.toUpperCase(Locale.ROOT).startsWith(k + " "));
        }
    }

    /** Everything one dialogue produced. Fields are null where the phase was not reached. */
    public record SessionResult(int session, Long connectMs, Long bannerMs, Long ehloMs, Long transactionMs,
                                SmtpReply greeting, String helloVerb, SmtpReply helloReply, List<String> extensions,
                                TlsDetails tls, boolean pipelined, List<TransactionResult> transactions,
                                SmtpFailure failure, SmtpReply closingReply, SmtpReply quitReply, long bytesRead,
                                List<Transcript.Entry> transcript) {

        /** True when the server said 421: it is shutting the channel, so do not open more (RFC 5321 §3.8). */
        public boolean serviceClosing() {
            return closingReply != null && closingReply.code() == 421;
        }
    }

    private final Vertx vertx;
    private final NetClient client;
    private final Endpoint endpoint;
    private final Options options;
    private final SmtpLimits limits;
    private final Transcript transcript;
    private final long deadlineNanos;
    private final Function<ServerHello, List<Transaction>> planner;
    private final CancelSignal cancelled;
    private CancelSignal.Registration cancelHook = () -> { };

    private SmtpConnection connection;
    private Long connectMs;
    private Long bannerMs;
    private Long ehloMs;
    private Long transactionMs;
    private SmtpReply greeting;
    private String helloVerb;
    private SmtpReply helloReply;
    private List<String> extensions = List.of();
    private TlsDetails tls;
    private boolean pipelined;
    private final List<TransactionResult> results = new ArrayList<>();
    private SmtpFailure failure;
    private SmtpReply closingReply;
    private SmtpReply quitReply;
    private boolean quitInGroup;

    private SmtpSession(Vertx vertx, NetClient client, Endpoint endpoint, Options options, SmtpLimits limits,
                        Transcript transcript, long deadlineNanos, Function<ServerHello, List<Transaction>> planner,
                        CancelSignal cancelled) {
        this.cancelled = cancelled;
        this.vertx = vertx;
        this.client = client;
        this.endpoint = endpoint;
        this.options = options;
        this.limits = limits;
        this.transcript = transcript;
        this.deadlineNanos = deadlineNanos;
        this.planner = planner;
    }

    /**
     * Runs one dialogue. Must be called on an event-loop context; the returned future completes
     * there, always successfully.
     *
     * @param client  a client configured for {@code endpoint.implicitTls()}
     * @param planner called once with what the server said after EHLO (and STARTTLS), returns
     *                the transactions to try; it must not block
     */
    public static Future<SessionResult> run(Vertx vertx, NetClient client, Endpoint endpoint, Options options,
                                            SmtpLimits limits, Transcript transcript, long deadlineNanos,
                                            Function<ServerHello, List<Transaction>> planner) {
        return run(vertx, client, endpoint, options, limits, transcript, deadlineNanos, planner, CancelSignal.NEVER);
    }

    /**
     * Like {@link #run(Vertx, NetClient, Endpoint, Options, SmtpLimits, Transcript, long, Function)},
     * and when {@code cancelled} fires the connection is closed at once (the session still ends
     * with a result, its failure {@link SmtpFailure.Kind#CANCELLED}). The session's hook is
     * removed when it ends.
     */
    public static Future<SessionResult> run(Vertx vertx, NetClient client, Endpoint endpoint, Options options,
                                            SmtpLimits limits, Transcript transcript, long deadlineNanos,
                                            Function<ServerHello, List<Transaction>> planner, CancelSignal cancelled) {
        return new SmtpSession(vertx, client, endpoint, options, limits, transcript, deadlineNanos, planner, cancelled)
                .run();
    }

    private Future<SessionResult> run() {
        long start = System.nanoTime();
        String sni = endpoint.implicitTls() ? endpoint.hostName() : null;
        return SmtpConnection.open(vertx, client, endpoint.address(), sni, limits, transcript, deadlineNanos)
                .compose(c -> {
                    connection = c;
                    connectMs = msSince(start);
                    cancelHook = cancelled.onCancel(() -> c.context().runOnContext(x -> c.abort("the check was cancelled")));
                    if (endpoint.implicitTls()) {
                        tls = c.implicitTlsDetails(endpoint.hostName());
                    }
                    return greeting();
                })
                .recover(this::recordFailure)
                .compose(v -> {
                    if (connection == null) {
                        return Future.succeededFuture();
                    }
                    if (quitInGroup) { // QUIT went with the last group and its reply is in
                        connection.close();
                        return Future.succeededFuture();
                    }
                    return connection.quit().map(r -> {
                        quitReply = r;
                        return null;
                    });
                })
                .map(v -> {
                    cancelHook.close();
                    return result();
                });
    }

    /** RFC 5321 §3.1 and §4.3.2: only a 220 greeting opens a session. */
    private Future<Void> greeting() {
        long start = System.nanoTime();
        return connection.readReply().compose(reply -> {
            bannerMs = msSince(start);
            greeting = reply;
            if (reply.code() != 220) {
                closingReply = reply;
                if (reply.code() == 421) {
                    // 421: the server is closing the channel; QUIT would be pointless (§3.8).
                    connection.close();
                }
                // 554 and others: the server waits for our QUIT (§3.1), which run() sends.
                return Future.succeededFuture();
            }
            return hello(false);
        });
    }

    /** EHLO, falling back to HELO when the server does not know EHLO (RFC 5321 §3.2). */
    private Future<Void> hello(boolean afterTls) {
        long start = System.nanoTime();
        return connection.send(SmtpCommand.ehlo(options.heloName())).compose(reply -> {
            if (reply.isPositive()) {
                if (!afterTls) {
                    ehloMs = msSince(start);
                }
                helloVerb = "EHLO";
                helloReply = reply;
                extensions = reply.lines().size() > 1 ? reply.lines().subList(1, reply.lines().size()) : List.of();
                return afterEhlo(afterTls);
            }
            if (reply.code() == 421) {
                closingReply = reply;
                return Future.succeededFuture();
            }
            return connection.send(SmtpCommand.helo(options.heloName())).compose(heloReply -> {
                if (!afterTls) {
                    ehloMs = msSince(start);
                }
                helloVerb = "HELO";
                helloReply = heloReply;
                extensions = List.of();
                if (!heloReply.isPositive()) {
                    closingReply = heloReply;
                    return Future.succeededFuture();
                }
                return transactions();
            });
        });
    }

    private Future<Void> afterEhlo(boolean afterTls) {
        ServerHello hello = hello();
        if (!afterTls && !endpoint.implicitTls() && options.startTls() && hello.supports("STARTTLS")) {
            return startTls();
        }
        return transactions();
    }

    /**
     * STARTTLS (RFC 3207). A refusal is recorded and the dialogue goes on in clear text; a failed
     * handshake ends this connection (the stream is unusable), and the caller may try again
     * without TLS.
     */
    private Future<Void> startTls() {
        return connection.send(SmtpCommand.startTls()).compose(reply -> {
            if (reply.code() != 220) {
                tls = TlsDetails.failed("STARTTLS", "STARTTLS refused: " + reply);
                if (reply.code() == 421) {
                    closingReply = reply;
                    return Future.succeededFuture();
                }
                return transactions();
            }
            return connection.upgradeToTls(endpoint.hostName(), endpoint.hostName())
                    .recover(e -> {
                        tls = TlsDetails.failed("STARTTLS", e.getMessage());
                        // However the handshake died (closed, timed out, garbage), it is a TLS
                        // failure: the caller retries in clear text rather than repeating it. An
                        // injection stays a protocol error.
                        if (e instanceof SmtpFailure f && (f.kind() == SmtpFailure.Kind.TLS_FAILED
                                || f.kind() == SmtpFailure.Kind.PROTOCOL_ERROR || f.kind() == SmtpFailure.Kind.DEADLINE
                                || f.kind() == SmtpFailure.Kind.CANCELLED)) {
                            return Future.failedFuture(e);
                        }
                        return Future.failedFuture(new SmtpFailure(SmtpFailure.Kind.TLS_FAILED,
                                "TLS handshake failed: " + e.getMessage(), e));
                    })
                    .compose(details -> {
                        tls = details;
                        // RFC 3207 §4.2: the client MUST discard what it learned from the server
                        // before TLS and SHOULD send EHLO again.
                        connection.disablePipelining();
                        extensions = List.of();
                        return hello(true);
                    });
        });
    }

    private ServerHello hello() {
        return new ServerHello(greeting, helloVerb, helloReply, extensions, tls);
    }

    private Future<Void> transactions() {
        ServerHello hello = hello();
        List<Transaction> planned = planner.apply(hello);
        if (planned.isEmpty()) {
            return Future.succeededFuture();
        }
        long start = System.nanoTime();
        Future<Void> done;
        // RFC 2920 §3.1: pipeline only what the server advertised it accepts.
        if (hello.supports("PIPELINING")) {
            connection.enablePipelining();
            pipelined = true;
            done = pipelinedTransactions(planned);
        } else {
            done = sequentialTransactions(planned, 0);
        }
        return done.onComplete(ar -> transactionMs = msSince(start));
    }

    /**
     * All transactions in one write: MAIL, RCPT…, RSET for each, and QUIT at the end. RFC 2920
     * §3.1 lets MAIL, RCPT and RSET appear anywhere in a group and QUIT last, so the whole
     * battery of a connection costs one round trip. A RCPT after a refused MAIL gets a 503,
     * which we read as "sender refused". Every reply is checked and kept, also when the
     * connection dies part-way.
     */
    private Future<Void> pipelinedTransactions(List<Transaction> planned) {
        List<SmtpCommand> commands = new ArrayList<>();
        for (Transaction t : planned) {
            commands.add(SmtpCommand.mailFrom(t.mailFrom()));
            for (String r : t.recipients()) {
                commands.add(SmtpCommand.rcptTo(r));
            }
            commands.add(SmtpCommand.rset());
        }
        commands.add(SmtpCommand.quit());
        quitInGroup = true;
        List<Future<SmtpReply>> replies = connection.sendGroup(commands);
        Promise<Void> all = Promise.promise();
        Future.join(new ArrayList<>(replies)).onComplete(ar -> {
            int i = 0;
            for (Transaction t : planned) {
                SmtpReply mail = valueOf(replies.get(i++));
                List<SmtpReply> rcpts = new ArrayList<>();
                for (int r = 0; r < t.recipients().size(); r++) {
                    rcpts.add(valueOf(replies.get(i++)));
                }
                i++; // RSET
                if (mail != null) {
                    results.add(new TransactionResult(t.id(), mail, Collections.unmodifiableList(rcpts)));
                }
            }
            quitReply = valueOf(replies.get(replies.size() - 1));
            for (Future<SmtpReply> f : replies.subList(0, replies.size() - 1)) {
                SmtpReply r = valueOf(f);
                if (r != null && r.code() == 421 && closingReply == null) {
                    closingReply = r;
                }
            }
            SmtpFailure f = connection.failure();
            // A server that hangs up after its 221 has done what QUIT asked (RFC 5321 §4.1.1.10).
            if (f != null && !(f.kind() == SmtpFailure.Kind.CONNECTION_CLOSED && quitReply != null)) {
                all.fail(f);
            } else {
                all.complete();
            }
        });
        return all.future();
    }

    /** Without PIPELINING: strictly one command, then its reply, then the next. */
    private Future<Void> sequentialTransactions(List<Transaction> planned, int index) {
        if (index >= planned.size()) {
            return Future.succeededFuture();
        }
        Transaction t = planned.get(index);
        List<SmtpReply> rcpts = new ArrayList<>(Collections.nCopies(t.recipients().size(), null));
        return connection.send(SmtpCommand.mailFrom(t.mailFrom())).compose(mail -> {
            TransactionResult result = new TransactionResult(t.id(), mail, Collections.unmodifiableList(rcpts));
            results.add(result);
            if (mail.code() == 421) {
                closingReply = mail;
                return Future.succeededFuture(false);
            }
            if (!mail.isPositive()) {
                // No transaction was opened: RCPT would only collect 503s, and RSET is not needed.
                return Future.succeededFuture(true);
            }
            return recipients(t, rcpts, 0).compose(goOn -> goOn
                    ? connection.send(SmtpCommand.rset()).map(r -> r.code() != 421)
                    : Future.succeededFuture(false));
        }).compose(goOn -> goOn ? sequentialTransactions(planned, index + 1) : Future.succeededFuture());
    }

    private Future<Boolean> recipients(Transaction t, List<SmtpReply> replies, int index) {
        if (index >= t.recipients().size()) {
            return Future.succeededFuture(true);
        }
        return connection.send(SmtpCommand.rcptTo(t.recipients().get(index))).compose(reply -> {
            replies.set(index, reply);
            if (reply.code() == 421) {
                closingReply = reply;
                return Future.succeededFuture(false);
            }
            return recipients(t, replies, index + 1);
        });
    }

    private Future<Void> recordFailure(Throwable e) {
        failure = e instanceof SmtpFailure f ? f : new SmtpFailure(SmtpFailure.Kind.IO_ERROR, String.valueOf(e.getMessage()), e);
        if (connection == null && failure.kind() != SmtpFailure.Kind.CONNECT_FAILED
                && failure.kind() != SmtpFailure.Kind.DEADLINE) {
            transcript.note(failure.getMessage());
        }
        return Future.succeededFuture();
    }

    private SessionResult result() {
        return new SessionResult(transcript.session(), connectMs, bannerMs, ehloMs, transactionMs, greeting, helloVerb,
                helloReply, List.copyOf(extensions), tls, pipelined, List.copyOf(results), failure, closingReply,
                quitReply, connection == null ? 0 : connection.bytesRead(), transcript.entries());
    }

    private static SmtpReply valueOf(Future<SmtpReply> f) {
        return f.succeeded() ? f.result() : null;
    }

    private static long msSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }
}
