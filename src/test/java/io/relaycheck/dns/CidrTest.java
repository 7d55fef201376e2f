package io.relaycheck.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    /** First, last and the neighbours just outside, including prefixes that end inside a byte. */
    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/8         | 10.0.0.0                                | true",
            "10.0.0.0/8         | 10.255.255.255                          | true",
            "10.0.0.0/8         | 11.0.0.0                                | false",
            "10.0.0.0/8         | 9.255.255.255                           | false",
            "100.64.0.0/10      | 100.64.0.0                              | true",
            "100.64.0.0/10      | 100.127.255.255                         | true",
            "100.64.0.0/10      | 100.128.0.0                             | false",
            "100.64.0.0/10      | 100.63.255.255                          | false",
            "172.16.0.0/12      | 172.31.255.255                          | true",
            "172.16.0.0/12      | 172.32.0.0                              | false",
            "172.16.0.0/12      | 172.15.255.255                          | false",
            "198.18.0.0/15      | 198.19.255.255                          | true",
            "198.18.0.0/15      | 198.20.0.0                              | false",
            "198.18.0.0/15      | 198.17.255.255                          | false",
            "1.2.3.4/32         | 1.2.3.4                                 | true",
            "1.2.3.4/32         | 1.2.3.5                                 | false",
            "0.0.0.0/0          | 203.0.113.7                             | true",
            "0.0.0.0/0          | ::1                                     | false",
            "::/0               | 1.2.3.4                                 | false",
            "::/0               | ::ffff:1.2.3.4                          | true",
            // No unwrapping here: the mapped form is sixteen bytes, and TargetPolicy unwraps it.
            "10.0.0.0/8         | ::ffff:10.0.0.1                         | false",
            "::1/128            | ::1                                     | true",
            "::1/128            | ::2                                     | false",
            "fe80::/10          | fe80::                                  | true",
            "fe80::/10          | febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff | true",
            "fe80::/10          | fec0::                                  | false",
            "fe80::/10          | fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff | false",
            "fc00::/7           | fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | true",
            "fc00::/7           | fe00::                                  | false",
            "fc00::/7           | fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | false",
            "2001:db8::/32      | 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff  | true",
            "2001:db8::/32      | 2001:db9::                              | false",
            "2001::/23          | 2001:1ff:ffff::                         | true",
            "2001::/23          | 2001:200::                              | false",
            "3fff::/20          | 3fff:fff:ffff::                         | true",
            "3fff::/20          | 3fff:1000::                             | false",
    })
    void matchesByPrefix(String cidr, String address, boolean expected) {
        assertEquals(expected, Cidr.parse(cidr).contains(IpLiterals.parse(address)));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "10.0.0.1/8",        // host bits set
            "fe80::1/10",        // host bits set
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/-1",
            "10.0.0.0",
            "10.0.0.0/",
            "10.0.0.0/8/8",
            "10.0.0.0/ 8",
            "example.com/8",     // never resolved: fails as text
            "10.0.0/8",
    })
    void rejectsMalformedBlocks(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "2001:DB8::/32     | 2001:db8::/32",
            "::ffff:0:0/96     | ::ffff:0.0.0.0/96",
            "198.18.0.0/15     | 198.18.0.0/15",
            "0.0.0.0/0         | 0.0.0.0/0",
    })
    void printsCanonically(String text, String expected) {
        assertEquals(expected, Cidr.parse(text).toString());
    }

    @Test
    void equalBlocksAreEqualRecords() {
        assertEquals(Cidr.parse("2001:db8::/32"), Cidr.parse("2001:0DB8:0::/32"));
    }

    @Test
    void constructorValidatesDirectUse() throws Exception {
        InetAddress tenOne = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
        assertThrows(IllegalArgumentException.class, () -> new Cidr(tenOne, 8));
        assertEquals(32, new Cidr(tenOne, 32).prefixLength());
        assertThrows(NullPointerException.class, () -> new Cidr(null, 8));
    }
}
