package io.relaycheck.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Addresses here are data only: nothing is contacted and nothing is resolved (IpLiterals builds
 * addresses from text, and its own tests check the bytes it builds).
 */
class TargetPolicyTest {

    /** Every refused IPv4 block, at its first and last address and a typical one. */
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0          | unspecified (0.0.0.0/8)",
            "0.255.255.255    | unspecified (0.0.0.0/8)",
            "10.0.0.0         | private (RFC 1918)",
            "10.1.2.3         | private (RFC 1918)",
            "10.255.255.255   | private (RFC 1918)",
            "100.64.0.0       | CGNAT (RFC 6598)",
            "100.127.255.255  | CGNAT (RFC 6598)",
            "127.0.0.0        | loopback",
            "127.0.0.1        | loopback",
            "127.255.255.255  | loopback",
            "169.254.0.0      | link-local",
            "169.254.169.254  | link-local",
            "169.254.255.255  | link-local",
            "172.16.0.0       | private (RFC 1918)",
            "172.31.255.255   | private (RFC 1918)",
            "192.0.0.0        | IETF protocol assignments (192.0.0.0/24)",
            "192.0.0.170      | IETF protocol assignments (192.0.0.0/24)",
            "192.0.0.255      | IETF protocol assignments (192.0.0.0/24)",
            "192.0.2.0        | documentation (RFC 5737)",
            "192.0.2.255      | documentation (RFC 5737)",
            "192.88.99.0      | 6to4 relay anycast (192.88.99.0/24)",
            "192.88.99.255    | 6to4 relay anycast (192.88.99.0/24)",
            "192.168.0.0      | private (RFC 1918)",
            "192.168.1.1      | private (RFC 1918)",
            "192.168.255.255  | private (RFC 1918)",
            "198.18.0.0       | benchmarking (RFC 2544, 198.18.0.0/15)",
            "198.19.255.255   | benchmarking (RFC 2544, 198.18.0.0/15)",
            "198.51.100.0     | documentation (RFC 5737)",
            "198.51.100.255   | documentation (RFC 5737)",
            "203.0.113.0      | documentation (RFC 5737)",
            "203.0.113.255    | documentation (RFC 5737)",
            "224.0.0.0        | multicast",
            "224.0.0.251      | multicast",
            "239.255.255.255  | multicast",
            "240.0.0.0        | reserved (240.0.0.0/4)",
            "255.255.255.254  | reserved (240.0.0.0/4)",
            // More specific than 240.0.0.0/4: longest prefix wins whatever the table order.
            "255.255.255.255  | broadcast",
    })
    void refusesSpecialIpv4(String address, String rule) {
        assertEquals(Optional.of(rule), TargetPolicy.refusal(IpLiterals.parse(address)));
    }

    /** Public addresses, and the neighbours just outside each refused block. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "8.8.8.8", "1.1.1.1", "9.9.9.9", "208.67.222.222",
            "1.0.0.0", "9.255.255.255", "11.0.0.0",
            "100.63.255.255", "100.128.0.0",
            "126.255.255.255", "128.0.0.0",
            "169.253.255.255", "169.255.0.0",
            "172.15.255.255", "172.32.0.0",
            "191.255.255.255", "192.0.1.0", "192.0.3.0",
            "192.88.98.255", "192.88.100.0",
            "192.167.255.255", "192.169.0.0",
            "198.17.255.255", "198.20.0.0",
            "198.51.99.255", "198.51.101.0",
            "203.0.112.255", "203.0.114.0",
            "223.255.255.255",
            // Globally reachable anycast blocks of the special-purpose registry (RFC 7535, 7450, 7534).
            "192.31.196.1", "192.52.193.1", "192.175.48.1",
    })
    void allowsPublicIpv4(String address) {
        assertEquals(Optional.empty(), TargetPolicy.refusal(IpLiterals.parse(address)));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "::                                       | unspecified (::/128)",
            "::1                                      | loopback",
            "fe80::                                   | link-local",
            "fe80::1                                  | link-local",
            "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff  | link-local",
            "fec0::                                   | site-local (fec0::/10, deprecated by RFC 3879)",
            "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff  | site-local (fec0::/10, deprecated by RFC 3879)",
            "fc00::                                   | unique-local (RFC 4193)",
            "fd12:3456:789a::1                        | unique-local (RFC 4193)",
            "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff  | unique-local (RFC 4193)",
            "ff00::                                   | multicast",
            "ff02::1                                  | multicast",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff  | multicast",
            "2001:db8::                               | documentation (RFC 3849)",
            "2001:db8::1                              | documentation (RFC 3849)",
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff   | documentation (RFC 3849)",
            "3fff::1                                  | documentation (RFC 9637)",
            "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff   | documentation (RFC 9637)",
            "100::                                    | discard-only (100::/64)",
            "100::ffff:ffff:ffff:ffff                 | discard-only (100::/64)",
            "2001:2::1                                | benchmarking (RFC 5180, 2001:2::/48)",
            "2001:10::1                               | ORCHID (RFC 4843)",
            "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff    | ORCHID (RFC 4843)",
            "2001:20::1                               | ORCHIDv2 (RFC 7343)",
            "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff    | ORCHIDv2 (RFC 7343)",
            "2001:1::1                                | IETF protocol assignments (2001::/23)",
            "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff   | IETF protocol assignments (2001::/23)",
            // Globally reachable per IANA (AMT, AS112-v6, DRIP) but no place for a mail server.
            "2001:3::1                                | IETF protocol assignments (2001::/23)",
            "2001:4:112::1                            | IETF protocol assignments (2001::/23)",
            "2001:30::1                               | IETF protocol assignments (2001::/23)",
            // Outside 2000::/3, IANA has allocated no global unicast space (RFC 4291 §2.4).
            "::2                                      | IPv4-compatible form of unspecified (0.0.0.0/8)",
            "::ffff:0:0:0                             | reserved (outside global unicast 2000::/3)",
            "100:0:0:1::1                             | reserved (outside global unicast 2000::/3)",
            "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff  | reserved (outside global unicast 2000::/3)",
            "4000::1                                  | reserved (outside global unicast 2000::/3)",
            "5f00::1                                  | reserved (outside global unicast 2000::/3)",
            "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff  | reserved (outside global unicast 2000::/3)",
            "fe00::1                                  | reserved (outside global unicast 2000::/3)",
            "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff  | reserved (outside global unicast 2000::/3)",
    })
    void refusesSpecialIpv6(String address, String rule) {
        assertEquals(Optional.of(rule), TargetPolicy.refusal(IpLiterals.parse(address)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "2001:4860:4860::8888", "2606:4700:4700::1111", "2620:fe::fe", "2a00:1450:4001:82b::1a",
            "2000::1", "3ffe::1", "3fff:1000::", "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "2001:200::", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::",
    })
    void allowsGlobalIpv6(String address) {
        assertEquals(Optional.empty(), TargetPolicy.refusal(IpLiterals.parse(address)));
    }

    /**
     * IPv6 forms that carry an IPv4 address. Each row would pass an IPv6-only check, and each
     * refusal names the form, so a user sees why an IPv6 address counts as, e.g., loopback.
     */
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            // RFC 4291 §2.5.5.2 IPv4-mapped.
            "::ffff:127.0.0.1                         | IPv4-mapped form of loopback",
            "::ffff:7f00:1                            | IPv4-mapped form of loopback",
            "::ffff:10.1.2.3                          | IPv4-mapped form of private (RFC 1918)",
            "::ffff:169.254.169.254                   | IPv4-mapped form of link-local",
            "::ffff:100.64.0.1                        | IPv4-mapped form of CGNAT (RFC 6598)",
            "::ffff:0.0.0.0                           | IPv4-mapped form of unspecified (0.0.0.0/8)",
            "::ffff:255.255.255.255                   | IPv4-mapped form of broadcast",
            "::ffff:224.0.0.1                         | IPv4-mapped form of multicast",
            "::ffff:192.0.2.1                         | IPv4-mapped form of documentation (RFC 5737)",
            // RFC 4291 §2.5.5.1 IPv4-compatible; ::/128 and ::1 are longer prefixes and win.
            "::127.0.0.1                              | IPv4-compatible form of loopback",
            "::192.168.0.1                            | IPv4-compatible form of private (RFC 1918)",
            "::8.8.8.8                                | IPv4-compatible (deprecated, RFC 4291 §2.5.5.1)",
            // RFC 6052 NAT64 well-known prefix and RFC 8215 local-use prefix (/96 layout).
            "64:ff9b::127.0.0.1                       | NAT64 form of loopback",
            "64:ff9b::a9fe:a9fe                       | NAT64 form of link-local",
            "64:ff9b::198.18.0.1                      | NAT64 form of benchmarking (RFC 2544, 198.18.0.0/15)",
            "64:ff9b:1::10.0.0.1                      | local-use NAT64 form of private (RFC 1918)",
            "64:ff9b:1:ffff::7f00:1                   | local-use NAT64 form of loopback",
            // RFC 3056 6to4: the IPv4 address is bits 16-47.
            "2002:7f00:1::1                           | 6to4 form of loopback",
            "2002:c0a8:101::1                         | 6to4 form of private (RFC 1918)",
            "2002:a9fe:a9fe:1:2:3:4:5                 | 6to4 form of link-local",
            "2002:f000::                              | 6to4 form of reserved (240.0.0.0/4)",
            // RFC 4380 Teredo: the client address is the last 32 bits, every bit inverted.
            // The RFC 4380 / common example: server 65.54.227.120, client 192.0.2.45.
            "2001:0:4136:e378:8000:63bf:3fff:fdd2     | Teredo form of documentation (RFC 5737)",
            "2001:0:4136:e378:8000:63bf:80ff:fffe     | Teredo form of loopback",
            "2001::f5ff:fffe                          | Teredo form of private (RFC 1918)",
            "2001::5601:5601                          | Teredo form of link-local",
            // Not inverted, 7f00:1 is 128.255.255.254 (public); but inverted 0.0.0.0 is refused.
            "2001::ffff:ffff                          | Teredo form of unspecified (0.0.0.0/8)",
    })
    void refusesEmbeddedIpv4(String address, String rule) {
        InetAddress parsed = IpLiterals.parse(address);
        assertInstanceOf(Inet6Address.class, parsed);
        assertEquals(Optional.of(rule), TargetPolicy.refusal(parsed));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "::ffff:8.8.8.8",
            "::ffff:1.1.1.1",
            "64:ff9b::8.8.8.8",
            "64:ff9b:1::1.1.1.1",
            "2002:808:808::1",
            // Teredo client 8.8.8.8 (inverted f7f7:f7f7).
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
            // Teredo client 7f00:1 XOR ffff:ffff = 128.255.255.254: allowed only because the
            // bits are inverted before the check. Without the inversion this would be loopback.
            "2001:0:4136:e378:8000:63bf:7f00:1",
    })
    void allowsEmbeddedPublicIpv4(String address) {
        assertEquals(Optional.empty(), TargetPolicy.refusal(IpLiterals.parse(address)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1                             | 127.0.0.1 is loopback",
            "10.0.0.1                              | 10.0.0.1 is private (RFC 1918)",
            "0:0:0:0:0:0:0:1                       | ::1 is loopback",
            "FE80:0:0:0:0:0:0:1                    | fe80::1 is link-local",
            "::ffff:127.0.0.1                      | ::ffff:127.0.0.1 is IPv4-mapped form of loopback",
            "2002:7f00:1::1                        | 2002:7f00:1::1 is 6to4 form of loopback; it embeds 127.0.0.1",
            "64:ff9b::a9fe:a9fe                    | 64:ff9b::a9fe:a9fe is NAT64 form of link-local; it embeds 169.254.169.254",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2  | 2001:0:4136:e378:8000:63bf:3fff:fdd2 is Teredo form of documentation (RFC 5737); it embeds 192.0.2.45",
            "::8.8.8.8                             | ::808:808 is IPv4-compatible (deprecated, RFC 4291 §2.5.5.1); it embeds 8.8.8.8",
    })
    void explainsRefusalsForUsers(String address, String sentence) {
        assertEquals(Optional.of(sentence), TargetPolicy.explainRefusal(IpLiterals.parse(address)));
    }

    @Test
    void explainsNothingForAllowedAddresses() {
        assertEquals(Optional.empty(), TargetPolicy.explainRefusal(IpLiterals.parse("2001:4860:4860::8888")));
    }

    @Test
    void formatJoinsAddressAndRule() {
        assertEquals("127.0.0.1 is loopback", TargetPolicy.format("127.0.0.1", "loopback"));
    }

    /** First refused in iteration order, whatever its family; the rest are not needed. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "8.8.8.8 2001:4860:4860::8888                 | ",
            "8.8.8.8 10.0.0.1 127.0.0.1                   | 10.0.0.1 is private (RFC 1918)",
            "127.0.0.1 10.0.0.1                           | 127.0.0.1 is loopback",
            "2001:4860:4860::8888 8.8.8.8 ::ffff:10.0.0.1 | ::ffff:10.0.0.1 is IPv4-mapped form of private (RFC 1918)",
            "1.1.1.1 fd00::1                              | fd00::1 is unique-local (RFC 4193)",
    })
    void firstRefusalChecksEveryAddressInOrder(String addresses, String expected) {
        List<InetAddress> list = Arrays.stream(addresses.split(" ")).map(IpLiterals::parse).collect(Collectors.toList());
        assertEquals(Optional.ofNullable(expected), TargetPolicy.firstRefusal(list));
    }

    @Test
    void firstRefusalOfNothingIsEmpty() {
        // "No addresses" is the caller's NO_MAIL_SERVER case, not a policy refusal.
        assertEquals(Optional.empty(), TargetPolicy.firstRefusal(List.of()));
    }

    @Test
    void firstRefusalRejectsNullElements() {
        List<InetAddress> withNull = Arrays.asList(IpLiterals.parse("8.8.8.8"), null);
        assertThrows(NullPointerException.class, () -> TargetPolicy.firstRefusal(withNull));
    }

    @Test
    void javaTurnsMappedBytesIntoIpv4AndThePolicyStillRefuses() throws Exception {
        // A resolver that returns ::ffff:127.0.0.1 via InetAddress.getByAddress hands us an
        // Inet4Address; the plain IPv4 rule must then apply.
        byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffff7f000001");
        InetAddress converted = InetAddress.getByAddress(mapped);
        assertInstanceOf(Inet4Address.class, converted);
        assertEquals(Optional.of("loopback"), TargetPolicy.refusal(converted));
    }

    @Test
    void scopedLinkLocalIsRefused() throws Exception {
        byte[] bytes = HexFormat.of().parseHex("fe800000000000000000000000000001");
        Inet6Address scoped = Inet6Address.getByAddress(null, bytes, 1);
        assertEquals(Optional.of("link-local"), TargetPolicy.refusal(scoped));
    }

    @ParameterizedTest(name = "port {0}")
    @CsvSource(delimiter = '|', value = {
            "25     | ",
            "465    | ",
            "587    | ",
            "24     | port 24 is not allowed; allowed ports: 25, 465, 587",
            "26     | port 26 is not allowed; allowed ports: 25, 465, 587",
            "2525   | port 2525 is not allowed; allowed ports: 25, 465, 587",
            "22     | port 22 is not allowed; allowed ports: 25, 465, 587",
            "80     | port 80 is not allowed; allowed ports: 25, 465, 587",
            "0      | port 0 is not a valid TCP port (1-65535)",
            "-1     | port -1 is not a valid TCP port (1-65535)",
            "65536  | port 65536 is not a valid TCP port (1-65535)",
    })
    void defaultPorts(int port, String expected) {
        assertEquals(Optional.ofNullable(expected), TargetPolicy.portRefusal(port, TargetPolicy.DEFAULT_ALLOWED_PORTS));
    }

    @Test
    void configuredPortsReplaceTheDefaults() {
        Set<Integer> lab = Set.of(2525, 65535);
        assertEquals(Optional.empty(), TargetPolicy.portRefusal(2525, lab));
        assertEquals(Optional.empty(), TargetPolicy.portRefusal(65535, lab));
        assertEquals(Optional.of("port 25 is not allowed; allowed ports: 2525, 65535"), TargetPolicy.portRefusal(25, lab));
        // A configured out-of-range port does not make that port valid.
        assertEquals(Optional.of("port 70000 is not a valid TCP port (1-65535)"),
                TargetPolicy.portRefusal(70000, Set.of(70000)));
    }

    @Test
    void noConfiguredPortsRefusesEveryPort() {
        assertEquals(Optional.of("port 25 is not allowed; allowed ports: none are configured"),
                TargetPolicy.portRefusal(25, Set.of()));
    }

    @Test
    void defaultPortsMatchTheDesign() {
        assertEquals(Set.of(25, 465, 587), TargetPolicy.DEFAULT_ALLOWED_PORTS);
    }
}
