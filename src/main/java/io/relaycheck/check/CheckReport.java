package io.relaycheck.check;

import io.relaycheck.verdict.Finding;
import io.relaycheck.verdict.Reason;
import io.relaycheck.verdict.Verdict;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** The answer to one relay check. */
@Schema(description = "The verdict on a target with its evidence.")
public record CheckReport(
        @Schema(description = "Unique id of this check", example = "6f1c2a9e-8d51-4d8e-9b8e-2f0a3c4b5d6e") String id,
        @Schema(description = "The target as checked (IDN in ASCII form)", example = "mx.example.org") String target,
        @Schema(description = "When the check started") Instant checkedAt,
        @Schema(description = "How long the check took", example = "412") long durationMs,
        @Schema(description = "The most severe verdict over all servers") Verdict verdict,
        Reason reason,
        @Schema(description = "One sentence for a person",
                example = "mx.example.org [192.0.2.25]:25 is not an open relay: all 26 relay tests were refused.")
        String summary,
        @Schema(description = "One entry per (host, address)") List<ServerReport> servers,
        @Schema(description = "Findings about the target as a whole (DNS, policy)") List<Finding> findings,
        @Schema(description = "True when this report was served from the cache of recent checks; checkedAt says "
                + "when it was made. Ask with fresh=true for a new check.") boolean cached) {

    /** The same report, marked as served from the cache. */
    public CheckReport asCached() {
        return new CheckReport(id, target, checkedAt, durationMs, verdict, reason, summary, servers, findings, true);
    }
}
