package io.relaycheck.check;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relaycheck.dns.DnsQueryEvent;
import io.relaycheck.dns.DnsQueryListener;
import io.relaycheck.smtp.SmtpFailure;
import io.relaycheck.smtp.SmtpSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prometheus metrics and the one log line per finished check. Labels are closed sets (verdict,
 * reason, failure kind, refusal kind, DNS record type and outcome): never a target name, so the
 * number of series is bounded whatever users ask for.
 */
@ApplicationScoped
public class CheckMetrics implements CheckObserver, DnsQueryListener {

    private static final Logger LOG = Logger.getLogger("io.relaycheck.check");

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer checkDuration;
    private final Counter cacheHits;
    private final AtomicInteger dnsFailuresInARow = new AtomicInteger();
    // Meters are looked up once per label set and kept: a registry lookup builds an id and
    // hashes it, which adds up at thousands of dialogues a second.
    private final java.util.Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Timer> dnsTimers = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long lastDnsFailureNanos;

    @Inject
    public CheckMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("relaycheck.smtp.dialogues.in.flight", inFlight);
        this.checkDuration = Timer.builder("relaycheck.check.duration")
                .description("Wall time of one check, from request to report")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofSeconds(120))
                .register(registry);
        this.cacheHits = Counter.builder("relaycheck.cache.hits").description("Reports served from the cache")
                .register(registry);
    }

    @Override
    public void dialogueStarted() {
        inFlight.incrementAndGet();
    }

    @Override
    public void dialogueEnded(SmtpSession.SessionResult result) {
        inFlight.decrementAndGet();
        counter("relaycheck.smtp.dialogues", "outcome",
                result.failure() == null ? "completed" : lower(result.failure().kind())).increment();
        SmtpFailure f = result.failure();
        if (f == null) {
            return;
        }
        switch (f.kind()) {
            case COMMAND_TIMEOUT -> counter("relaycheck.smtp.timeouts", "kind", "command").increment();
            case DEADLINE -> counter("relaycheck.smtp.timeouts", "kind", "deadline").increment();
            case CONNECT_FAILED -> {
                if (f.getMessage() != null && f.getMessage().toLowerCase(Locale.ROOT).contains("timed out")) {
                    counter("relaycheck.smtp.timeouts", "kind", "connect").increment();
                }
            }
            case PROTOCOL_ERROR -> counter("relaycheck.smtp.protocol.errors").increment();
            case LINE_TOO_LONG -> counter("relaycheck.smtp.limit.hits", "limit", "line").increment();
            case REPLY_TOO_LARGE -> counter("relaycheck.smtp.limit.hits", "limit", "reply").increment();
            case READ_BUDGET_EXCEEDED -> counter("relaycheck.smtp.limit.hits", "limit", "bytes").increment();
            default -> {
            }
        }
    }

    @Override
    public void checkFinished(CheckReport report, long durationNanos) {
        counter("relaycheck.checks", "verdict", report.verdict().name(), "reason", report.reason().name()).increment();
        checkDuration.record(durationNanos, TimeUnit.NANOSECONDS);
        // One structured line per check: the fields go to the MDC too, for JSON logs. No
        // transcript, no reply texts: those are in the report, not in the log.
        MDC.put("target", report.target());
        MDC.put("verdict", report.verdict().name());
        MDC.put("reason", report.reason().name());
        MDC.put("durationMs", String.valueOf(report.durationMs()));
        MDC.put("servers", String.valueOf(report.servers().size()));
        try {
            LOG.infof("check finished target=%s verdict=%s reason=%s durationMs=%d servers=%d id=%s", report.target(),
                    report.verdict(), report.reason(), report.durationMs(), report.servers().size(), report.id());
        } finally {
            MDC.remove("target");
            MDC.remove("verdict");
            MDC.remove("reason");
            MDC.remove("durationMs");
            MDC.remove("servers");
        }
    }

    @Override
    public void cacheHit() {
        cacheHits.increment();
    }

    @Override
    public void refused(CheckRefusedException.Kind kind) {
        counter("relaycheck.refusals", "kind", lower(kind)).increment();
    }

    @Override
    public void onQuery(DnsQueryEvent event) {
        dnsTimers.computeIfAbsent(event.type() + '\u0000' + event.outcome(), k -> Timer.builder("relaycheck.dns.query")
                        .tags("type", event.type(), "outcome", lower(event.outcome())).register(registry))
                .record(event.elapsedNanos(), TimeUnit.NANOSECONDS);
        // Any answer, even NXDOMAIN or SERVFAIL for one broken domain, shows the server is there;
        // only silence (timeouts, network errors) says it is not. Reverse lookups do not count:
        // broken reverse zones that time out are common and say nothing about our resolver.
        if ("PTR".equals(event.type())) {
            return;
        }
        if (event.outcome() == DnsQueryEvent.Outcome.TIMEOUT || event.outcome() == DnsQueryEvent.Outcome.NETWORK) {
            lastDnsFailureNanos = System.nanoTime();
            dnsFailuresInARow.incrementAndGet();
        } else {
            dnsFailuresInARow.set(0);
        }
    }

    /**
     * DNS looks unreachable: three queries in a row went unanswered, the last within a minute,
     * and nothing has answered since. Read by readiness; never asks DNS itself.
     */
    public boolean dnsLooksUnreachable() {
        return dnsFailuresInARow.get() >= 3 && System.nanoTime() - lastDnsFailureNanos < TimeUnit.MINUTES.toNanos(1);
    }

    public int dialoguesInFlight() {
        return inFlight.get();
    }

    /** The counter for a name and label pairs, from the local map after the first time. */
    private Counter counter(String name, String... tags) {
        String key = tags.length == 0 ? name : name + '\u0000' + String.join("\u0000", tags);
        return counters.computeIfAbsent(key, k -> registry.counter(name, tags));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
