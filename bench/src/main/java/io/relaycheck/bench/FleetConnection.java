package io.relaycheck.bench;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One accepted connection of a simulated server, with an emulated network between it and the
 * client. Loopback delivers in microseconds, so the delay of the wire is added here, on the
 * server side, with event-loop timers (never a sleeping thread):
 *
 * <ul>
 *   <li><b>Greeting</b>: sent {@code greetingRtts} round trips after the connection was accepted
 *       (default 2). On a real network the client's {@code connect()} takes one RTT (SYN →
 *       SYN/ACK) and the greeting, sent when the server accepts, arrives one RTT after that; on
 *       loopback the connect takes ~0, so both round trips are charged to the greeting.</li>
 *   <li><b>Replies</b>: everything the client sent that arrived in one read (one flight: a single
 *       command, or a pipelined group written at once) is answered in one write, one RTT after it
 *       arrived, which is what a client sees on a network with that RTT: half of it for the
 *       commands to travel, half for the replies.</li>
 *   <li>Order is kept: a flight is never sent before an earlier one (a client that talks before
 *       the greeting gets its answers after the greeting).</li>
 *   <li>After the reply to QUIT the server closes the connection; lines after QUIT are ignored.</li>
 * </ul>
 */
final class FleetConnection {

    private static final int MAX_LINE = 4096;

    private final EventLoop loop;
    private final NetSocket socket;
    private final SmtpPersona persona;
    private final long rttNanos;
    private final FleetStats stats;
    private final ArrayDeque<Flight> flights = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    private long lastDue;
    private ScheduledFuture<?> timer;
    private boolean greeted;
    private boolean closed;
    private boolean quitSeen;

    private record Flight(long dueNanos, Buffer bytes, boolean closeAfter) {
    }

    FleetConnection(Vertx vertx, NetSocket socket, SmtpPersona persona, long rttNanos, int greetingRtts,
                    FleetStats stats) {
        // Called in the server's connect handler, on the event loop that owns this socket.
        this.loop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
        this.socket = socket;
        this.persona = persona;
        this.rttNanos = rttNanos;
        this.stats = stats;
        stats.connected();
        socket.handler(this::onData);
        socket.closeHandler(v -> {
            closed = true;
            if (timer != null) {
                timer.cancel(false);
            }
            stats.disconnected();
        });
        socket.exceptionHandler(e -> socket.close());
        enqueue(System.nanoTime() + greetingRtts * rttNanos, Buffer.buffer(persona.greeting()), false);
    }

    private void onData(Buffer chunk) {
        if (quitSeen || closed) {
            return;
        }
        if (!greeted) {
            stats.earlyTalker();
        }
        String text = chunk.toString(StandardCharsets.ISO_8859_1);
        StringBuilder replies = new StringBuilder();
        int commands = 0;
        for (int i = 0; i < text.length() && !quitSeen; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                int end = partial.length();
                if (end > 0 && partial.charAt(end - 1) == '\r') {
                    partial.setLength(end - 1);
                }
                replies.append(persona.answer(partial.toString()));
                partial.setLength(0);
                commands++;
                quitSeen = persona.quit();
            } else {
                partial.append(c);
                if (partial.length() > MAX_LINE) {
                    replies.append("500 5.5.2 Error: line too long\r\n");
                    partial.setLength(0);
                    quitSeen = true; // and hang up after saying so
                }
            }
        }
        if (commands > 0 || quitSeen) {
            stats.flight(commands);
            enqueue(System.nanoTime() + rttNanos, Buffer.buffer(replies.toString()), quitSeen);
        }
    }

    private void enqueue(long due, Buffer bytes, boolean closeAfter) {
        due = Math.max(due, lastDue);
        lastDue = due;
        flights.add(new Flight(due, bytes, closeAfter));
        if (timer == null) {
            arm();
        }
    }

    private void arm() {
        Flight next = flights.peek();
        if (next == null || closed) {
            timer = null;
            return;
        }
        timer = loop.schedule(this::fire, Math.max(0, next.dueNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void fire() {
        timer = null;
        long now = System.nanoTime();
        Buffer out = null;
        boolean close = false;
        Flight f;
        // Everything due by now (within 0.2 ms of timer slack) leaves in one write.
        while ((f = flights.peek()) != null && f.dueNanos() <= now + 200_000 && !close) {
            flights.poll();
            if (out == null) {
                out = f.bytes();
            } else {
                out.appendBuffer(f.bytes());
            }
            close = f.closeAfter();
        }
        if (out != null && !closed) {
            greeted = true;
            socket.write(out);
            if (close) {
                socket.close();
                return;
            }
        }
        arm();
    }
}
