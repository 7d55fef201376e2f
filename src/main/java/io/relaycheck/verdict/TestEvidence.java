package io.relaycheck.verdict;

import io.relaycheck.probe.RelayVariant;
import io.relaycheck.smtp.SmtpReply;

/**
 * What one relay test showed.
 *
 * @param id        the variant id
 * @param scope     whether the recipient names the foreign domain or routes through a local one
 * @param mailFrom  the reverse path we sent (null when not run)
 * @param rcptTo    the forward path we sent (null when not run)
 * @param mailReply the reply to MAIL FROM, or null
 * @param rcptReply the reply to RCPT TO, or null
 * @param outcome   {@link Outcome#of} the two replies, or NOT_RUN
 * @param note      why it did not run, when it did not
 */
public record TestEvidence(String id, RelayVariant.Scope scope, String mailFrom, String rcptTo, SmtpReply mailReply, SmtpReply rcptReply,
                           Outcome outcome, String note) {

    public static TestEvidence ran(String id, RelayVariant.Scope scope, String mailFrom, String rcptTo, SmtpReply mail,
                                   SmtpReply rcpt) {
        Outcome outcome = Outcome.of(mail, rcpt);
        return new TestEvidence(id, scope, mailFrom, rcptTo, mail, rcpt, outcome,
                outcome == Outcome.ERROR && rcpt == null ? "no reply to RCPT TO" : null);
    }

    public static TestEvidence notRun(String id, RelayVariant.Scope scope, String mailFrom, String rcptTo, String why) {
        return new TestEvidence(id, scope, mailFrom, rcptTo, null, null, Outcome.NOT_RUN, why);
    }

    /** The reply that decided the outcome: RCPT's, or MAIL's when the sender was refused. */
    public SmtpReply decisiveReply() {
        return rcptReply != null && mailReply != null && mailReply.isPositive() ? rcptReply : mailReply;
    }
}
