package io.relaycheck.check;

import io.relaycheck.config.RelayCheckConfig;
import io.relaycheck.dns.DnsResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import java.net.InetSocketAddress;
import java.util.List;

/** Makes the one DnsResolver of the application from {@code relay-check.dns.*}. */
@ApplicationScoped
public class DnsProducer {

    @Produces
    @ApplicationScoped
    DnsResolver resolver(io.vertx.mutiny.core.Vertx vertx, RelayCheckConfig config, CheckMetrics metrics) {
        List<InetSocketAddress> servers = config.dns().servers().orElse(List.of()).stream()
                .map(DnsProducer::parse).toList();
        return new DnsResolver(vertx.getDelegate(), servers, config.dns().queryTimeout(), 4,
                DnsResolver.DEFAULT_CACHE_SIZE, metrics);
    }

    void close(@Disposes DnsResolver resolver) {
        resolver.close();
    }

    /** {@code host:port}, {@code [v6]:port}, or a bare address (port 53). Literals only: no lookup. */
    static InetSocketAddress parse(String text) {
        String t = text.strip();
        String host = t;
        int port = 53;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            host = t.substring(1, close);
            if (close + 1 < t.length() && t.charAt(close + 1) == ':') {
                port = Integer.parseInt(t.substring(close + 2));
            }
        } else if (t.chars().filter(c -> c == ':').count() == 1) {
            host = t.substring(0, t.indexOf(':'));
            port = Integer.parseInt(t.substring(t.indexOf(':') + 1));
        }
        if (!host.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("relay-check.dns.servers takes IP addresses, not names: " + text);
        }
        return new InetSocketAddress(io.relaycheck.dns.IpLiterals.parse(host), port);
    }
}
