package io.relaycheck.dns;

/**
 * Told about every query {@link DnsResolver} puts on the wire (answers served from its cache are not
 * queries and are not reported): the hook for latency metrics.
 *
 * <p>Called on the resolver's DNS event-loop thread: it must be quick and must not block. Exceptions
 * it throws are ignored.
 */
@FunctionalInterface
public interface DnsQueryListener {

    DnsQueryListener NONE = event -> { };

    void onQuery(DnsQueryEvent event);
}
