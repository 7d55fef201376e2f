package io.relaycheck.check;

import io.relaycheck.dns.IpLiterals;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The order of servers in a report: MX preference, host, then address (IPv4 first, by number). */
class TargetResolverOrderTest {

    static ServerTarget t(String host, String address, Integer preference) {
        return new ServerTarget(host, IpLiterals.parse(address), 25, preference);
    }

    @Test
    void preferenceThenHostThenAddressByNumber() {
        List<ServerTarget> shuffled = List.of(
                t("mx2.example.org", "192.0.2.1", 20),
                t("mx1.example.org", "2001:db8::1", 10),
                t("mx1.example.org", "192.0.2.10", 10),
                t("mx1.example.org", "192.0.2.9", 10),
                t("backup.example.org", "198.51.100.1", 10),
                t("implicit.example.org", "203.0.113.5", null));
        List<String> sorted = shuffled.stream().sorted(TargetResolver.ORDER)
                .map(s -> s.host() + " " + s.address().getHostAddress()).toList();
        assertEquals(List.of(
                "implicit.example.org 203.0.113.5",   // an implicit MX counts as preference 0
                "backup.example.org 198.51.100.1",
                "mx1.example.org 192.0.2.9",          // by number, not as text ("192.0.2.10" < "192.0.2.9")
                "mx1.example.org 192.0.2.10",
                "mx1.example.org 2001:db8:0:0:0:0:0:1", // IPv4 before IPv6
                "mx2.example.org 192.0.2.1"), sorted);
    }
}
