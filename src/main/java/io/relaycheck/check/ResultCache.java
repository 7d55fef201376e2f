package io.relaycheck.check;

import io.vertx.core.Future;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recent reports by target and options, plus the checks in flight, so that the same server is
 * not checked again and again (DESIGN.md §6): a repeat within the TTL is served from here, an
 * identical request while a check runs joins that check, and a forced fresh check is refused
 * when the last one is younger than the minimum interval. Bounded (LRU); thread-safe.
 */
public final class ResultCache {

    /** What makes two checks the same check. */
    public record Key(String target, int port, String mailDomain, List<String> tests, boolean startTls,
                      boolean transcript) {
        public Key {
            tests = tests == null ? List.of() : tests.stream().sorted().distinct().toList();
        }
    }

    private record Entry(CheckReport report, Instant finishedAt) {
    }

    private final Duration ttl;
    private final Duration minFreshInterval;
    private final Clock clock;
    private final Map<Key, Entry> done;
    private final Map<Key, Future<CheckReport>> running = new java.util.HashMap<>();

    public ResultCache(Duration ttl, Duration minFreshInterval, int maxEntries, Clock clock) {
        this.ttl = ttl;
        this.minFreshInterval = minFreshInterval;
        this.clock = clock;
        this.done = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** A report made within the TTL, marked as cached. */
    public synchronized Optional<CheckReport> fresh(Key key) {
        Entry e = done.get(key);
        if (e == null || ttl.isZero() || e.finishedAt().plus(ttl).isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(e.report().asCached());
    }

    /** Seconds until a fresh check of {@code key} is allowed; 0 when it is allowed now. */
    public synchronized long secondsUntilFreshAllowed(Key key) {
        Entry e = done.get(key);
        if (e == null) {
            return 0;
        }
        Duration age = Duration.between(e.finishedAt(), clock.instant());
        Duration wait = minFreshInterval.minus(age);
        return wait.isNegative() || wait.isZero() ? 0 : Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /** The check running for {@code key}, if any. */
    public synchronized Optional<Future<CheckReport>> running(Key key) {
        return Optional.ofNullable(running.get(key));
    }

    /**
     * Keeps the report of {@code check} when it completes, without letting others join it; not
     * when it was cancelled on the way (its report is partial), nor when a server in it was shared
     * from another target of its batch: that report names the other target, which is the batch's
     * client's to see, not the next client's.
     */
    public void remember(Key key, Future<CheckReport> check, io.relaycheck.smtp.CancelSignal cancelled) {
        check.onSuccess(report -> {
            boolean shared = report.servers().stream().anyMatch(s -> s.sharedFrom() != null);
            if (!ttl.isZero() && !cancelled.isCancelled() && !shared) {
                synchronized (ResultCache.this) {
                    done.put(key, new Entry(report, clock.instant()));
                }
            }
        });
    }

    /** Registers a running check; its report is kept when it completes. */
    public synchronized void track(Key key, Future<CheckReport> check) {
        running.put(key, check);
        check.onComplete(ar -> {
            synchronized (ResultCache.this) {
                running.remove(key, check);
                if (ar.succeeded() && !ttl.isZero()) {
                    done.put(key, new Entry(ar.result(), clock.instant()));
                }
            }
        });
    }
}
