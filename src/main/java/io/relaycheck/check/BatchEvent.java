package io.relaycheck.check;

import io.relaycheck.verdict.Verdict;

import java.util.Map;

/** What a batch streams back: a report per target, an error per bad target, then a summary. */
public sealed interface BatchEvent {

    /** One finished check. */
    record Report(CheckReport report) implements BatchEvent {
    }

    /**
     * A target that could not be checked (invalid, forbidden by policy).
     *
     * @param target  as the client wrote it
     * @param status  the HTTP status a single check would have got (400, 403)
     * @param message why
     */
    record Error(String target, int status, String message) implements BatchEvent {
    }

    /**
     * The end of the batch.
     *
     * @param total     unique targets
     * @param checked   reports sent
     * @param errors    errors sent
     * @param byVerdict reports by verdict
     * @param elapsedMs since the batch started
     */
    record Summary(int total, int checked, int errors, Map<Verdict, Integer> byVerdict, long elapsedMs)
            implements BatchEvent {
    }
}
