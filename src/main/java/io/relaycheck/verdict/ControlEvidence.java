package io.relaycheck.verdict;

import io.relaycheck.probe.Control;
import io.relaycheck.smtp.SmtpReply;

/**
 * What one control question showed.
 *
 * @param control   which control
 * @param mailFrom  our sender for the control transaction
 * @param rcptTo    the recipient asked about
 * @param mailReply reply to MAIL FROM
 * @param reply     reply to the control's RCPT TO
 * @param outcome   classified like a relay test
 */
public record ControlEvidence(Control control, String mailFrom, String rcptTo, SmtpReply mailReply, SmtpReply reply,
                              Outcome outcome) {
}
