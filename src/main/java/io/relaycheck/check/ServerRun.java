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
 */
public record ServerRun(ServerTarget target, ServerEvidence evidence, List<SmtpSession.SessionResult> sessions) {
}
