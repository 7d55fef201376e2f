package io.relaycheck.api;

import io.relaycheck.config.RelayCheckConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A token bucket per client address: {@code client-requests-per-minute} requests, refilled
 * evenly. Beyond it a client gets 429 with the seconds until its next token. The map is bounded
 * (least recently seen clients are forgotten), so a flood of addresses cannot grow it.
 */
@ApplicationScoped
public class ClientRateLimiter {

    private static final int MAX_CLIENTS = 10_000;

    private static final class Bucket {
        double tokens;
        long lastNanos;
    }

    private final int perMinute;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    @Inject
    public ClientRateLimiter(RelayCheckConfig config) {
        this.perMinute = config.limits().clientRequestsPerMinute();
    }

    /** Takes a token; empty when allowed, else the seconds to wait. */
    public synchronized OptionalLong take(String client) {
        if (perMinute <= 0) {
            return OptionalLong.empty();
        }
        long now = System.nanoTime();
        Bucket b = buckets.computeIfAbsent(client == null ? "unknown" : client, c -> {
            Bucket n = new Bucket();
            n.tokens = perMinute;
            n.lastNanos = now;
            return n;
        });
        double perNano = perMinute / 60e9;
        b.tokens = Math.min(perMinute, b.tokens + (now - b.lastNanos) * perNano);
        b.lastNanos = now;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) Math.ceil((1 - b.tokens) / perNano / 1e9));
    }
}
