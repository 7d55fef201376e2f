package io.relaycheck.smtp;

/**
 * Why a dialogue ended before it was done. Once a connection fails it stays failed: a fatal
 * protocol error is never "recovered" by reading on (the stream is no longer in a known state).
 */
public final class SmtpFailure extends RuntimeException {

    /** The closed set of ways a dialogue can fail. */
    public enum Kind {
        /** TCP connect refused, unreachable or timed out. */
        CONNECT_FAILED,
        /** No complete reply within the per-command timeout. */
        COMMAND_TIMEOUT,
        /** The absolute session (or check) deadline passed. */
        DEADLINE,
        /** The server closed the connection while we waited for a reply. */
        CONNECTION_CLOSED,
        /** A reply that is not SMTP (RFC 5321 §4.2), or replies we did not ask for. */
        PROTOCOL_ERROR,
        /** A reply line longer than the configured limit. */
        LINE_TOO_LONG,
        /** A multi-line reply larger than the configured limit. */
        REPLY_TOO_LARGE,
        /** More bytes on this connection than the configured budget. */
        READ_BUDGET_EXCEEDED,
        /** The TLS handshake (STARTTLS or implicit) failed. */
        TLS_FAILED,
        /** Anything else the socket reported. */
        IO_ERROR,
        /** We ended it: the client that asked for the check went away. */
        CANCELLED
    }

    private final Kind kind;

    public SmtpFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public SmtpFailure(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** A limit of ours, rather than the server's behaviour as such, ended the dialogue. */
    public boolean isLimit() {
        return kind == Kind.LINE_TOO_LONG || kind == Kind.REPLY_TOO_LARGE || kind == Kind.READ_BUDGET_EXCEEDED;
    }
}
