package io.relaycheck.check;

import io.relaycheck.smtp.SmtpSession;
import io.relaycheck.verdict.ServerEvidence;

import java.util.List;

/**
 * What checking one server produced: the graded evidence and the raw sessions behind it.
 *
 * @param target   the server
 * @param evidence input of the verdict
 * @param sessions every connection, in the order they were opened
 * @param sharedFrom the batch target whose check ran these dialogues, when another check of the same batch
 *                   found the same server first; null when this check ran them
 */
public record ServerRun(ServerTarget target, ServerEvidence evidence, List<SmtpSession.SessionResult> sessions,
                        String sharedFrom) {

    public ServerRun(ServerTarget target, ServerEvidence evidence, List<SmtpSession.SessionResult> sessions) {
        this(target, evidence, sessions, null);
    }

    /** This run as another target's check sees it: its own MX preference, and where the evidence came from. */
    ServerRun sharedWith(ServerTarget other, String ranFor) {
        return new ServerRun(other, evidence, sessions, ranFor);
    }
}
