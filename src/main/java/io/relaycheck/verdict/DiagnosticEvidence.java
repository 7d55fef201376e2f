package io.relaycheck.verdict;

import java.time.Instant;
import java.util.Objects;

/**
 * What the per-server diagnostics need beyond the dialogue itself (see {@link Diagnostics}).
 *
 * @param reverseDns           the address's PTR names and their forward confirmation
 * @param connectMs            TCP connect time of the first connection that connected (with the TLS
 *                             handshake on port 465); null when none connected
 * @param slowestTransactionMs the longest any one connection took from its complete greeting to the
 *                             last reply of its relay tests (EHLO, STARTTLS, MAIL, RCPT, RSET); null
 *                             when no connection got that far
 * @param slowestSession       which connection that was, numbered as in the transcript; null with it
 * @param observedAt           when the evidence was collected: certificate expiry is measured from
 *                             here, so the judgement needs no clock; null when unknown
 */
public record DiagnosticEvidence(ReverseDns reverseDns, Long connectMs, Long slowestTransactionMs,
                                 Integer slowestSession, Instant observedAt) {

    /** Nothing collected: the diagnostics report nothing. */
    public static final DiagnosticEvidence NONE = new DiagnosticEvidence(ReverseDns.NOT_ASKED, null, null, null, null);

    public DiagnosticEvidence {
        Objects.requireNonNull(reverseDns, "reverseDns");
    }

    public DiagnosticEvidence withReverseDns(ReverseDns r) {
        return new DiagnosticEvidence(r, connectMs, slowestTransactionMs, slowestSession, observedAt);
    }
}
