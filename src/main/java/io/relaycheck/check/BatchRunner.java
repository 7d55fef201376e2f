package io.relaycheck.check;

import io.relaycheck.config.RelayCheckConfig;
import io.relaycheck.dns.InvalidTargetException;
import io.relaycheck.dns.TargetParser;
import io.relaycheck.smtp.CancelSignal;
import io.relaycheck.verdict.Verdict;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many checks with the same options, streamed back as each finishes. Duplicates (after
 * normalisation: case, IDN, trailing dot) are checked once; invalid targets become error events
 * without failing the batch; at most {@code relay-check.batch.concurrency} checks run at once,
 * the rest wait their turn inside the stream (no unbounded queue of started work); when the
 * client goes away, queued targets are never started and running checks close their
 * connections.
 */
@ApplicationScoped
public class BatchRunner {

    private final RelayCheckService service;
    private final RelayCheckConfig config;
    private final AtomicInteger batches = new AtomicInteger();

    @Inject
    public BatchRunner(RelayCheckService service, RelayCheckConfig config) {
        this.service = service;
        this.config = config;
    }

    /**
     * Validates the size, claims a batch slot, and returns the stream. Each check uses
     * {@code template} with its own target.
     *
     * @throws CheckRefusedException for too many targets (400) or too many batches (503)
     */
    public Multi<BatchEvent> run(List<String> targets, CheckCommand template) {
        int max = config.batch().maxTargets();
        if (targets.size() > max) {
            throw CheckRefusedException.invalid("targets", "at most " + max + " targets per batch (got "
                    + targets.size() + ")");
        }
        Map<String, String> unique = new LinkedHashMap<>(); // normalised (or raw, when invalid) -> as written
        for (String t : targets) {
            String key;
            try {
                key = t == null ? "" : TargetParser.parse(t).text();
            } catch (InvalidTargetException e) {
                key = "\u0000" + t; // invalid entries stay distinct from valid names
            }
            unique.putIfAbsent(key, t);
        }
        if (batches.incrementAndGet() > config.batch().maxConcurrentBatches()) {
            batches.decrementAndGet();
            throw new CheckRefusedException(CheckRefusedException.Kind.OVERLOADED, null,
                    "the service is running its maximum of " + config.batch().maxConcurrentBatches()
                            + " batches; try again shortly", 10);
        }
        long start = System.nanoTime();
        CancelSignal cancelled = new CancelSignal();
        int sharedServers = config.batch().sharedServers();
        SharedServerRuns shared = sharedServers > 0 ? new SharedServerRuns(sharedServers) : null;
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        Map<Verdict, Integer> byVerdict = new EnumMap<>(Verdict.class);
        List<String> written = new ArrayList<>(unique.values());

        Multi<BatchEvent> results = Multi.createFrom().iterable(written)
                .onItem().<BatchEvent>transformToUni(t -> one(t, template, cancelled, shared))
                .merge(Math.max(1, config.batch().concurrency()))
                .onItem().invoke(e -> {
                    if (e instanceof BatchEvent.Report r) {
                        checked.incrementAndGet();
                        synchronized (byVerdict) {
                            byVerdict.merge(r.report().verdict(), 1, Integer::sum);
                        }
                    } else {
                        errors.incrementAndGet();
                    }
                });
        Multi<BatchEvent> summary = Multi.createFrom().<BatchEvent>item(() -> {
            synchronized (byVerdict) {
                return new BatchEvent.Summary(written.size(), checked.get(), errors.get(), new EnumMap<>(byVerdict),
                        (System.nanoTime() - start) / 1_000_000L);
            }
        });
        return Multi.createBy().concatenating().streams(results, summary)
                .onCancellation().invoke(cancelled::cancel)
                .onTermination().invoke(batches::decrementAndGet);
    }

    private Uni<BatchEvent> one(String target, CheckCommand template, CancelSignal cancelled, SharedServerRuns shared) {
        return Uni.createFrom().deferred(() -> {
            CheckCommand command = new CheckCommand(target, template.port(), template.mailDomain(), template.tests(),
                    template.startTls(), template.transcript(), template.timeout(), template.fresh());
            Future<CheckReport> check;
            try {
                check = service.checkInBatch(command, cancelled, shared);
            } catch (CheckRefusedException e) {
                int status = e.kind() == CheckRefusedException.Kind.FORBIDDEN ? 403 : 400;
                return Uni.createFrom().item(new BatchEvent.Error(target, status, e.getMessage()));
            }
            return Uni.createFrom().completionStage(check.toCompletionStage())
                    .map(r -> (BatchEvent) new BatchEvent.Report(r))
                    .onFailure(CheckRefusedException.class).recoverWithItem(e -> new BatchEvent.Error(target,
                            ((CheckRefusedException) e).kind() == CheckRefusedException.Kind.FORBIDDEN ? 403 : 400,
                            e.getMessage()));
        });
    }
}
