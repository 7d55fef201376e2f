package io.relaycheck.smtp;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One SMTP connection over a Vert.x {@link NetSocket}: the single choke point through which every
 * byte goes in and out.
 *
 * <ul>
 *   <li>Reads go through a {@link ReplyDecoder} with line and reply limits, and a byte budget for
 *       the whole connection.</li>
 *   <li>Every wait for a reply is bounded by the per-command timeout (measured from the last
 *       progress, so a pipelined group may take one timeout per reply) and by an absolute
 *       deadline for the whole connection, armed at connect.</li>
 *   <li>Writes are refused before the server's complete greeting (RFC 5321 §3.1: the client waits
 *       for it; writing early is how postscreen and others detect bots), and refused while a reply
 *       is outstanding unless pipelining was enabled after the server advertised PIPELINING
 *       (RFC 2920 §3.1).</li>
 *   <li>A failure is sticky: the socket is closed and every later call fails with it.</li>
 * </ul>
 *
 * <p>All methods must be called on the connection's event-loop context (the one that opened it);
 * every callback runs there.
 */
public final class SmtpConnection {

    private final Vertx vertx;
    private final Context context;
    private final SmtpLimits limits;
    private final Transcript transcript;
    private final long deadlineNanos;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private final ArrayDeque<SmtpReply> unread = new ArrayDeque<>();

    private NetSocket socket;
    private ReplyDecoder decoder;
    private boolean greeted;
    private boolean pipelining;
    private boolean closing;
    private boolean quitSent;
    private SmtpFailure failure;
    private long bytesRead;
    private long progressTimer = -1;
    private long chunkSeq;
    private int decoderGeneration;
    private Promise<TlsDetails> upgrading;
    private boolean feeding;

    /**
     * A reply we wait for, with the input chunk during which its command was written (-1 when
     * written outside any read). A reply completed by that same chunk was on the wire before our
     * command: the server answered out of turn.
     */
    private record Pending(Promise<SmtpReply> promise, long writtenInChunk) {
    }
    private long deadlineTimer = -1;

    private SmtpConnection(Vertx vertx, Context context, SmtpLimits limits, Transcript transcript, long deadlineNanos) {
        this.vertx = vertx;
        this.context = context;
        this.limits = limits;
        this.transcript = transcript;
        this.deadlineNanos = deadlineNanos;
        this.decoder = newDecoder();
    }

    /**
     * Connects to {@code address}. Must be called on an event-loop context.
     *
     * @param client        a client whose connect timeout is {@code limits.connectTimeout()}; with
     *                      SSL enabled for implicit TLS (port 465)
     * @param serverName    SNI name for implicit TLS, or null
     * @param deadlineNanos {@link System#nanoTime()} by which the whole connection must be over
     */
    public static Future<SmtpConnection> open(Vertx vertx, NetClient client, SocketAddress address, String serverName,
                                              SmtpLimits limits, Transcript transcript, long deadlineNanos) {
        Context context = vertx.getOrCreateContext();
        SmtpConnection connection = new SmtpConnection(vertx, context, limits, transcript, deadlineNanos);
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return Future.failedFuture(new SmtpFailure(SmtpFailure.Kind.DEADLINE, "deadline passed before connecting"));
        }
        transcript.note("connecting to " + describe(address));
        Promise<SmtpConnection> opened = Promise.promise();
        // The connect timeout of the client covers TCP; the deadline also covers a slow TLS handshake.
        long guard = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)), t -> opened.tryFail(
                new SmtpFailure(SmtpFailure.Kind.DEADLINE, "deadline passed while connecting")));
        client.connect(address, serverName).onComplete(ar -> {
            vertx.cancelTimer(guard);
            if (ar.failed()) {
                transcript.note("connect failed: " + ar.cause().getMessage());
                opened.tryFail(new SmtpFailure(SmtpFailure.Kind.CONNECT_FAILED, describeConnectFailure(ar.cause()), ar.cause()));
                return;
            }
            NetSocket socket = ar.result();
            if (!opened.tryComplete(connection)) {
                socket.close();
                return;
            }
            connection.attach(socket);
        });
        return opened.future();
    }

    private void attach(NetSocket socket) {
        this.socket = socket;
        transcript.note("connected" + (socket.isSsl() ? " with TLS " + socket.sslSession().getProtocol() : ""));
        socket.handler(this::onData);
        socket.exceptionHandler(e -> fail(new SmtpFailure(SmtpFailure.Kind.IO_ERROR, "socket error: " + e.getMessage(), e)));
        socket.closeHandler(v -> {
            if (closing) {
                return;
            }
            if (quitSent) {
                // After our QUIT the server closing is the normal end (RFC 5321 §4.1.1.10).
                closing = true;
                cancelTimers();
                failWaiting(new SmtpFailure(SmtpFailure.Kind.CONNECTION_CLOSED, "closed after QUIT"));
                return;
            }
            fail(new SmtpFailure(SmtpFailure.Kind.CONNECTION_CLOSED, "the server closed the connection"));
        });
        long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        deadlineTimer = vertx.setTimer(remaining, t -> {
            deadlineTimer = -1;
            fail(new SmtpFailure(SmtpFailure.Kind.DEADLINE, "session deadline reached"));
        });
    }

    private ReplyDecoder newDecoder() {
        int generation = ++decoderGeneration;
        return new ReplyDecoder(limits.maxLineBytes(), limits.maxReplyBytes(), new ReplyDecoder.Listener() {
            @Override
            public void onLine(String escapedLine) {
                transcript.server(escapedLine);
                retiredCheck(generation);
            }

            @Override
            public void onReply(SmtpReply reply) {
                if (generation == decoderGeneration) {
                    onReplyDecoded(reply);
                }
            }

            @Override
            public void onError(SmtpFailure failure) {
                fail(failure);
            }
        });
    }

    /**
     * The decoder of the clear-text stream is retired at STARTTLS; if it still produces lines,
     * they followed the 220 in the same read: an injection (RFC 3207 §6, CVE-2011-0411).
     */
    private void retiredCheck(int generation) {
        if (generation != decoderGeneration) {
            fail(new SmtpFailure(SmtpFailure.Kind.PROTOCOL_ERROR, "the server sent clear text after its 220 to "
                    + "STARTTLS"));
        }
    }

    private void onData(Buffer chunk) {
        if (failure != null) {
            return;
        }
        if (upgrading != null) {
            // Between the 220 to STARTTLS and the end of the handshake nothing may reach us in
            // clear text: anything that does is an injection attempt (RFC 3207 §6, CVE-2011-0411).
            fail(new SmtpFailure(SmtpFailure.Kind.PROTOCOL_ERROR, "the server sent clear text during the TLS "
                    + "handshake after its 220 to STARTTLS"));
            return;
        }
        // Decode what fits in the budget first, so that a limit inside it (line, reply) is named
        // as the cause; only then does the budget itself end the connection.
        long allowed = limits.maxBytesPerConnection() - bytesRead;
        bytesRead += chunk.length();
        boolean over = chunk.length() > allowed;
        Buffer part = over ? chunk.slice(0, (int) Math.max(0, allowed)) : chunk;
        chunkSeq++;
        feeding = true;
        try {
            decoder.feed(part);
        } finally {
            feeding = false;
        }
        if (over && failure == null) {
            fail(new SmtpFailure(SmtpFailure.Kind.READ_BUDGET_EXCEEDED, "the server sent more than "
                    + limits.maxBytesPerConnection() + " bytes on one connection"));
        }
    }

    private void onReplyDecoded(SmtpReply reply) {
        Pending next = waiting.poll();
        if (next != null && feeding && next.writtenInChunk() == chunkSeq) {
            // The bytes of this reply arrived before the command it would answer was written:
            // a server that talks ahead (or replays canned replies) is not answering us.
            fail(new SmtpFailure(SmtpFailure.Kind.PROTOCOL_ERROR, "the server sent a reply before the command it "
                    + "would answer: " + reply));
            next.promise().tryFail(failure); // polled above, so fail() could not reach it
            return;
        }
        if (next == null) {
            // A reply nobody asked for. The greeting arrives before readReply() is called, so
            // one is normal; more means the server talks out of turn.
            unread.add(reply);
            if (unread.size() > 2) {
                fail(new SmtpFailure(SmtpFailure.Kind.PROTOCOL_ERROR, "the server sent replies to commands we did not send"));
            }
            return;
        }
        greeted = true;
        rearmProgressTimer();
        next.promise().tryComplete(reply);
    }

    /** Waits for the next reply: the greeting, or the answer to something already written. */
    public Future<SmtpReply> readReply() {
        if (failure != null || closing) {
            return Future.failedFuture(failure != null ? failure
                    : new SmtpFailure(SmtpFailure.Kind.CONNECTION_CLOSED, "connection closed by the client"));
        }
        SmtpReply ready = unread.poll();
        if (ready != null) {
            greeted = true;
            return Future.succeededFuture(ready);
        }
        Promise<SmtpReply> promise = Promise.promise();
        waiting.add(new Pending(promise, -1));
        if (progressTimer < 0) {
            rearmProgressTimer();
        }
        return promise.future();
    }

    /** Sends one command and waits for its reply. */
    public Future<SmtpReply> send(SmtpCommand command) {
        return sendGroup(List.of(command)).get(0);
    }

    /**
     * Sends commands in one write and returns one future per reply, so that the replies that did
     * arrive are kept if the connection fails part-way. More than one command requires
     * {@link #enablePipelining()}; only the last may be one that changes state (RFC 2920 §3.1).
     */
    public List<Future<SmtpReply>> sendGroup(List<SmtpCommand> commands) {
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("empty group");
        }
        if (!greeted) {
            throw new IllegalStateException("refusing to write before the server's greeting");
        }
        if (commands.size() > 1 && !pipelining) {
            throw new IllegalStateException("refusing to pipeline: the server did not advertise PIPELINING");
        }
        for (int i = 0; i < commands.size() - 1; i++) {
            if (commands.get(i).verb().mustEndGroup()) {
                throw new IllegalArgumentException(commands.get(i).verb() + " may only end a pipelined group (RFC 2920 §3.1)");
            }
        }
        if (!pipelining && !waiting.isEmpty()) {
            throw new IllegalStateException("refusing to write while a reply is outstanding without PIPELINING");
        }
        List<Future<SmtpReply>> replies = new ArrayList<>(commands.size());
        if (failure != null || closing) {
            SmtpFailure f = failure != null ? failure
                    : new SmtpFailure(SmtpFailure.Kind.CONNECTION_CLOSED, "connection closed by the client");
            for (int i = 0; i < commands.size(); i++) {
                replies.add(Future.failedFuture(f));
            }
            return replies;
        }
        Buffer out = Buffer.buffer();
        for (SmtpCommand command : commands) {
            if (command.verb() == SmtpCommand.Verb.QUIT) {
                quitSent = true; // after QUIT, the server closing is the normal end
            }
            transcript.client(command.line());
            out.appendBytes(command.wireBytes());
            Promise<SmtpReply> promise = Promise.promise();
            waiting.add(new Pending(promise, feeding ? chunkSeq : -1));
            replies.add(promise.future());
        }
        socket.write(out);
        if (progressTimer < 0) {
            rearmProgressTimer();
        }
        return replies;
    }

    /** Allows {@link #sendGroup} with several commands; call only after EHLO advertised PIPELINING. */
    public void enablePipelining() {
        this.pipelining = true;
    }

    /** Drops pipelining, as after STARTTLS when capabilities must be learned again (RFC 3207 §4.2). */
    public void disablePipelining() {
        this.pipelining = false;
    }

    public boolean isSsl() {
        return socket != null && socket.isSsl();
    }

    /**
     * Upgrades to TLS after the server's 220 to STARTTLS. Any reply already buffered at that point
     * was sent in clear text after the 220 and could be an injection (the reply-side twin of
     * CVE-2011-0411): it is a protocol error, and the decoder starts afresh on the TLS stream.
     */
    public Future<TlsDetails> upgradeToTls(String serverName, String expectedHost) {
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        if (!unread.isEmpty() || decoder.inReply() || !waiting.isEmpty()) {
            fail(new SmtpFailure(SmtpFailure.Kind.PROTOCOL_ERROR, "the server sent data after its 220 to STARTTLS"));
            return Future.failedFuture(failure);
        }
        decoder = newDecoder();
        transcript.note("TLS handshake" + (serverName == null ? "" : " (SNI " + serverName + ")"));
        Promise<TlsDetails> promise = Promise.promise();
        upgrading = promise;
        // A handshake that never completes is ended by the session deadline; the progress timer
        // bounds it like a command.
        long timer = vertx.setTimer(limits.commandTimeout().toMillis(), t -> promise.tryFail(
                new SmtpFailure(SmtpFailure.Kind.COMMAND_TIMEOUT, "TLS handshake timed out")));
        Future<Void> upgrade = serverName == null ? socket.upgradeToSsl() : socket.upgradeToSsl(serverName);
        upgrade.onComplete(ar -> {
            vertx.cancelTimer(timer);
            upgrading = null;
            if (ar.succeeded()) {
                TlsDetails details = CertificateInspector.inspect("STARTTLS", socket.sslSession(), expectedHost);
                transcript.note("TLS established: " + details.protocol() + " " + details.cipher());
                promise.tryComplete(details);
            } else {
                promise.tryFail(new SmtpFailure(SmtpFailure.Kind.TLS_FAILED, "TLS handshake failed: "
                        + rootMessage(ar.cause()), ar.cause()));
            }
        });
        return promise.future().onFailure(e -> fail(e instanceof SmtpFailure f ? f
                : new SmtpFailure(SmtpFailure.Kind.TLS_FAILED, e.getMessage(), e)));
    }

    /** Details of the TLS session of an implicit-TLS connection (port 465), or null. */
    public TlsDetails implicitTlsDetails(String expectedHost) {
        return isSsl() ? CertificateInspector.inspect("IMPLICIT", socket.sslSession(), expectedHost) : null;
    }

    /**
     * Ends politely: QUIT (RFC 5321 §4.1.1.10), a short wait for its 221, then close. Never
     * fails; a dead connection is simply closed.
     */
    public Future<SmtpReply> quit() {
        if (failure != null || socket == null || !greeted) {
            close();
            return Future.succeededFuture(null);
        }
        Future<SmtpReply> reply = send(SmtpCommand.quit());
        return reply
                .transform(ar -> {
                    close();
                    return Future.succeededFuture(ar.succeeded() ? ar.result() : null);
                });
    }

    /** Ends the connection at once because the check was cancelled; outstanding waits fail. */
    public void abort(String why) {
        fail(new SmtpFailure(SmtpFailure.Kind.CANCELLED, why));
    }

    /** Closes the socket; outstanding waits fail. Idempotent. */
    public void close() {
        if (!closing) {
            closing = true;
            failWaiting(failure != null ? failure
                    : new SmtpFailure(SmtpFailure.Kind.CONNECTION_CLOSED, "connection closed by the client"));
            cancelTimers();
            if (socket != null) {
                socket.close();
                transcript.note("closed");
            }
        }
    }

    /** The failure that ended the connection, or null while it is healthy. */
    public SmtpFailure failure() {
        return failure;
    }

    public long bytesRead() {
        return bytesRead;
    }

    public Context context() {
        return context;
    }

    private void fail(SmtpFailure f) {
        if (failure != null) {
            return;
        }
        failure = f;
        if (upgrading != null) {
            upgrading.tryFail(f);
            upgrading = null;
        }
        transcript.note(f.kind() + ": " + f.getMessage());
        failWaiting(f);
        cancelTimers();
        if (socket != null && !closing) {
            closing = true;
            socket.close();
        }
    }

    private void failWaiting(SmtpFailure f) {
        Pending p;
        while ((p = waiting.poll()) != null) {
            p.promise().tryFail(f);
        }
    }

    private void rearmProgressTimer() {
        if (progressTimer >= 0) {
            vertx.cancelTimer(progressTimer);
            progressTimer = -1;
        }
        if (failure != null || waiting.isEmpty()) {
            return;
        }
        progressTimer = vertx.setTimer(limits.commandTimeout().toMillis(), t -> {
            progressTimer = -1;
            if (!waiting.isEmpty()) {
                fail(new SmtpFailure(SmtpFailure.Kind.COMMAND_TIMEOUT, "no reply within "
                        + limits.commandTimeout().toMillis() + " ms"));
            }
        });
    }

    private void cancelTimers() {
        if (progressTimer >= 0) {
            vertx.cancelTimer(progressTimer);
            progressTimer = -1;
        }
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    private static String describe(SocketAddress address) {
        String host = address.hostAddress() != null ? address.hostAddress() : address.host();
        return (host != null && host.contains(":") ? "[" + host + "]" : host) + ":" + address.port();
    }

    private static String describeConnectFailure(Throwable cause) {
        String message = rootMessage(cause);
        return "connect failed: " + message;
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
    }
}
