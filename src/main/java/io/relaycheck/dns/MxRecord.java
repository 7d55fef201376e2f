package io.relaycheck.dns;

import java.util.Comparator;
import java.util.Objects;

/**
 * One MX resource record (RFC 1035 §3.3.9). {@code host} is lower-case without the trailing dot;
 * the root name is {@code "."} (RFC 7505 null MX).
 */
public record MxRecord(int preference, String host) implements Comparable<MxRecord> {

    /** RFC 5321 §5.1: lower preference first; equal preferences are ordered by name so results are stable. */
    private static final Comparator<MxRecord> ORDER =
            Comparator.comparingInt(MxRecord::preference).thenComparing(MxRecord::host);

    public MxRecord {
        if (preference < 0 || preference > 0xFFFF) {
            throw new IllegalArgumentException("MX preference is a 16-bit unsigned value: " + preference);
        }
        Objects.requireNonNull(host, "host");
    }

    /** The exchange is the root name: the record says "no mail here" (RFC 7505 §3). */
    public boolean isRoot() {
        return ".".equals(host);
    }

    @Override
    public int compareTo(MxRecord other) {
        return ORDER.compare(this, other);
    }
}
