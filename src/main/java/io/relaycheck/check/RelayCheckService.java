package io.relaycheck.check;

import io.relaycheck.config.PortRanges;
import io.relaycheck.config.RelayCheckConfig;
import io.relaycheck.dns.DnsResolver;
import io.relaycheck.dns.InvalidTargetException;
import io.relaycheck.dns.Target;
import io.relaycheck.dns.TargetParser;
import io.relaycheck.dns.TargetPolicy;
import io.relaycheck.probe.RelayBattery;
import io.relaycheck.probe.RelayVariant;
import io.relaycheck.smtp.CancelSignal;
import io.relaycheck.smtp.SmtpLimits;
import io.relaycheck.verdict.Diagnostics;
import io.relaycheck.verdict.Grade;
import io.relaycheck.verdict.Grader;
import io.relaycheck.verdict.Reason;
import io.relaycheck.verdict.Verdict;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One relay check from request to report: validate meaning, resolve, apply the target policy to
 * every address, run each server's battery concurrently, grade, and report. Never blocks: every
 * step is a Vert.x future on one event-loop context, handed to the REST layer as a {@link Uni}.
 */
@ApplicationScoped
public class RelayCheckService {

    private final Vertx vertx;
    private final RelayCheckConfig config;
    private final SmtpClients clients;
    private final TargetResolver resolver;
    private final ServerCheck.Settings settings;
    private final PortRanges allowedPorts;
    private final ResultCache cache;
    private final CheckObserver observer;
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

    @Inject
    public RelayCheckService(io.vertx.mutiny.core.Vertx vertx, RelayCheckConfig config, SmtpClients clients,
                             DnsResolver dns, CheckMetrics metrics) {
        this.observer = metrics;
        this.vertx = vertx.getDelegate();
        this.config = config;
        this.clients = clients;
        this.resolver = new TargetResolver(dns, config.limits().maxAddressesPerCheck());
        this.allowedPorts = PortRanges.parse(config.policy().allowedPorts());
        this.cache = new ResultCache(config.cache().ttl(), config.cache().minFreshInterval(),
                config.cache().maxEntries(), java.time.Clock.systemUTC());
        var l = config.limits();
        SmtpLimits limits = new SmtpLimits(l.connectTimeout(), l.commandTimeout(), l.sessionDeadline(),
                l.maxLineBytes(), l.maxReplyBytes(), l.maxBytesPerConnection(), l.maxTranscriptLines());
        var p = config.probe();
        this.settings = new ServerCheck.Settings(limits, l.maxFailingRcptsPerSession(),
                l.concurrentDialoguesPerAddress(), l.retriesPerTest(),
                ProbeIdentity.of(p.heloName(), p.sender(), p.recipientLocalPart(), p.recipientDomain()),
                new AddressLimiter(this.vertx, l.concurrentDialoguesPerAddress()), metrics,
                config.diagnostics().reverseDns() ? dns : null, diagnostics(config),
                config.diagnostics().reverseDnsGrace());
    }

    /** A request whose meaning has been checked: ready to run. */
    private record Prepared(Target target, List<RelayVariant> variants, String mailDomain, ResultCache.Key key) {
    }

    public Uni<CheckReport> check(CheckCommand command) {
        Prepared p = prepare(command);
        Optional<CheckReport> cached = cached(p, command);
        if (cached.isPresent()) {
            return Uni.createFrom().item(cached.get());
        }
        Future<CheckReport> inFlight = startOrJoin(p, command);
        return Uni.createFrom().completionStage(() -> inFlight.toCompletionStage());
    }

    /**
     * One check of a batch: served from the cache like any other, but never joined with or
     * joined by other requests, so that cancelling the batch (the client went away) can close
     * its connections without taking anyone else's check with it. Bounded by the batch's own
     * concurrency rather than by the 503 of single checks. Servers are shared with the batch's
     * other checks through {@code shared} (null: none).
     *
     * @throws CheckRefusedException synchronously for bad input or a forbidden target
     */
    public Future<CheckReport> checkInBatch(CheckCommand command, CancelSignal cancelled, SharedServerRuns shared) {
        Prepared p = prepare(command);
        Optional<CheckReport> cached = cached(p, command);
        if (cached.isPresent()) {
            return Future.succeededFuture(cached.get());
        }
        running.incrementAndGet();
        // A batch starts its checks from one thread; each gets a fresh event-loop context (round
        // robin over the event loops) so that thousands of dialogues use every core, not the
        // batch's one. createEventLoopContext is Vert.x-internal API, stable across 4.x.
        Future<CheckReport> future = launch(((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext(), p,
                command, cancelled, shared);
        cache.remember(p.key(), future, cancelled);
        return future;
    }

    /** A recent report for the same check, unless the request wants a fresh one. */
    private Optional<CheckReport> cached(Prepared p, CheckCommand command) {
        if (command.fresh()) {
            return Optional.empty();
        }
        Optional<CheckReport> cached = cache.fresh(p.key());
        cached.ifPresent(r -> observer.cacheHit());
        return cached;
    }

    /** Runs the check on {@code context}; the caller has counted it in {@code running}, this uncounts it. */
    private Future<CheckReport> launch(Context context, Prepared p, CheckCommand command, CancelSignal cancelled,
                                       SharedServerRuns shared) {
        Promise<CheckReport> promise = Promise.promise();
        context.runOnContext(v -> run(p.target(), command, p.variants(), p.mailDomain(), cancelled, shared)
                .onComplete(promise));
        return promise.future().onComplete(ar -> running.decrementAndGet());
    }

    /** Everything that can be refused without touching the network is refused here, synchronously. */
    private Prepared prepare(CheckCommand command) {
        Target target = parseTarget(command.target());
        if (!allowedPorts.allows(command.port())) {
            throw CheckRefusedException.forbidden("port", "port " + command.port()
                    + " is not allowed here; allowed: " + allowedPorts);
        }
        List<RelayVariant> variants;
        try {
            variants = RelayBattery.select(command.tests());
        } catch (IllegalArgumentException e) {
            throw CheckRefusedException.invalid("tests", e.getMessage() + "; known ids: "
                    + String.join(", ", RelayBattery.ALL.stream().map(RelayVariant::id).toList()));
        }
        String mailDomain = parseMailDomain(command.mailDomain());
        if (!config.policy().allowPrivateTargets() && target instanceof Target.IpLiteral ip) {
            refuseIfForbidden(List.of(ip.address()));
        }

        return new Prepared(target, variants, mailDomain, new ResultCache.Key(target.text(), command.port(), mailDomain,
                command.tests(), command.startTls(), command.transcript()));
    }

    /**
     * The same check already running is joined, not repeated; a forced fresh check of a target
     * just checked is refused; beyond the global bound, 503 rather than an unbounded queue.
     */
    private synchronized Future<CheckReport> startOrJoin(Prepared p, CheckCommand command) {
        ResultCache.Key key = p.key();
        Optional<Future<CheckReport>> joined = cache.running(key);
        if (joined.isPresent()) {
            return joined.get();
        }
        if (command.fresh()) {
            long wait = cache.secondsUntilFreshAllowed(key);
            if (wait > 0) {
                throw new CheckRefusedException(CheckRefusedException.Kind.RATE_LIMITED, "fresh",
                        "this target was checked moments ago; a fresh check is allowed in " + wait + " s "
                                + "(relay-check.cache.min-fresh-interval)", wait);
            }
        }
        if (running.incrementAndGet() > config.limits().maxConcurrentChecks()) {
            running.decrementAndGet();
            throw new CheckRefusedException(CheckRefusedException.Kind.OVERLOADED, null,
                    "the service is running its maximum of " + config.limits().maxConcurrentChecks()
                            + " checks; try again shortly", 5);
        }
        Future<CheckReport> future = launch(vertx.getOrCreateContext(), p, command, CancelSignal.NEVER, null);
        cache.track(key, future);
        return future;
    }

    /** Checks running now (for health and metrics). */
    public int runningChecks() {
        return running.get();
    }

    private Future<CheckReport> run(Target target, CheckCommand command, List<RelayVariant> variants, String mailDomain,
                                    CancelSignal cancelled, SharedServerRuns shared) {
        long origin = System.nanoTime();
        Instant checkedAt = Instant.now();
        long deadline = origin + command.timeout().toNanos();
        return resolver.resolve(target, command.port()).compose(resolution -> {
            if (!config.policy().allowPrivateTargets()) {
                // Every address of every MX host, before any connection (DNS rebinding: we then
                // connect to exactly these addresses and never resolve again).
                refuseIfForbidden(resolution.servers().stream().map(ServerTarget::address).toList());
            }
            String md = mailDomain != null ? mailDomain : resolution.mailDomain();
            ServerCheck.Request request = new ServerCheck.Request(variants, command.startTls(), md, origin, deadline,
                    cancelled, command.transcript());
            List<Future<ServerRun>> runs = resolution.servers().stream().map(s -> {
                Supplier<Future<ServerRun>> start = () -> ServerCheck.run(vertx, clients.forPort(s.port()), s, settings,
                        request);
                return shared == null ? start.get() : shared.run(s, target.text(), start);
            }).toList();
            return Future.join(new ArrayList<>(runs)).map(ignored -> report(target, command, checkedAt, origin,
                    resolution, runs.stream().map(Future::result).toList()));
        });
    }

    private CheckReport report(Target target, CheckCommand command, Instant checkedAt, long origin,
                               Resolution resolution, List<ServerRun> runs) {
        List<ServerReport> servers = new ArrayList<>();
        Verdict verdict = null;
        Reason reason = resolution.noServerReason();
        for (ServerRun run : runs) {
            Grade grade = Grader.grade(run.evidence(), settings.diagnostics());
            servers.add(Reports.server(run, grade, command.transcript()));
            if (verdict == null || grade.verdict().ordinal() > verdict.ordinal()) {
                verdict = grade.verdict();
                reason = grade.reason();
            }
        }
        if (verdict == null) {
            verdict = Verdict.INCONCLUSIVE;
            reason = reason == null ? Reason.NO_MAIL_SERVER : reason;
        }
        long durationNanos = System.nanoTime() - origin;
        long durationMs = durationNanos / 1_000_000L;
        CheckReport result = new CheckReport(UUID.randomUUID().toString(), target.text(), checkedAt, durationMs, verdict, reason,
                Reports.summary(target.text(), verdict, servers, resolution.findings()), servers,
                resolution.findings(), false);
        observer.checkFinished(result, durationNanos);
        return result;
    }

    private static Diagnostics.Thresholds diagnostics(RelayCheckConfig config) {
        var d = config.diagnostics();
        return new Diagnostics.Thresholds(d.connectWarn(), d.connectFail(), d.transactionWarn(), d.transactionFail(),
                d.certificateExpiryWarnDays());
    }

    private static Target parseTarget(String text) {
        try {
            return TargetParser.parse(text);
        } catch (InvalidTargetException e) {
            throw CheckRefusedException.invalid("target", e.getMessage());
        }
    }

    private static String parseMailDomain(String text) {
        if (text == null) {
            return null;
        }
        Target t;
        try {
            t = TargetParser.parse(text);
        } catch (InvalidTargetException e) {
            throw CheckRefusedException.invalid("mailDomain", e.getMessage());
        }
        if (!(t instanceof Target.DomainName d) || d.asciiName().indexOf('.') < 0) {
            throw CheckRefusedException.invalid("mailDomain", "must be a domain name such as example.org");
        }
        return d.asciiName();
    }

    private static void refuseIfForbidden(List<java.net.InetAddress> addresses) {
        Optional<String> refusal = TargetPolicy.firstRefusal(addresses);
        refusal.ifPresent(why -> {
            throw CheckRefusedException.forbidden("target", why
                    + "; this service only checks public mail servers");
        });
    }
}
