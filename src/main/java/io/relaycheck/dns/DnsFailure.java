package io.relaycheck.dns;

/**
 * A lookup that produced no usable answer: the name may or may not exist, we could not find out.
 * Definite negative answers (NXDOMAIN, NODATA) are results, not failures.
 */
public final class DnsFailure extends RuntimeException {

    /** The closed set of ways a lookup can fail. */
    public enum Kind {
        /** No server answered within the per-query timeout, on any attempt. */
        TIMEOUT,
        /** SERVFAIL (RFC 1035 §4.1.1 RCODE 2): the server could not get an answer, e.g. a broken or lame delegation or a DNSSEC failure. */
        SERVER_FAILURE,
        /** REFUSED (RCODE 5): the server will not answer us (policy, not a recursive resolver). */
        REFUSED,
        /** FORMERR, NOTIMP or another unexpected RCODE, or an answer we could not decode. */
        BAD_RESPONSE,
        /** The answer was truncated (TC bit) and the TCP retry (RFC 7766) was not possible. */
        TRUNCATED,
        /** Sending the query or the TCP fallback connection failed. */
        NETWORK,
        /** The name is not a syntactically valid host or domain name (RFC 1035 §2.3.4 limits). */
        INVALID_NAME,
        /** The resolver was closed before the lookup finished. */
        CLOSED
    }

    private final Kind kind;
    private final String name;
    private final String type;

    public DnsFailure(Kind kind, String name, String type, String message) {
        this(kind, name, type, message, null);
    }

    public DnsFailure(Kind kind, String name, String type, String message, Throwable cause) {
        // No stack trace: these are expected outcomes created on the DNS event loop, where a trace says nothing.
        super(message, cause, false, false);
        this.kind = kind;
        this.name = name;
        this.type = type;
    }

    public Kind kind() {
        return kind;
    }

    /** The name that was asked about (normalised), or the raw input for {@link Kind#INVALID_NAME}. */
    public String name() {
        return name;
    }

    /** The record type asked for: {@code A}, {@code AAAA}, {@code MX} or {@code PTR}. */
    public String type() {
        return type;
    }
}
