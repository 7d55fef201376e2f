package io.relaycheck.smtp;

import java.time.Duration;

/**
 * The limits one connection lives under. Every byte from a target is hostile: these bound the
 * time and memory any server can make us spend.
 *
 * @param connectTimeout       TCP connect
 * @param commandTimeout       longest wait for the next reply (RFC 5321 §4.5.3.2 suggests minutes;
 *                             we are a test, not a mail client, so we wait less)
 * @param sessionDeadline      absolute limit for a whole connection, however the server paces it
 * @param maxLineBytes         longest reply line, CRLF included
 * @param maxReplyBytes        largest reply, all lines included
 * @param maxBytesPerConnection bytes read from one connection before we hang up
 * @param maxTranscriptLines   transcript lines kept per connection
 */
public record SmtpLimits(Duration connectTimeout, Duration commandTimeout, Duration sessionDeadline,
                         int maxLineBytes, int maxReplyBytes, long maxBytesPerConnection,
                         int maxTranscriptLines) {

    /** The defaults of DESIGN.md §6. */
    public static SmtpLimits defaults() {
        return new SmtpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
                2048, 64 * 1024, 256 * 1024, 1000);
    }
}
