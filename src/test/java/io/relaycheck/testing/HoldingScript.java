package io.relaycheck.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-relay server that holds each connection's EHLO reply until released, and counts how
 * many connections are open at once: for concurrency limits, without sleeping in the test.
 */
public final class HoldingScript implements FakeSmtpServer.Script {

    private final MailServerScript normal = MailServerScript.closed();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch connected;
    private final io.vertx.core.Vertx vertx;

    public HoldingScript(io.vertx.core.Vertx vertx, int expectConnections) {
        this.vertx = vertx;
        this.connected = new CountDownLatch(expectConnections);
    }

    @Override
    public void connected(FakeSmtpServer.Conn conn) {
        int now = open.incrementAndGet();
        maxOpen.accumulateAndGet(now, Math::max);
        connected.countDown();
        normal.connected(conn);
    }

    @Override
    public void command(FakeSmtpServer.Conn conn, String line) {
        if (line.startsWith("QUIT")) {
            open.decrementAndGet();
        }
        if (line.startsWith("EHLO") && release.getCount() > 0) {
            // Park the reply until the test releases it: poll on the server's event loop.
            long id = vertx.setPeriodic(10, t -> {
                if (release.getCount() == 0) {
                    vertx.cancelTimer(t);
                    normal.command(conn, line);
                }
            });
            return;
        }
        normal.command(conn, line);
    }

    /** Waits (test thread) until this many connections were accepted. */
    public boolean awaitConnections(long seconds) throws InterruptedException {
        return connected.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    public void release() {
        release.countDown();
    }

    public int maxOpen() {
        return maxOpen.get();
    }

    public int open() {
        return open.get();
    }
}
