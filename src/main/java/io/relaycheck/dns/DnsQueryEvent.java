package io.relaycheck.dns;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One query sent to one server, and how it ended. A lookup that is retried on another server
 * produces one event per attempt.
 *
 * @param name         the name asked about (normalised)
 * @param type         {@code A}, {@code AAAA}, {@code MX} or {@code PTR}
 * @param server       the DNS server asked
 * @param outcome      how the query ended
 * @param elapsedNanos from sending the query to its outcome, including any TCP retry after truncation
 */
public record DnsQueryEvent(String name, String type, InetSocketAddress server, Outcome outcome, long elapsedNanos) {

    public enum Outcome {
        /** NOERROR with records of the type asked for. */
        ANSWER,
        /** NOERROR without them (NODATA). */
        NO_DATA,
        /** NXDOMAIN. */
        NX_DOMAIN,
        TIMEOUT,
        SERVER_FAILURE,
        REFUSED,
        BAD_RESPONSE,
        TRUNCATED,
        NETWORK
    }

    public Duration elapsed() {
        return Duration.ofNanos(elapsedNanos);
    }
}
