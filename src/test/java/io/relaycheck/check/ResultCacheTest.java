package io.relaycheck.check;

import io.relaycheck.smtp.CancelSignal;
import io.relaycheck.verdict.Reason;
import io.relaycheck.verdict.Verdict;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a batch check leaves in the cache that every client reads. */
class ResultCacheTest {

    static ServerReport server(String sharedFrom) {
        return new ServerReport("mx.hosting.example", "192.0.2.25", 25, 10, Verdict.NOT_OPEN_RELAY,
                Reason.RELAY_DENIED, "Postfix", null, "EHLO", List.of(), null, null, "a.example", false, 1, List.of(),
                List.of(), List.of(), List.of(), sharedFrom);
    }

    static CheckReport report(String target, ServerReport server) {
        return new CheckReport("id-" + target, target, Instant.now(), 200, Verdict.NOT_OPEN_RELAY, Reason.RELAY_DENIED,
                "not an open relay", List.of(server), List.of(), false);
    }

    static ResultCache.Key key(String target) {
        return new ResultCache.Key(target, 25, null, List.of(), true, false);
    }

    final ResultCache cache = new ResultCache(Duration.ofMinutes(5), Duration.ofSeconds(60), 100, Clock.systemUTC());

    @Test
    void aBatchReportOfItsOwnServersIsKeptForEveryone() {
        cache.remember(key("a.example"), Future.succeededFuture(report("a.example", server(null))), CancelSignal.NEVER);
        assertTrue(cache.fresh(key("a.example")).isPresent());
        assertEquals("id-a.example", cache.fresh(key("a.example")).get().id());
    }

    @Test
    void aBatchReportThatNamesAnotherTargetOfTheBatchIsNotKept() {
        cache.remember(key("b.example"), Future.succeededFuture(report("b.example", server("a.example"))),
                CancelSignal.NEVER);
        assertFalse(cache.fresh(key("b.example")).isPresent(), "another client must not read that a.example was checked");
    }

    @Test
    void aCancelledBatchCheckIsNotKept() {
        CancelSignal cancelled = new CancelSignal();
        cancelled.cancel();
        cache.remember(key("c.example"), Future.succeededFuture(report("c.example", server(null))), cancelled);
        assertFalse(cache.fresh(key("c.example")).isPresent());
    }
}
