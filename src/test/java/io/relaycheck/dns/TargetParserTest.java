package io.relaycheck.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class TargetParserTest {

    private static final String LABEL_63 = "a".repeat(63);
    private static final String LABEL_64 = "a".repeat(64);
    /** 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 octets, the RFC 1035 maximum without the root dot. */
    private static final String NAME_253 = LABEL_63 + "." + LABEL_63 + "." + LABEL_63 + "." + "a".repeat(61);
    private static final String NAME_254 = LABEL_63 + "." + LABEL_63 + "." + LABEL_63 + "." + "a".repeat(62);
    /** 132 characters as typed, 19 x "xn--bcher-kva" = 265 octets in ASCII. */
    private static final String IDN_OVER_253 = String.join(".", java.util.Collections.nCopies(19, "bücher"));

    static Stream<Arguments> acceptedNames() {
        return Stream.of(
                Arguments.of("example.com", "example.com"),
                Arguments.of("EXAMPLE.com.", "example.com"),
                Arguments.of("Mail.Example.COM", "mail.example.com"),
                Arguments.of("mx1.mail.example.net.", "mx1.mail.example.net"),
                Arguments.of("a-b.example", "a-b.example"),
                Arguments.of("a--b.example", "a--b.example"),
                // RFC 1123 §2.1: a label may start with a digit; only the TLD may not be numeric.
                Arguments.of("1password.com", "1password.com"),
                Arguments.of("123.example", "123.example"),
                Arguments.of("example.com1", "example.com1"),
                Arguments.of("localhost", "localhost"),
                // IDN (RFC 5890 A-labels via java.net.IDN, lower-cased).
                Arguments.of("bücher.example", "xn--bcher-kva.example"),
                Arguments.of("BÜCHER.example", "xn--bcher-kva.example"),
                Arguments.of("bücher.example.", "xn--bcher-kva.example"),
                Arguments.of("XN--BCHER-KVA.example", "xn--bcher-kva.example"),
                Arguments.of("例え.テスト", "xn--r8jz45g.xn--zckzah"),
                // RFC 3490 §3.1: ideographic and full-width full stops separate labels too.
                Arguments.of("bücher\u3002example", "xn--bcher-kva.example"),
                Arguments.of("bücher\uFF0Eexample\uFF0E", "xn--bcher-kva.example"),
                Arguments.of("bücher\uFF61example", "xn--bcher-kva.example"),
                // Full-width Latin letters are mapped to ASCII by nameprep.
                Arguments.of("\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45.com", "example.com"),
                Arguments.of(LABEL_63 + ".example", LABEL_63 + ".example"),
                Arguments.of(NAME_253, NAME_253),
                Arguments.of(NAME_253 + ".", NAME_253),
                Arguments.of("A".repeat(63) + ".example", LABEL_63 + ".example"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedNames")
    void acceptsDomainNames(String input, String ascii) {
        assertEquals(new Target.DomainName(ascii), TargetParser.parse(input));
        assertEquals(ascii, TargetParser.parse(input).text());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "8.8.8.8                              | 8.8.8.8                              | 4",
            "0.0.0.0                              | 0.0.0.0                              | 4",
            "255.255.255.255                      | 255.255.255.255                      | 4",
            // The parser accepts any literal; refusing loopback is the policy's job.
            "127.0.0.1                            | 127.0.0.1                            | 4",
            "::1                                  | ::1                                  | 6",
            "::                                   | ::                                   | 6",
            "[::1]                                | ::1                                  | 6",
            "[2001:db8::1]                        | 2001:db8::1                          | 6",
            "2001:DB8::1                          | 2001:db8::1                          | 6",
            "2001:0db8:0000:0000:0000:0000:0000:0001 | 2001:db8::1                       | 6",
            "2001:4860:4860::8888                 | 2001:4860:4860::8888                 | 6",
            "abc::                                | abc::                                | 6",
            "::ffff:127.0.0.1                     | ::ffff:127.0.0.1                     | 6",
            "[::ffff:10.0.0.1]                    | ::ffff:10.0.0.1                      | 6",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2 | 2001:0:4136:e378:8000:63bf:3fff:fdd2 | 6",
    })
    void acceptsIpLiterals(String input, String canonical, int family) {
        Target target = TargetParser.parse(input);
        Target.IpLiteral literal = assertInstanceOf(Target.IpLiteral.class, target);
        Class<? extends java.net.InetAddress> expected = family == 4 ? Inet4Address.class : Inet6Address.class;
        assertInstanceOf(expected, literal.address());
        assertEquals(canonical, literal.text());
    }

    @Test
    void mappedLiteralStaysIpv6SoThePolicyCanNameIt() {
        Target.IpLiteral literal = (Target.IpLiteral) TargetParser.parse("::ffff:127.0.0.1");
        assertEquals(Optional.of("IPv4-mapped form of loopback"), TargetPolicy.refusal(literal.address()));
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("", "empty"),
                // No silent trimming.
                Arguments.of(" example.com", "whitespace at its start or end"),
                Arguments.of("example.com ", "whitespace at its start or end"),
                Arguments.of("example.com\t", "whitespace at its start or end"),
                Arguments.of("example.com\n", "whitespace at its start or end"),
                Arguments.of("\u00A0example.com", "whitespace at its start or end"),
                Arguments.of("example.com\u3000", "whitespace at its start or end"),
                Arguments.of("exa mple.com", "contains a space"),
                Arguments.of("exa\u00A0mple.com", "contains a space"),
                Arguments.of("example.com 25", "contains a space"),
                // Control bytes, escaped in the message.
                Arguments.of("exa\u0000mple.com", "control character \\x00 at position 4"),
                Arguments.of("exa\u007Fmple.com", "control character \\x7f"),
                Arguments.of("exa\u0085mple.com", "control character \\x85"),
                Arguments.of("a\u001Bb.com", "control character \\x1b"),
                Arguments.of("example.com\r\nRCPT TO:<x@example.net>", "'example.com\\x0d\\x0aRCPT TO:<x@example.net>'"),
                Arguments.of("bad\u202Eexample.com", "invisible character \\u202e"),
                Arguments.of("exa\u200Bmple.com", "invisible character \\u200b"),
                Arguments.of("exa\u00ADmple.com", "invisible character \\xad"),
                // URLs and schemes.
                Arguments.of("http://example.com", "looks like a URL"),
                Arguments.of("smtp://mail.example.com:25", "looks like a URL"),
                Arguments.of("smtp:mail.example.com", "starts with a scheme ('smtp:')"),
                Arguments.of("mailto:postmaster", "starts with a scheme ('mailto:')"),
                // E-mail addresses.
                Arguments.of("user@example.com", "e-mail address; give only the domain after the '@' ('example.com')"),
                Arguments.of("@example.com", "e-mail address"),
                Arguments.of("mailto:user@example.com", "e-mail address"),
                // host:port.
                Arguments.of("mail.example.com:25", "give the host alone ('mail.example.com') and put '25' in the port field"),
                Arguments.of("192.0.2.1:587", "port field"),
                Arguments.of("localhost:2525", "port field"),
                Arguments.of("[2001:db8::1]:25", "give the host alone ('[2001:db8::1]') and put '25' in the port field"),
                Arguments.of("[::1]:", "port field"),
                // Zone ids.
                Arguments.of("fe80::1%eth0", "zone id"),
                Arguments.of("fe80::1%25eth0", "zone id"),
                Arguments.of("[fe80::1%eth0]", "zone id"),
                // Brackets.
                Arguments.of("[192.0.2.1]", "brackets are only for IPv6"),
                Arguments.of("[example.com]", "brackets are only for IPv6"),
                Arguments.of("[IPv6:2001:db8::1]", "without the 'IPv6:' tag"),
                Arguments.of("[::1", "unbalanced brackets"),
                Arguments.of("::1]", "unbalanced brackets"),
                Arguments.of("[[::1]]", "unbalanced brackets"),
                Arguments.of("x[::1]", "unbalanced brackets"),
                Arguments.of("[::1]x", "text after ']'"),
                Arguments.of("[1::2::3]", "not a valid IPv6 address"),
                // Malformed IPv6.
                Arguments.of("1::2::3", "not a valid IPv6 address: '::' may appear only once"),
                Arguments.of("dead:beef", "not a valid IPv6 address"),
                Arguments.of("1:2:3:4:5:6:7:8:9", "not a valid IPv6 address"),
                Arguments.of("12345::1", "not a valid IPv6 address"),
                Arguments.of("2001:db8::g", "not a valid IPv6 address: an IPv6 address contains only hex digits"),
                Arguments.of("fe80:0:0:0:0:0:0:g", "not a valid IPv6 address"),
                Arguments.of("cafe::zz", "not a valid IPv6 address"),
                Arguments.of("bücher.example:smtp", "contains ':', which only IPv6 addresses may contain; put a port in the port field"),
                // Length limits (RFC 1035 §2.3.4).
                Arguments.of(LABEL_64 + ".com", "is 64 octets long; a label has at most 63"),
                Arguments.of(NAME_254, "is 254 octets long; a domain name has at most 253"),
                Arguments.of(NAME_254 + ".", "is 254 octets long"),
                Arguments.of(IDN_OVER_253, "is 265 octets long in ASCII form"),
                Arguments.of("ü".repeat(70) + ".example", "not a valid internationalised domain label"),
                Arguments.of("a".repeat(1025), "too long (1025 characters)"),
                // Hyphens (RFC 1123 §2.1).
                Arguments.of("-example.com", "starts or ends with '-'"),
                Arguments.of("example-.com", "starts or ends with '-'"),
                Arguments.of("example.-com", "starts or ends with '-'"),
                Arguments.of("example.com-", "starts or ends with '-'"),
                // Empty labels.
                Arguments.of("a..b", "empty label"),
                Arguments.of(".example.com", "empty label"),
                Arguments.of("example.com..", "empty label"),
                Arguments.of("bücher\u3002\u3002example", "empty label"),
                Arguments.of(".", "DNS root"),
                Arguments.of("..", "empty label"),
                // Characters outside LDH.
                Arguments.of("under_score.example", "contains '_'"),
                Arguments.of("_dmarc.example.com", "contains '_'"),
                Arguments.of("bü_cher.example", "contains '_'"),
                Arguments.of("exa!mple.com", "contains '!'"),
                Arguments.of("example.com/path", "contains '/'"),
                Arguments.of("10.0.0.0/8", "contains '/'"),
                Arguments.of("exa%mple.com", "contains '%'"),
                Arguments.of("*.example.com", "contains '*'"),
                Arguments.of("exa\\mple.com", "'exa\\\\mple.com' contains '\\\\'"),
                Arguments.of("bü\uFF3Fcher.example", "not a valid internationalised domain label"),
                Arguments.of("a\u2024b.example", "not a valid internationalised domain label"),
                Arguments.of("xn--bü.example", "not a valid internationalised domain label"),
                // Digits and dots: IPv4 or nothing.
                Arguments.of("1.2.3", "not a valid IPv4 address: an IPv4 address is four numbers"),
                Arguments.of("999.1.1.1", "not a valid IPv4 address: each part of an IPv4 address is at most 255"),
                Arguments.of("256.0.0.1", "at most 255"),
                Arguments.of("1.2.3.4.5", "not a valid IPv4 address"),
                Arguments.of("1.2.3.4.", "not a valid IPv4 address"),
                Arguments.of("01.2.3.4", "leading zeros"),
                Arguments.of("127.000.000.001", "leading zeros"),
                Arguments.of("2130706433", "not a valid IPv4 address"),
                // All-numeric (or hex) top-level label that is not a dotted quad.
                Arguments.of("example.123", "ends in a number"),
                Arguments.of("0x7f.0.0.1", "ends in a number"),
                Arguments.of("0x7f000001", "ends in a number"),
                Arguments.of("1.2.3.0x4", "ends in a number"),
                Arguments.of("example.0X1F", "ends in a number"),
                Arguments.of("\uFF11\uFF12\uFF17\uFF0E\uFF10\uFF0E\uFF10\uFF0E\uFF11", "reads as the IPv4 address 127.0.0.1"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("rejected")
    void rejectsWithAUsefulMessage(String input, String expectedFragment) {
        InvalidTargetException e = assertThrows(InvalidTargetException.class, () -> TargetParser.parse(input));
        String message = e.getMessage();
        assertTrue(message.contains(expectedFragment), () -> "message was: " + message);
        assertTrue(message.startsWith("target"), message);
        assertSafeToShow(message);
    }

    @Test
    void nullIsRequired() {
        InvalidTargetException e = assertThrows(InvalidTargetException.class, () -> TargetParser.parse(null));
        assertTrue(e.getMessage().contains("required"));
    }

    @Test
    void invalidTargetIsAnIllegalArgument() {
        // Callers and exception mappers that know only IllegalArgumentException still get a 400.
        assertThrows(IllegalArgumentException.class, () -> TargetParser.parse("a..b"));
    }

    @Test
    void longInputIsShortenedInTheMessage() {
        String input = "a".repeat(300) + "_.example";
        String message = assertThrows(InvalidTargetException.class, () -> TargetParser.parse(input)).getMessage();
        assertTrue(message.contains("'" + "a".repeat(100) + "...'"), message);
        assertTrue(message.length() < 250, message);
    }

    @Test
    void escapesCannotBeForged() {
        // A literal backslash-x sequence is shown with a doubled backslash, so it cannot pass for
        // an escaped control byte.
        String message = assertThrows(InvalidTargetException.class, () -> TargetParser.parse("a\\x0d.com")).getMessage();
        assertTrue(message.contains("'a\\\\x0d.com'"), message);
    }

    /** No control, format or line-separator characters: safe in JSON, logs and terminals. */
    private static void assertSafeToShow(String message) {
        message.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            assertFalse(Character.isISOControl(cp) || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR,
                    () -> String.format("unescaped U+%04X in: %s", cp, message));
        });
    }
}
