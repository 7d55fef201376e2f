package io.relaycheck.verdict;

import io.relaycheck.smtp.SmtpReply;

/** How one relay test or control ended. */
public enum Outcome {
    /** 2xx at RCPT. */
    ACCEPTED,
    /** 5xx at RCPT. */
    REJECTED,
    /** 4xx at RCPT (or at MAIL): the server asks us to come back later. */
    DEFERRED,
    /** MAIL FROM was refused, so the recipient was never judged. */
    SENDER_REJECTED,
    /** Never sent: the connection ended (timeout, 421, drop) before this test's turn. */
    NOT_RUN,
    /** Sent, but no usable answer came (connection lost mid-transaction, a nonsense reply code). */
    ERROR;

    /**
     * Classifies a transaction by its replies. A pipelined RCPT after a refused MAIL gets 503,
     * which says nothing about the recipient: the outcome is the sender's refusal.
     */
    public static Outcome of(SmtpReply mail, SmtpReply rcpt) {
        if (mail == null) {
            return NOT_RUN;
        }
        if (mail.code() == 421) {
            return NOT_RUN;
        }
        if (mail.isTransientFailure()) {
            return DEFERRED;
        }
        if (!mail.isPositive()) {
            return mail.isPermanentFailure() ? SENDER_REJECTED : ERROR;
        }
        if (rcpt == null) {
            return ERROR;
        }
        if (rcpt.isPositive()) {
            return ACCEPTED;
        }
        if (rcpt.code() == 421) {
            return NOT_RUN;
        }
        if (rcpt.isTransientFailure()) {
            return DEFERRED;
        }
        if (rcpt.isPermanentFailure()) {
            return REJECTED;
        }
        return ERROR; // 3xx to RCPT is not a valid answer (RFC 5321 §4.3.2)
    }
}
