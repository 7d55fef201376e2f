package io.relaycheck.check;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One transcript line. */
@Schema(description = "One line of an SMTP connection. Direction C (client: us), S (server) or NOTE (our note about the "
        + "connection: connect, TLS, timeouts). Control bytes are escaped as \\xHH.")
public record TranscriptLine(
        @Schema(description = "Milliseconds since the check started", example = "87") long atMs,
        @Schema(description = "Which connection to this server (1, 2, …)", example = "1") int session,
        @Schema(description = "C, S or NOTE", example = "S") String direction,
        @Schema(description = "The line without CRLF", example = "250-mx.example.org") String line) {
}
