package io.relaycheck.check;

import io.relaycheck.verdict.Outcome;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One control question as reported. */
@Schema(description = "A control question asked in the same sessions: postmaster@MD (must be accepted, RFC 5321 §4.5.1) "
        + "and a random unknown local recipient at MD (refused → the server validates recipients).")
public record ControlReport(
        @Schema(description = "postmaster or random-local", example = "random-local") String id,
        @Schema(description = "The MAIL FROM path sent", example = "<relay-probe@relay-check.example.net>") String mailFrom,
        @Schema(description = "The RCPT TO path sent", example = "<k3v9q0x1m2b7c8d4@example.org>") String rcptTo,
        @Schema(nullable = true) Reply reply,
        Outcome outcome) {
}
