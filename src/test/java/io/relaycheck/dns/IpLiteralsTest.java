package io.relaycheck.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0         | 00000000",
            "255.255.255.255 | ffffffff",
            "8.8.8.8         | 08080808",
            "192.0.2.1       | c0000201",
            "10.0.0.255      | 0a0000ff",
            "100.64.0.0      | 64400000",
    })
    void parsesDottedQuads(String text, String hex) {
        InetAddress address = IpLiterals.parseIpv4(text);
        assertInstanceOf(Inet4Address.class, address);
        assertArrayEquals(HexFormat.of().parseHex(hex), address.getAddress());
        assertEquals(text, IpLiterals.toText(address));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "1.2.3         | four numbers",
            "1.2.3.4.5     | four numbers",
            "1.2.3.4.      | four numbers",
            "1..3.4        | four numbers",
            "''            | four numbers",
            "2130706433    | four numbers",
            "01.2.3.4      | leading zeros",
            "1.2.3.04      | leading zeros",
            "00.1.1.1      | leading zeros",
            "256.0.0.1     | at most 255",
            "1.2.3.999     | at most 255",
            "1.2.3.1000    | at most 255",
            "0x7f.0.0.1    | decimal number",
            "-1.2.3.4      | decimal number",
            "+1.2.3.4      | decimal number",
            "'1.2.3.4 '    | decimal number",
            "١.2.3.4       | decimal number",
    })
    void rejectsLooseIpv4Forms(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpLiterals.parseIpv4(text));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    /** Expected bytes written out by hand; canonical text per RFC 5952. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "::                                      | 00000000000000000000000000000000 | ::",
            "::1                                     | 00000000000000000000000000000001 | ::1",
            "1::                                     | 00010000000000000000000000000000 | 1::",
            "2001:db8::1                             | 20010db8000000000000000000000001 | 2001:db8::1",
            "2001:DB8:0:0:0:0:0:1                    | 20010db8000000000000000000000001 | 2001:db8::1",
            "2001:0db8:0000:0000:0000:0000:0000:0001 | 20010db8000000000000000000000001 | 2001:db8::1",
            "1:2:3:4:5:6:7:8                         | 00010002000300040005000600070008 | 1:2:3:4:5:6:7:8",
            // '::' standing for a single group is accepted, but RFC 5952 §4.2.2 prints it as 0.
            "1:2:3:4:5:6:7::                         | 00010002000300040005000600070000 | 1:2:3:4:5:6:7:0",
            "::2:3:4:5:6:7:8                         | 00000002000300040005000600070008 | 0:2:3:4:5:6:7:8",
            "2001:db8:0:1:1:1:1:1                    | 20010db8000000010001000100010001 | 2001:db8:0:1:1:1:1:1",
            // RFC 5952 §4.2.3: the longest run is compressed ...
            "2001:0:0:1:0:0:0:1                      | 20010000000000010000000000000001 | 2001:0:0:1::1",
            // ... and the first one when runs are equally long.
            "2001:db8:0:0:1:0:0:1                    | 20010db8000000000001000000000001 | 2001:db8::1:0:0:1",
            "::ffff:1.2.3.4                          | 00000000000000000000ffff01020304 | ::ffff:1.2.3.4",
            // RFC 5952 §5: IPv4-mapped addresses print in mixed notation however they were written.
            "::ffff:102:304                          | 00000000000000000000ffff01020304 | ::ffff:1.2.3.4",
            "::1.2.3.4                               | 00000000000000000000000001020304 | ::102:304",
            // RFC 6052 §2.4 example: 192.0.2.33 under the well-known prefix.
            "64:ff9b::192.0.2.33                     | 0064ff9b0000000000000000c0000221 | 64:ff9b::c000:221",
            "1:2:3:4:5:6:1.2.3.4                     | 00010002000300040005000601020304 | 1:2:3:4:5:6:102:304",
            "fe80::1                                 | fe800000000000000000000000000001 | fe80::1",
            "FF02::1                                 | ff020000000000000000000000000001 | ff02::1",
            "2001:4860:4860::8888                    | 20014860486000000000000000008888 | 2001:4860:4860::8888",
    })
    void parsesAndPrintsIpv6(String text, String hex, String canonical) {
        InetAddress address = IpLiterals.parseIpv6(text);
        // Always Inet6Address: InetAddress.getByAddress would turn ::ffff:1.2.3.4 into 1.2.3.4.
        assertInstanceOf(Inet6Address.class, address);
        assertArrayEquals(HexFormat.of().parseHex(hex), address.getAddress());
        assertEquals(canonical, IpLiterals.toText(address));
        assertArrayEquals(address.getAddress(), IpLiterals.parse(canonical).getAddress(), "canonical text round-trips");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "''                       | empty",
            ":                        | empty group",
            ":::                      | only once",
            "1:::2                    | only once",
            "1::2::3                  | only once",
            "12345::                  | four hex digits",
            "1:2:3:4:5:6:7:8:9        | eight groups",
            "1:2:3:4:5:6:7            | eight groups",
            ":1:2:3:4:5:6:7           | empty group",
            "1:2:3:4:5:6:7:           | empty group",
            ":1::                     | empty group",
            "1::2:                    | empty group",
            "1:2:3:4:5:6:7:8::        | at most seven",
            "::1:2:3:4:5:6:7:8        | at most seven",
            "1:2:3:4:5:6:7:1.2.3.4    | eight groups",
            "g::1                     | only hex digits",
            "'::1 '                   | only hex digits",
            "fe80::1%1                | only hex digits",
            "[::1]                    | only hex digits",
            "::1.2.3                  | four numbers",
            "::256.1.1.1              | at most 255",
            "::ffff:01.2.3.4          | leading zeros",
            "1.2.3.4::                | may only end",
            "::1.2.3.4:5              | may only end",
    })
    void rejectsMalformedIpv6(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpLiterals.parseIpv6(text));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "1.2.3.4.example"})
    void namesAreNeverResolved(String name) {
        // A name must fail as text, not be looked up: IpLiterals has no code path to DNS.
        assertThrows(IllegalArgumentException.class, () -> IpLiterals.parse(name));
    }

    @Test
    void parseChoosesTheFamilyByTheColon() {
        assertInstanceOf(Inet4Address.class, IpLiterals.parse("192.0.2.1"));
        assertInstanceOf(Inet6Address.class, IpLiterals.parse("::ffff:192.0.2.1"));
    }
}
