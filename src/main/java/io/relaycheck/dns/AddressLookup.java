package io.relaycheck.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The A and AAAA records of a host, asked for together.
 *
 * @param host            the name asked about, normalised (lower-case, no trailing dot)
 * @param status          whether addresses were found, the name exists without any, or does not exist
 * @param addresses       IPv4 addresses first, then IPv6, each family in answer order; empty unless
 *                        {@link Status#FOUND}. Each carries {@code host} as its host name, so
 *                        {@link InetAddress#getHostName()} never triggers a (blocking) reverse lookup
 * @param ttl             how long the answer is still good for (the smaller of the two families')
 * @param partialFailures failures of one family while the other answered (e.g. the AAAA query timed
 *                        out but A records came back); empty when both families answered
 */
public record AddressLookup(String host, Status status, List<InetAddress> addresses, Duration ttl,
                            List<DnsFailure> partialFailures) {

    public enum Status {
        /** At least one A or AAAA record. */
        FOUND,
        /** The name exists (NOERROR) but has neither A nor AAAA records (NODATA). */
        NO_RECORDS,
        /** NXDOMAIN: the name does not exist. */
        NX_DOMAIN
    }

    public AddressLookup {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(status, "status");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(ttl, "ttl");
        partialFailures = List.copyOf(partialFailures);
        if ((status == Status.FOUND) == addresses.isEmpty()) {
            throw new IllegalArgumentException("FOUND if and only if there are addresses");
        }
    }

    /** Both families were answered definitively. */
    public boolean complete() {
        return partialFailures.isEmpty();
    }
}
