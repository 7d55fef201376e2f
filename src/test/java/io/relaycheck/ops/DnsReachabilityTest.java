package io.relaycheck.ops;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relaycheck.check.CheckMetrics;
import io.relaycheck.dns.DnsQueryEvent;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readiness' view of DNS: silence makes it unreachable, any answer (even NXDOMAIN) makes it reachable. */
class DnsReachabilityTest {

    static DnsQueryEvent event(DnsQueryEvent.Outcome outcome) {
        return event("MX", outcome);
    }

    static DnsQueryEvent event(String type, DnsQueryEvent.Outcome outcome) {
        return new DnsQueryEvent("example.org", type, new InetSocketAddress("127.0.0.1", 53), outcome, 1_000_000);
    }

    @Test
    void silentReverseZonesDoNotMakeTheResolverUnreachable() {
        CheckMetrics m = new CheckMetrics(new SimpleMeterRegistry());
        for (int i = 0; i < 5; i++) {
            m.onQuery(event("PTR", DnsQueryEvent.Outcome.TIMEOUT));
        }
        assertFalse(m.dnsLooksUnreachable());
    }

    @Test
    void threeUnansweredQueriesInARowMeanUnreachable() {
        CheckMetrics m = new CheckMetrics(new SimpleMeterRegistry());
        assertFalse(m.dnsLooksUnreachable());
        m.onQuery(event(DnsQueryEvent.Outcome.TIMEOUT));
        m.onQuery(event(DnsQueryEvent.Outcome.NETWORK));
        assertFalse(m.dnsLooksUnreachable(), "two are not enough");
        m.onQuery(event(DnsQueryEvent.Outcome.TIMEOUT));
        assertTrue(m.dnsLooksUnreachable());
        m.onQuery(event(DnsQueryEvent.Outcome.NX_DOMAIN));
        assertFalse(m.dnsLooksUnreachable(), "an NXDOMAIN is an answer");
    }

    @Test
    void aBrokenDomainIsNotAnUnreachableResolver() {
        CheckMetrics m = new CheckMetrics(new SimpleMeterRegistry());
        for (int i = 0; i < 5; i++) {
            m.onQuery(event(DnsQueryEvent.Outcome.SERVER_FAILURE));
        }
        assertFalse(m.dnsLooksUnreachable());
    }
}
