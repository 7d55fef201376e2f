package io.relaycheck.check;

import io.relaycheck.smtp.SmtpCommand;

/**
 * Who the probe says it is, from configuration.
 *
 * @param heloName        EHLO/HELO name
 * @param senderLocal     F
 * @param senderDomain    PD
 * @param recipientLocal  T
 * @param recipientDomain D
 */
public record ProbeIdentity(String heloName, String senderLocal, String senderDomain, String recipientLocal,
                            String recipientDomain) {

    public ProbeIdentity {
        SmtpCommand.checkArgument("relay-check.probe.helo-name", heloName);
        SmtpCommand.checkArgument("relay-check.probe.sender", senderLocal);
        SmtpCommand.checkArgument("relay-check.probe.sender", senderDomain);
        SmtpCommand.checkArgument("relay-check.probe.recipient-local-part", recipientLocal);
        SmtpCommand.checkArgument("relay-check.probe.recipient-domain", recipientDomain);
    }

    /** Splits {@code local@domain}. */
    public static ProbeIdentity of(String heloName, String sender, String recipientLocal, String recipientDomain) {
        int at = sender.lastIndexOf('@');
        if (at <= 0 || at == sender.length() - 1) {
            throw new IllegalArgumentException("relay-check.probe.sender must be local@domain: " + sender);
        }
        return new ProbeIdentity(heloName, sender.substring(0, at), sender.substring(at + 1), recipientLocal,
                recipientDomain);
    }
}
