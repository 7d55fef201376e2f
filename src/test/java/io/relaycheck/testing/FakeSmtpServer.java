package io.relaycheck.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.parsetools.RecordParser;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A scripted SMTP server on 127.0.0.1 (or another 127.0.0.0/8 address) and an ephemeral port, for tests. A {@link Script} decides
 * what to say; this class records every line each connection sent, whether a client wrote before
 * the greeting or pipelined without permission, and when connections ended.
 */
public final class FakeSmtpServer implements AutoCloseable {

    /** What the server does; called on the server's event loop. */
    public interface Script {
        /** A client connected: greet it (or not). */
        void connected(Conn conn);

        /** A complete command line (without CRLF) arrived and it is this line's turn. */
        void command(Conn conn, String line);
    }

    /** One client connection as the server sees it. */
    public final class Conn {
        private final NetSocket socket;
        private final int index;
        private final List<String> received = new CopyOnWriteArrayList<>();
        private final ArrayDeque<String> queue = new ArrayDeque<>();
        private boolean busy;
        private boolean greeted;
        private volatile boolean closed;
        /** Free for scripts: the current MAIL FROM, error count, TLS state. */
        public String mailFrom;
        public int errors;
        public boolean tls;
        public boolean pipeliningAdvertised;

        Conn(NetSocket socket, int index) {
            this.socket = socket;
            this.index = index;
        }

        public int index() {
            return index;
        }

        public List<String> received() {
            return Collections.unmodifiableList(received);
        }

        public boolean closed() {
            return closed;
        }

        /** Writes raw text as it is (no CRLF added). */
        public void raw(String text) {
            if (!closed) {
                socket.write(Buffer.buffer(text));
            }
        }

        /** Writes raw bytes. */
        public void raw(Buffer bytes) {
            if (!closed) {
                socket.write(bytes);
            }
        }

        /** Writes a complete reply: each argument is a full line such as "250-a" or "250 b". */
        public void reply(String... lines) {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                sb.append(l).append("\r\n");
            }
            raw(sb.toString());
        }

        /** Marks the greeting sent: lines that arrive before this are "early talking". */
        public void greeted() {
            greeted = true;
        }

        /** Ends processing of the current command; the next queued one (pipelining) goes on. */
        public void done() {
            busy = false;
            drain();
        }

        /** Replies, then marks the command done. */
        public void answer(String... lines) {
            reply(lines);
            done();
        }

        /** Replies after a delay (to expose clients that do not wait for replies). */
        public void answerLater(long delayMs, String... lines) {
            vertx.setTimer(Math.max(1, delayMs), t -> answer(lines));
        }

        public void close() {
            if (!closed) {
                closed = true;
                socket.close();
            }
        }

        /** Upgrades this connection to TLS with the test certificate (after a 220 to STARTTLS). */
        public void startTls(Consumer<Conn> then) {
            socket.upgradeToSsl().onComplete(ar -> {
                tls = ar.succeeded();
                if (ar.succeeded()) {
                    then.accept(this);
                } else {
                    close();
                }
            });
        }

        private void line(String line) {
            received.add(line);
            if (!greeted) {
                earlyTalkers.add(index + ": " + line);
            }
            if (busy) {
                pipelinedLines.incrementAndGet();
                if (!pipeliningAdvertised) {
                    pipeliningViolations.add(index + ": " + line);
                }
            }
            queue.add(line);
            drain();
        }

        private void drain() {
            while (!busy && !queue.isEmpty() && !closed) {
                busy = true;
                script.command(this, queue.poll());
            }
        }
    }

    /** A server that accepts connections and never says a word. */
    public static Script silent() {
        return new Script() {
            @Override
            public void connected(Conn conn) {
            }

            @Override
            public void command(Conn conn, String line) {
            }
        };
    }

    private final Vertx vertx;
    private final Script script;
    private final NetServer server;
    private final List<Conn> connections = new CopyOnWriteArrayList<>();
    private final List<String> earlyTalkers = new CopyOnWriteArrayList<>();
    private final List<String> pipeliningViolations = new CopyOnWriteArrayList<>();
    private final List<Integer> closedConnections = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger pipelinedLines = new java.util.concurrent.atomic.AtomicInteger();

    private FakeSmtpServer(Vertx vertx, String host, int port, Script script) {
        this.vertx = vertx;
        this.script = script;
        NetServerOptions options = new NetServerOptions().setHost(host).setPort(port)
                .setKeyCertOptions(new PfxOptions().setPath("tls/fake-mx.p12").setPassword("changeit"));
        this.server = vertx.createNetServer(options);
    }

    /** Starts a server with the script; blocks the calling test thread until it listens. */
    public static FakeSmtpServer start(Vertx vertx, Script script) {
        return start(vertx, "127.0.0.1", 0, script);
    }

    /**
     * Starts a server on {@code host} (a 127.0.0.0/8 literal: Linux answers on all of them, so
     * tests can give each MX host its own address) and {@code port} (0 = ephemeral). Blocks until
     * it listens; throws if the port is taken.
     */
    public static FakeSmtpServer start(Vertx vertx, String host, int port, Script script) {
        if (!host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("fake servers listen on 127.0.0.0/8 only, not " + host);
        }
        FakeSmtpServer s = new FakeSmtpServer(vertx, host, port, script);
        s.server.connectHandler(s::accept);
        try {
            s.server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            s.server.close();
            throw new IllegalStateException("fake SMTP server did not start on " + host + ":" + port, e);
        }
        return s;
    }

    /**
     * One server per host, all on the same port (a check's port applies to every MX host): the
     * first gets an ephemeral port, the others bind it on their addresses; when one of them finds
     * it taken, all are closed and a new port is tried.
     */
    public static List<FakeSmtpServer> startOnSamePort(Vertx vertx, List<String> hosts, List<Script> scripts) {
        if (hosts.size() != scripts.size() || hosts.isEmpty()) {
            throw new IllegalArgumentException("one script per host");
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            List<FakeSmtpServer> started = new ArrayList<>();
            try {
                started.add(start(vertx, hosts.get(0), 0, scripts.get(0)));
                int port = started.get(0).port();
                for (int i = 1; i < hosts.size(); i++) {
                    started.add(start(vertx, hosts.get(i), port, scripts.get(i)));
                }
                return started;
            } catch (IllegalStateException portTaken) {
                started.forEach(FakeSmtpServer::close);
                last = portTaken;
            }
        }
        throw new IllegalStateException("no common free port for " + hosts, last);
    }

    private void accept(NetSocket socket) {
        Conn conn = new Conn(socket, connections.size() + 1);
        connections.add(conn);
        RecordParser parser = RecordParser.newDelimited("\r\n", b -> conn.line(b.toString("ISO-8859-1")));
        parser.maxRecordSize(64 * 1024);
        socket.handler(parser);
        socket.closeHandler(v -> {
            conn.closed = true;
            closedConnections.add(conn.index);
            synchronized (closedConnections) {
                closedConnections.notifyAll();
            }
        });
        socket.exceptionHandler(e -> conn.close());
        script.connected(conn);
    }

    public int port() {
        return server.actualPort();
    }

    public List<Conn> connections() {
        return new ArrayList<>(connections);
    }

    /** Every line every client sent, in connection order. */
    public List<String> allReceived() {
        List<String> all = new ArrayList<>();
        for (Conn c : connections) {
            all.addAll(c.received());
        }
        return all;
    }

    /** Lines that arrived before the greeting was complete. */
    public List<String> earlyTalkers() {
        return List.copyOf(earlyTalkers);
    }

    /** Lines that arrived while a reply was pending, on a connection without PIPELINING. */
    public List<String> pipeliningViolations() {
        return List.copyOf(pipeliningViolations);
    }

    /** Lines that arrived while the server was still answering an earlier one (pipelined). */
    public int pipelinedLines() {
        return pipelinedLines.get();
    }

    /** Waits (test thread) until at least {@code count} connections have ended. */
    public boolean awaitClosed(int count, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (closedConnections) {
            while (closedConnections.size() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(closedConnections, left);
            }
        }
        return true;
    }

    /** Indices of connections that have ended. */
    public List<Integer> closedConnections() {
        return List.copyOf(closedConnections);
    }

    @Override
    public void close() {
        for (Conn c : connections) {
            c.close();
        }
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing a test server
        }
    }
}
