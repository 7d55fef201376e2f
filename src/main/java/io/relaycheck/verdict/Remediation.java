package io.relaycheck.verdict;

import java.util.Collection;

/** What to change, in each MTA's own terms. Texts only; no logic beyond picking one. */
final class Remediation {

    private Remediation() {
    }

    static String closeRelay(Mta mta, Collection<String> acceptedIds) {
        String base = switch (mta) {
            case POSTFIX -> "Postfix: in main.cf set `smtpd_relay_restrictions = permit_mynetworks, "
                    + "permit_sasl_authenticated, reject_unauth_destination`, keep `mynetworks` to the hosts you "
                    + "administer (for example `mynetworks_style = host`), and remove any `permit`, "
                    + "`check_client_access static:OK` or broad `permit_*` rule that comes before "
                    + "`reject_unauth_destination` in smtpd_relay_restrictions or smtpd_recipient_restrictions; "
                    + "then `postfix reload`. `postconf smtpd_relay_restrictions smtpd_recipient_restrictions "
                    + "mynetworks` shows what is in force.";
            case EXIM -> "Exim: restrict `hostlist relay_from_hosts` to your own hosts (for example "
                    + "`<; 127.0.0.1 ; ::1`), and make sure the RCPT ACL (acl_check_rcpt) accepts only "
                    + "`domains = +local_domains : +relay_to_domains` or `hosts = +relay_from_hosts` or "
                    + "`authenticated = *`, and ends with `deny message = relay not permitted`.";
            case MICROSOFT_EXCHANGE -> "Microsoft Exchange: on the Internet-facing receive connector, remove "
                    + "the `Ms-Exch-SMTP-Accept-Any-Recipient` permission from `NT AUTHORITY\\ANONYMOUS LOGON` "
                    + "(`Get-ReceiveConnector \"<name>\" | Get-ADPermission -User \"NT AUTHORITY\\ANONYMOUS LOGON\"` "
                    + "shows it; `Remove-ADPermission` removes it), and allow relay only on a dedicated "
                    + "connector whose `RemoteIPRanges` lists your application servers.";
            case SENDMAIL -> "Sendmail: remove `FEATURE(`promiscuous_relay')`, `FEATURE(`relay_local_from')` and "
                    + "`FEATURE(`loose_relay_check')` from the .mc file, narrow `Connect:`/`To:` RELAY entries in "
                    + "/etc/mail/access and the domains in /etc/mail/relay-domains, then rebuild sendmail.cf and "
                    + "the access map and restart.";
            case OPENSMTPD -> "OpenSMTPD: in smtpd.conf, let only `match from local` or `match auth` rules reach "
                    + "a relaying action (for example `match from local for any action \"outbound\"`); never "
                    + "`match from any for any`. Then `smtpctl reload` or restart.";
            case UNKNOWN -> "Allow relaying (mail for domains this server is not responsible for) only to "
                    + "authenticated users (SMTP AUTH on port 587) and to the addresses of your own systems; "
                    + "refuse every other foreign recipient at RCPT TO with 554 5.7.1.";
        };
        // The address-syntax hints matter only when the plain foreign recipient was refused: then
        // the hole is the trick itself, not a relay that accepts everything.
        if (mta == Mta.POSTFIX && !acceptedIds.contains("external-sender")) {
            StringBuilder extra = new StringBuilder();
            if (acceptedIds.stream().anyMatch(id -> id.startsWith("percent-hack") || id.equals("quoted-percent"))) {
                extra.append(" The percent hack was honoured: set `allow_percent_hack = no`.");
            }
            if (acceptedIds.stream().anyMatch(id -> id.startsWith("bang-path") || id.equals("bang-sender"))) {
                extra.append(" A bang path was honoured: set `swap_bangpath = no`.");
            }
            if (acceptedIds.stream().anyMatch(id -> id.startsWith("source-route"))) {
                extra.append(" A source route was honoured: keep `allow_untrusted_routing = no`.");
            }
            return base + extra;
        }
        return base;
    }

    static String validateRecipients(Mta mta) {
        return switch (mta) {
            case POSTFIX -> "Postfix: keep `local_recipient_maps` (and `relay_recipient_maps` / "
                    + "`virtual_mailbox_maps` for other domains) populated so unknown users get 550 5.1.1 at RCPT "
                    + "time; `smtpd_reject_unlisted_recipient = yes` is the default.";
            case EXIM -> "Exim: add `require verify = recipient` to the RCPT ACL so unknown users are refused at "
                    + "RCPT time.";
            case MICROSOFT_EXCHANGE -> "Microsoft Exchange: enable recipient filtering "
                    + "(`Set-RecipientFilterConfig -RecipientValidationEnabled $true`) on the edge or the "
                    + "Internet-facing transport.";
            case SENDMAIL -> "Sendmail: make sure unknown local users get 550 5.1.1 at RCPT (no catch-all "
                    + "virtusertable entry such as `@domain user`).";
            case OPENSMTPD -> "OpenSMTPD: use a recipient table (`match for domain ... rcpt-to <users>`) so unknown "
                    + "users are refused at RCPT.";
            case UNKNOWN -> "Refuse unknown recipients at RCPT TO with 550 5.1.1 instead of accepting and "
                    + "discarding (or bouncing) them later.";
        };
    }

    static String postmaster(Mta mta) {
        return switch (mta) {
            case POSTFIX -> "Postfix: add `postmaster` to /etc/aliases (then `newaliases`) and make sure "
                    + "check_recipient_access does not reject it.";
            case EXIM -> "Exim: add a `postmaster` alias and accept `local_parts = postmaster` early in the RCPT ACL.";
            default -> "Accept mail to postmaster@ every domain you receive mail for (RFC 5321 §4.5.1).";
        };
    }
}
