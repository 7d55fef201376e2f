package io.relaycheck.check;

import io.relaycheck.verdict.Outcome;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One relay test as reported. */
@Schema(description = "One relay trick from the battery and how the server answered it.")
public record RelayTestReport(
        @Schema(description = "Stable variant id", example = "percent-hack-host") String id,
        @Schema(description = "Where the trick comes from", example = "nmap 6") String origin,
        @Schema(description = "The MAIL FROM path sent", example = "<relay-probe@[192.0.2.25]>", nullable = true) String mailFrom,
        @Schema(description = "The RCPT TO path sent", example = "<relay-test%example.com@mx.example.org>", nullable = true) String rcptTo,
        @Schema(description = "The reply that decided the outcome: RCPT's, or MAIL's when the sender was refused", nullable = true)
        Reply reply,
        @Schema(description = "ACCEPTED (2xx at RCPT), REJECTED (5xx), DEFERRED (4xx), SENDER_REJECTED (MAIL FROM refused), "
                + "NOT_RUN, ERROR") Outcome outcome,
        @Schema(description = "Why the test did not run or has no answer", nullable = true) String note) {
}
