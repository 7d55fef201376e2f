package io.relaycheck.check;

import io.relaycheck.smtp.SmtpSession;

/**
 * What the check layer tells the outside about its work (metrics, logs). Called from event
 * loops: implementations must be cheap and must not block. The default does nothing, so the
 * orchestration stays testable without any metrics library.
 */
public interface CheckObserver {

    CheckObserver NONE = new CheckObserver() {
    };

    /** An SMTP connection is about to be opened. */
    default void dialogueStarted() {
    }

    /** An SMTP connection has ended, however it ended. */
    default void dialogueEnded(SmtpSession.SessionResult result) {
    }

    /** A check finished (not served from the cache). */
    default void checkFinished(CheckReport report, long durationNanos) {
    }

    /** A report was served from the cache. */
    default void cacheHit() {
    }

    /** A request was refused before any server was contacted. */
    default void refused(CheckRefusedException.Kind kind) {
    }
}
