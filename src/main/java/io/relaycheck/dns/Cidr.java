package io.relaycheck.dns;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An address block: a network address and a prefix length, as in {@code 10.0.0.0/8}.
 *
 * <p>Matching compares raw address bytes, so it is family-exact: an IPv4 block never matches an
 * IPv6 address, not even an IPv4-mapped one ({@code ::ffff:10.0.0.1} is sixteen bytes). Unwrapping
 * embedded IPv4 addresses is the policy's job, not this record's.
 *
 * @param network      the first address of the block; its host bits must be zero
 * @param prefixLength how many leading bits are fixed, 0–32 for IPv4, 0–128 for IPv6
 */
public record Cidr(InetAddress network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        byte[] bytes = network.getAddress();
        int bits = bytes.length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0-" + bits);
        }
        // A block written with host bits set ("10.0.0.1/8") is usually a typo for something else;
        // refuse it rather than guess which of the two the author meant.
        for (int bit = prefixLength; bit < bits; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException(
                        IpLiterals.toText(network) + "/" + prefixLength + " has host bits set");
            }
        }
    }

    /** Parses {@code address/prefix}, IPv4 or IPv6, without DNS (see {@link IpLiterals}). */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("a CIDR block is written address/prefix: " + text);
        }
        String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the prefix length is a decimal number: " + text);
        }
        return new Cidr(IpLiterals.parse(text.substring(0, slash)), Integer.parseInt(prefix));
    }

    /** Whether the address is in this block; false for an address of the other family. */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    boolean contains(byte[] address) {
        byte[] net = network.getAddress();
        if (address.length != net.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (address[i] != net[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = (0xFF << (8 - remainingBits)) & 0xFF;
        return (address[fullBytes] & mask) == (net[fullBytes] & mask);
    }

    @Override
    public String toString() {
        return IpLiterals.toText(network) + "/" + prefixLength;
    }
}
