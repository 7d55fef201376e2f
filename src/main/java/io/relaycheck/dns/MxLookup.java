package io.relaycheck.dns;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The answer to "where does mail for this domain go?" as far as MX records tell (RFC 5321 §5.1).
 * Each variant carries the domain asked about and the TTL the answer is still good for (for a
 * negative answer, the negative-caching TTL of RFC 2308 §5, zero when the server sent no SOA).
 */
public sealed interface MxLookup permits MxLookup.Mx, MxLookup.NullMx, MxLookup.NoRecords, MxLookup.NxDomain {

    String domain();

    Duration ttl();

    /** MX hosts, sorted by preference then name (RFC 5321 §5.1); never empty, never the root name. */
    record Mx(String domain, List<MxRecord> records, Duration ttl) implements MxLookup {
        public Mx {
            Objects.requireNonNull(domain, "domain");
            records = List.copyOf(records);
            if (records.isEmpty()) {
                throw new IllegalArgumentException("an Mx result has at least one record");
            }
            Objects.requireNonNull(ttl, "ttl");
        }
    }

    /** RFC 7505 null MX ({@code 0 .}): the domain explicitly accepts no mail. */
    record NullMx(String domain, Duration ttl) implements MxLookup {
        public NullMx {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(ttl, "ttl");
        }
    }

    /**
     * NOERROR with no MX records (NODATA): the name exists; RFC 5321 §5.1 says to treat it as its
     * own MX with preference 0, i.e. to use its A/AAAA records.
     */
    record NoRecords(String domain, Duration ttl) implements MxLookup {
        public NoRecords {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(ttl, "ttl");
        }
    }

    /** NXDOMAIN (RFC 1035 §4.1.1 RCODE 3): the name does not exist. */
    record NxDomain(String domain, Duration ttl) implements MxLookup {
        public NxDomain {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(ttl, "ttl");
        }
    }
}
