package io.relaycheck.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.relaycheck.dns.FakeDnsResource;

import java.util.List;
import java.util.Map;

/**
 * Resolution through the in-process fake DNS ({@link FakeDnsResource}), for scenarios that check
 * domains. A profile of its own, so the other test classes keep the system resolver; every test
 * class that needs DNS data should use this one profile (each profile restarts Quarkus).
 */
public class FakeDnsProfile implements QuarkusTestProfile {

    /** Small, so that a test can cut addresses off without starting many servers. */
    public static final int MAX_ADDRESSES = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("relay-check.limits.max-addresses-per-check", String.valueOf(MAX_ADDRESSES),
                // Off for the other tests (application.properties), which have no DNS to ask.
                "relay-check.diagnostics.reverse-dns", "true",
                // A silent DNS server costs maxQueries (4) × this per lookup.
                "relay-check.dns.query-timeout", "1s",
                // Loopback answers in milliseconds: a server that pauses 400 ms per reply is "slow" here,
                // with room to spare for a busy build machine on both sides.
                "relay-check.diagnostics.transaction-warn", "1500ms",
                "relay-check.diagnostics.transaction-fail", "30s",
                "relay-check.diagnostics.connect-warn", "3s",
                // A silent reverse zone costs 4 s; the report waits this long after the battery.
                "relay-check.diagnostics.reverse-dns-grace", "1s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeDnsResource.class));
    }
}
