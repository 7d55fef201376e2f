package io.relaycheck.smtp;

import java.nio.charset.StandardCharsets;

/**
 * An SMTP command this client may send, as an immutable value made only by the factory methods
 * below. There is deliberately no way to build DATA, BDAT, AUTH, VRFY, EXPN or any other verb:
 * this service never moves a message and never probes mailbox existence, and the type system is
 * what guarantees it.
 *
 * <p>Every argument passes {@link #checkArgument}: no CR, LF, NUL or other control bytes and
 * nothing outside printable ASCII, so nothing a caller supplies can smuggle a second command into
 * the stream (SMTP command injection) or produce a line a server cannot parse.
 */
public final class SmtpCommand {

    /** The verbs this client knows. */
    public enum Verb {
        EHLO(true), HELO(true), STARTTLS(true), MAIL(false), RCPT(false), RSET(false), NOOP(true), QUIT(true);

        /**
         * RFC 2920 §3.1: EHLO, DATA, VRFY, EXPN, TURN, QUIT and NOOP "can only appear as the last
         * command in a group since their success or failure produces a change of state"; STARTTLS
         * likewise (RFC 3207 §4.2: the client must wait for its reply before the handshake).
         */
        private final boolean mustEndGroup;

        Verb(boolean mustEndGroup) {
            this.mustEndGroup = mustEndGroup;
        }

        public boolean mustEndGroup() {
            return mustEndGroup;
        }
    }

    /** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CRLF. */
    public static final int MAX_LINE = 512;

    private final Verb verb;
    private final String line;

    private SmtpCommand(Verb verb, String line) {
        if (line.length() + 2 > MAX_LINE) {
            throw new IllegalArgumentException("command longer than " + MAX_LINE + " octets: " + verb);
        }
        this.verb = verb;
        this.line = line;
    }

    public static SmtpCommand ehlo(String domain) {
        return new SmtpCommand(Verb.EHLO, "EHLO " + checkArgument("EHLO domain", domain));
    }

    public static SmtpCommand helo(String domain) {
        return new SmtpCommand(Verb.HELO, "HELO " + checkArgument("HELO domain", domain));
    }

    public static SmtpCommand startTls() {
        return new SmtpCommand(Verb.STARTTLS, "STARTTLS");
    }

    /**
     * {@code MAIL FROM:} followed by the reverse path exactly as given; the caller includes the
     * angle brackets, because some relay tests deliberately send a path without them.
     */
    public static SmtpCommand mailFrom(String reversePath) {
        return new SmtpCommand(Verb.MAIL, "MAIL FROM:" + checkArgument("reverse path", reversePath));
    }

    /** {@code RCPT TO:} followed by the forward path exactly as given (brackets included or not). */
    public static SmtpCommand rcptTo(String forwardPath) {
        return new SmtpCommand(Verb.RCPT, "RCPT TO:" + checkArgument("forward path", forwardPath));
    }

    public static SmtpCommand rset() {
        return new SmtpCommand(Verb.RSET, "RSET");
    }

    public static SmtpCommand noop() {
        return new SmtpCommand(Verb.NOOP, "NOOP");
    }

    public static SmtpCommand quit() {
        return new SmtpCommand(Verb.QUIT, "QUIT");
    }

    /**
     * Refuses anything but printable ASCII (0x21–0x7E plus the space): CR and LF would end the
     * command early and start another; other control bytes and 8-bit data are not allowed in
     * commands without extensions this client does not use (RFC 5321 §2.4, RFC 6531).
     */
    public static String checkArgument(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException(what + " contains a forbidden character (code " + (int) c
                        + ") at position " + i);
            }
        }
        return value;
    }

    public Verb verb() {
        return verb;
    }

    /** The command without its CRLF, as shown in the transcript. */
    public String line() {
        return line;
    }

    /** The bytes on the wire, CRLF included. */
    public byte[] wireBytes() {
        return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmtpCommand c && c.verb == verb && c.line.equals(line);
    }

    @Override
    public int hashCode() {
        return line.hashCode();
    }

    @Override
    public String toString() {
        return line;
    }
}
