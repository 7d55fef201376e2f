package io.relaycheck.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses and prints IP address literals without ever touching DNS.
 *
 * <p>{@link InetAddress#getByName} decides by itself whether its argument is a literal or a name
 * and resolves names, so a bug in a caller's pre-check becomes a DNS query to a name the user
 * chose. These methods read the text themselves and build addresses only from bytes
 * ({@link InetAddress#getByAddress(byte[])}, {@link Inet6Address#getByAddress(String, byte[], int)}
 * with a {@code null} host), which never queries anything.
 *
 * <p>Parsing is deliberately strict: one canonical spelling of each number, so that what we check
 * is what every other program would connect to.
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    /** Parses an IPv4 dotted quad or an IPv6 literal (no brackets, no zone id). */
    public static InetAddress parse(String text) {
        return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
    }

    /**
     * Parses the strict dotted-quad form: four decimal numbers 0–255 separated by dots, without
     * leading zeros. The looser forms that {@code inet_aton(3)} accepts ({@code 127.1},
     * {@code 0x7f.0.0.1}, {@code 2130706433}, octal {@code 010.0.0.1}) are rejected: they mean
     * different addresses to different programs (WHATWG URL, glibc, Java), which is how address
     * filters get bypassed.
     *
     * @throws IllegalArgumentException with a reason that does not repeat the input
     */
    public static Inet4Address parseIpv4(String text) {
        byte[] bytes = ipv4Bytes(text);
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always a valid IPv4 address", e);
        }
    }

    /**
     * Parses the text forms of RFC 4291 §2.2: eight groups of one to four hex digits, at most one
     * {@code ::} standing for one or more zero groups, and optionally a dotted quad as the last 32
     * bits. The result is always an {@link Inet6Address}, also for {@code ::ffff:a.b.c.d}:
     * {@link InetAddress#getByAddress(byte[])} would silently turn that into an
     * {@link Inet4Address} and the policy could no longer say "IPv4-mapped form of …".
     *
     * @throws IllegalArgumentException with a reason that does not repeat the input
     */
    public static Inet6Address parseIpv6(String text) {
        byte[] bytes = ipv6Bytes(text);
        try {
            return Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("sixteen bytes are always a valid IPv6 address", e);
        }
    }

    /**
     * The text a person should see: dotted quad for IPv4, RFC 5952 canonical form for IPv6
     * (lower case, no leading zeros, the longest run of two or more zero groups shortened to
     * {@code ::}, the first such run on a tie, and {@code ::ffff:a.b.c.d} for IPv4-mapped
     * addresses per RFC 5952 §5). Never does a reverse lookup, unlike
     * {@link InetAddress#getHostName()}. The zone id of a scoped address is not shown.
     */
    public static String toText(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return dottedQuad(b, 0);
        }
        if (isIpv4Mapped(b)) {
            return "::ffff:" + dottedQuad(b, 12);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        // RFC 5952 §4.2: compress the longest run of zero groups, only if it is at least two
        // groups long (§4.2.2), and the first one when two runs are equally long (§4.2.3).
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    static boolean isIpv4Mapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }

    static String dottedQuad(byte[] b, int offset) {
        return (b[offset] & 0xFF) + "." + (b[offset + 1] & 0xFF) + "." + (b[offset + 2] & 0xFF) + "."
                + (b[offset + 3] & 0xFF);
    }

    static byte[] ipv4Bytes(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("an IPv4 address is four numbers separated by dots");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                throw new IllegalArgumentException("an IPv4 address is four numbers separated by dots");
            }
            for (int k = 0; k < part.length(); k++) {
                char c = part.charAt(k);
                // Only ASCII digits: Character.isDigit would accept Arabic-Indic and other digits.
                if (c < '0' || c > '9') {
                    throw new IllegalArgumentException("each part of an IPv4 address is a decimal number 0-255");
                }
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                throw new IllegalArgumentException(
                        "leading zeros are not allowed in an IPv4 address (some programs read them as octal)");
            }
            if (part.length() > 3 || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("each part of an IPv4 address is at most 255");
            }
            bytes[i] = (byte) Integer.parseInt(part);
        }
        return bytes;
    }

    static byte[] ipv6Bytes(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an IPv6 address cannot be empty");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(isHexDigit(c) || c == ':' || c == '.')) {
                throw new IllegalArgumentException(
                        "an IPv6 address contains only hex digits and ':', with an optional dotted IPv4 ending");
            }
        }
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            // Also catches ":::", where the second search finds the overlapping pair.
            throw new IllegalArgumentException("'::' may appear only once in an IPv6 address");
        }
        int[] head;
        int[] tail;
        if (doubleColon < 0) {
            head = groups(text, true);
            tail = new int[0];
            if (head.length != 8) {
                throw new IllegalArgumentException("an IPv6 address without '::' has exactly eight groups");
            }
        } else {
            // RFC 4291 §2.2 form 3: the IPv4 part is the low-order 32 bits, so it can only end
            // the part after '::'.
            head = groups(text.substring(0, doubleColon), false);
            tail = groups(text.substring(doubleColon + 2), true);
            if (head.length + tail.length > 7) {
                throw new IllegalArgumentException("'::' must stand for at least one group, so at most seven remain");
            }
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < head.length; i++) {
            bytes[2 * i] = (byte) (head[i] >> 8);
            bytes[2 * i + 1] = (byte) head[i];
        }
        int tailStart = 8 - tail.length;
        for (int i = 0; i < tail.length; i++) {
            bytes[2 * (tailStart + i)] = (byte) (tail[i] >> 8);
            bytes[2 * (tailStart + i) + 1] = (byte) tail[i];
        }
        return bytes;
    }

    /** The 16-bit groups of one side of '::'; a trailing dotted quad counts as two groups. */
    private static int[] groups(String part, boolean mayEndWithIpv4) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        boolean endsWithIpv4 = pieces[pieces.length - 1].indexOf('.') >= 0;
        int[] groups = new int[pieces.length + (endsWithIpv4 ? 1 : 0)];
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (piece.indexOf('.') >= 0) {
                if (i != pieces.length - 1 || !mayEndWithIpv4) {
                    throw new IllegalArgumentException("a dotted IPv4 part may only end an IPv6 address");
                }
                byte[] v4 = ipv4Bytes(piece);
                groups[i] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                groups[i + 1] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
                continue;
            }
            if (piece.isEmpty()) {
                throw new IllegalArgumentException("an IPv6 address has an empty group (a lone ':' at an end, or ':::')");
            }
            if (piece.length() > 4) {
                throw new IllegalArgumentException("each group of an IPv6 address has at most four hex digits");
            }
            groups[i] = Integer.parseInt(piece, 16);
        }
        return groups;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
