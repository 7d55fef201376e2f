package io.relaycheck.check;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Timings of the first connection that reached each phase. */
@Schema(description = "Milliseconds per phase, from the first connection that reached it; null when not reached.")
public record Timings(
        @Schema(description = "TCP connect (and TLS handshake on port 465)", example = "41") Long connectMs,
        @Schema(description = "From connect to the complete greeting", example = "43") Long bannerMs,
        @Schema(description = "EHLO round trip (with HELO fallback when needed)", example = "40") Long ehloMs,
        @Schema(description = "The relay tests of one connection: MAIL, RCPT, RSET", example = "84") Long transactionMs) {
}
