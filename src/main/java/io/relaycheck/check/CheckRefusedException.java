package io.relaycheck.check;

/**
 * A check that is refused before any server is contacted: bad input, a target the policy forbids,
 * or no capacity. The REST layer turns it into problem+json.
 */
public final class CheckRefusedException extends RuntimeException {

    /** Why it was refused. */
    public enum Kind {
        /** The request is malformed (HTTP 400). */
        INVALID,
        /** The target or port is forbidden by policy (HTTP 403). */
        FORBIDDEN,
        /** The service is saturated (HTTP 503, with Retry-After). */
        OVERLOADED,
        /** Too many requests from this client, or a fresh check of a target asked too soon (HTTP 429). */
        RATE_LIMITED
    }

    private final Kind kind;
    private final String field;
    private final long retryAfterSeconds;

    public CheckRefusedException(Kind kind, String field, String message) {
        this(kind, field, message, 0);
    }

    public CheckRefusedException(Kind kind, String field, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds after which a retry may succeed, for 429 and 503. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static CheckRefusedException invalid(String field, String message) {
        return new CheckRefusedException(Kind.INVALID, field, message);
    }

    public static CheckRefusedException forbidden(String field, String message) {
        return new CheckRefusedException(Kind.FORBIDDEN, field, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The request field to blame, e.g. {@code target}. */
    public String field() {
        return field;
    }
}
