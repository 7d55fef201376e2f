package io.relaycheck.verdict;

/** Why a verdict was given (DESIGN.md §3). */
public enum Reason {
    /** A relay variant got 2xx and the server refused the random local recipient. */
    RELAY_ACCEPTED,
    /** A relay variant got 2xx, and so did the random local recipient. */
    ACCEPTS_ALL_RECIPIENTS,
    /** A relay variant got 2xx and the control could not be asked. */
    UNVERIFIED,
    /** Every relay variant was refused with 5xx. */
    RELAY_DENIED,
    /** The server demands authentication before accepting mail for others. */
    AUTH_REQUIRED,
    /** No TCP connection could be made. */
    CONNECTION_FAILED,
    /** A timeout or the deadline ended the check before it had an answer. */
    TIMEOUT,
    /** The server greeted with 421/554, refused our EHLO and HELO, or said 421 mid-battery. */
    SERVICE_UNAVAILABLE,
    /** 4xx at RCPT: try later. */
    GREYLISTED,
    /** Our MAIL FROM itself was refused: the probe is blocked. */
    SENDER_REJECTED,
    /** Replies that are not SMTP, or a limit of ours was hit. */
    PROTOCOL_ERROR,
    /** 530 5.7.0 must-issue-STARTTLS, and STARTTLS failed or was not offered. */
    TLS_REQUIRED,
    /** Null MX, or nothing to connect to. */
    NO_MAIL_SERVER,
    /** DNS failed (SERVFAIL, refused, unreachable) while finding the servers. */
    DNS_ERROR
}
