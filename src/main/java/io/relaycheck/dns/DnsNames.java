package io.relaycheck.dns;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/** Name handling shared by the resolver: normalisation, validation and reverse-lookup names. */
final class DnsNames {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private DnsNames() {
    }

    /**
     * The name in the form we query, cache and report: A-labels (IDNA, so {@code bücher.example}
     * becomes {@code xn--bcher-kva.example}), lower-case (RFC 1035 §2.3.3: comparisons are
     * case-insensitive), no trailing dot. Always treated as fully qualified: no search domains.
     *
     * @throws IllegalArgumentException when the name breaks RFC 1035 §2.3.4 limits (label 1–63
     *                                  octets, name at most 253 characters in text form) or contains
     *                                  characters other than letters, digits, '-' and '_' (the
     *                                  latter for SRV-style and other service labels)
     */
    static String normalize(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        String text = name.strip();
        if (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty name");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(text, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid internationalised name: " + e.getMessage());
        }
        if (ascii.length() > 253) {
            throw new IllegalArgumentException("name longer than 253 characters");
        }
        int labelStart = 0;
        for (int i = 0; i <= ascii.length(); i++) {
            if (i == ascii.length() || ascii.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0) {
                    throw new IllegalArgumentException("empty label");
                }
                if (length > 63) {
                    throw new IllegalArgumentException("label longer than 63 octets");
                }
                labelStart = i + 1;
            } else {
                char c = ascii.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok) {
                    throw new IllegalArgumentException("character '" + c + "' not allowed in a host name");
                }
            }
        }
        return ascii;
    }

    /**
     * A name from an answer (an owner name, an MX exchange, a PTR target) in our form: lower-case,
     * no trailing dot; the root is {@code "."}. No validation: it is what the server said.
     */
    static String fromWire(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.isEmpty() || ".".equals(lower)) {
            return ".";
        }
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /**
     * RFC 6761 §6.3: "localhost" and names below it are loopback by definition; resolvers should
     * answer them locally and not send them to DNS servers.
     */
    static boolean isLocalhost(String normalized) {
        return "localhost".equals(normalized) || normalized.endsWith(".localhost");
    }

    /**
     * The name a PTR lookup asks about: {@code d.c.b.a.in-addr.arpa} for IPv4 (RFC 1035 §3.5),
     * the 32 reversed nibbles under {@code ip6.arpa} for IPv6 (RFC 3596 §2.5).
     */
    static String reverseName(InetAddress address) {
        byte[] bytes = address.getAddress();
        StringBuilder name = new StringBuilder(address instanceof Inet4Address ? 29 : 73);
        for (int i = bytes.length - 1; i >= 0; i--) {
            int b = bytes[i] & 0xFF;
            if (address instanceof Inet4Address) {
                name.append(b).append('.');
            } else {
                name.append(HEX[b & 0x0F]).append('.').append(HEX[b >>> 4]).append('.');
            }
        }
        return name.append(address instanceof Inet4Address ? "in-addr.arpa" : "ip6.arpa").toString();
    }
}
