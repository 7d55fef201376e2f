package io.relaycheck.check;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** One run per (host, address, port) within a batch, seen by each target as its own; bounded memory. */
class SharedServerRunsTest {

    final List<Promise<ServerRun>> started = new ArrayList<>();

    Supplier<Future<ServerRun>> starter() {
        return () -> {
            Promise<ServerRun> p = Promise.promise();
            started.add(p);
            return p.future();
        };
    }

    static ServerTarget server(String host, String address, int port, Integer preference) throws Exception {
        return new ServerTarget(host, InetAddress.getByName(address), port, preference);
    }

    @Test
    void theSecondTargetOfAServerJoinsTheFirstsRunAndKeepsItsOwnMxData() throws Exception {
        SharedServerRuns runs = new SharedServerRuns(8);
        ServerTarget forA = server("mx.hosting.example", "192.0.2.25", 25, 10);
        ServerTarget forB = server("mx.hosting.example", "192.0.2.25", 25, 20);

        Future<ServerRun> a = runs.run(forA, "a.example", starter());
        Future<ServerRun> b = runs.run(forB, "b.example", starter());
        assertEquals(1, started.size(), "one battery for both");

        ServerRun ran = new ServerRun(forA, null, List.of());
        started.get(0).complete(ran);
        assertSame(ran, a.result());
        assertNull(a.result().sharedFrom());
        assertEquals("a.example", b.result().sharedFrom());
        assertSame(forB, b.result().target(), "b's own MX preference");

        runs.run(forB, "c.example", starter());
        assertEquals(1, started.size(), "a finished run still answers");
    }

    @Test
    void anotherHostPortOrAddressIsAnotherServer() throws Exception {
        SharedServerRuns runs = new SharedServerRuns(8);
        runs.run(server("mx.hosting.example", "192.0.2.25", 25, 10), "a.example", starter());
        runs.run(server("smtp.hosting.example", "192.0.2.25", 25, 10), "b.example", starter());
        runs.run(server("mx.hosting.example", "192.0.2.25", 587, 10), "c.example", starter());
        runs.run(server("mx.hosting.example", "192.0.2.26", 25, 10), "d.example", starter());
        runs.run(server(null, "192.0.2.25", 25, null), "192.0.2.25", starter());
        assertEquals(5, started.size());
    }

    @Test
    void keepsOnlyTheMostRecentlyUsedServers() throws Exception {
        SharedServerRuns runs = new SharedServerRuns(2);
        ServerTarget x = server("x.example", "192.0.2.1", 25, null);
        ServerTarget y = server("y.example", "192.0.2.2", 25, null);
        ServerTarget z = server("z.example", "192.0.2.3", 25, null);
        runs.run(x, "1", starter());
        runs.run(y, "2", starter());
        runs.run(x, "3", starter()); // x used again: y is now the eldest
        runs.run(z, "4", starter()); // evicts y
        assertEquals(3, started.size());
        runs.run(x, "5", starter());
        assertEquals(3, started.size(), "x stayed");
        runs.run(y, "6", starter());
        assertEquals(4, started.size(), "y was forgotten and runs again");
    }

    @Test
    void aFailedRunFailsItsJoinersToo() throws Exception {
        SharedServerRuns runs = new SharedServerRuns(8);
        ServerTarget s = server("mx.example", "192.0.2.25", 25, 10);
        Future<ServerRun> a = runs.run(s, "a.example", starter());
        Future<ServerRun> b = runs.run(s, "b.example", starter());
        started.get(0).fail(new IllegalStateException("boom"));
        assertEquals("boom", a.cause().getMessage());
        assertEquals("boom", b.cause().getMessage());
    }
}
