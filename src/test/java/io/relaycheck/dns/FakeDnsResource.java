package io.relaycheck.dns;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts a {@link FakeDnsServer} on 127.0.0.1 before the application and points the
 * application's resolver at it ({@code relay-check.dns.servers}). Tests add zone data through
 * {@link #server()}. Records are served with TTL 0, so the resolver caches nothing and what a test
 * sets up is what the next query sees.
 *
 * <p>Used through {@link io.relaycheck.testing.FakeDnsProfile}, so only the test classes of that
 * profile resolve through it.
 */
public class FakeDnsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile FakeDnsServer server;

    /** The running fake DNS server of the current test profile. */
    public static FakeDnsServer server() {
        FakeDnsServer s = server;
        if (s == null) {
            throw new IllegalStateException("FakeDnsResource is not started: use @TestProfile(FakeDnsProfile.class)");
        }
        return s;
    }

    @Override
    public Map<String, String> start() {
        server = FakeDnsServer.start().ttl(0).negativeTtl(0);
        return Map.of("relay-check.dns.servers", "127.0.0.1:" + server.address().getPort());
    }

    @Override
    public void stop() {
        FakeDnsServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }
}
