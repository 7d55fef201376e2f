package io.relaycheck.check;

import io.relaycheck.smtp.SmtpReply;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A server's reply as shown in a report. */
@Schema(description = "An SMTP reply: code, RFC 3463 enhanced status code, and text (control bytes escaped).")
public record Reply(
        @Schema(description = "Three-digit reply code", example = "554") int code,
        @Schema(description = "Enhanced status code when the server sent one", example = "5.7.1", nullable = true)
        String enhancedCode,
        @Schema(description = "The reply text, lines joined by a space", example = "<relay-test@example.com>: Relay access denied")
        String text) {

    public static Reply of(SmtpReply r) {
        if (r == null) {
            return null;
        }
        String text = r.text();
        if (r.enhancedCode() != null && text.startsWith(r.enhancedCode())) {
            text = text.substring(r.enhancedCode().length()).strip();
        }
        return new Reply(r.code(), r.enhancedCode(), text);
    }
}
