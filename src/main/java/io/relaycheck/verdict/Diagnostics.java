package io.relaycheck.verdict;

import io.relaycheck.smtp.SmtpReply;
import io.relaycheck.smtp.TlsDetails;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The per-server diagnostics beyond the relay question: connect and transaction times, the
 * greeting's host name, reverse DNS and its forward confirmation, and the TLS certificate's
 * expiry and protocol version. A pure function of the evidence and the thresholds, like
 * {@link Grader}: no I/O, no clock (expiry is measured from {@link DiagnosticEvidence#observedAt()}).
 * It only adds findings; the verdict never depends on it.
 *
 * <p>Finding ids (stable): {@code connect-time}, {@code banner-hostname}, {@code ptr}, {@code fcrdns},
 * {@code banner-matches-ptr}, {@code tls-certificate-expiry}, {@code tls-protocol},
 * {@code transaction-time}. A diagnostic without the data it needs reports nothing.
 */
public final class Diagnostics {

    /**
     * Where the timed diagnostics turn to WARN and FAIL (strictly above the threshold), and how
     * close a certificate's expiry must be to warn.
     */
    public record Thresholds(Duration connectWarn, Duration connectFail, Duration transactionWarn,
                             Duration transactionFail, int certificateExpiryWarnDays) {

        /** The configuration's defaults (RelayCheckConfig.Diagnostics). */
        public static final Thresholds DEFAULTS = new Thresholds(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(20), 14);
    }

    /** SSL 3.0 (RFC 7568) and TLS 1.0/1.1 (RFC 8996) are deprecated; SSL 2 never was safe. */
    private static final Set<String> WEAK_PROTOCOLS = Set.of("SSLv2", "SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1");

    /** Handshake errors that mean "no protocol version in common" rather than a certificate or I/O problem. */
    private static final Pattern PROTOCOL_MISMATCH = Pattern.compile(
            "protocol_version|no appropriate protocol|unsupported protocol|protocol is disabled",
            Pattern.CASE_INSENSITIVE);

    /** One DNS label (RFC 1035 §2.3.1, RFC 1123 §2.1: may start with a digit). */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private static final long DAY_SECONDS = 86_400;

    private Diagnostics() {
    }

    /** Every diagnostic finding for one server, in a fixed order. */
    public static List<Finding> findings(ServerEvidence e, Thresholds t) {
        List<Finding> f = new ArrayList<>();
        connectTime(e, t, f);
        bannerHostname(e, f);
        reverseDns(e, f);
        certificateExpiry(e, t, f);
        tlsProtocol(e, f);
        transactionTime(e, t, f);
        return f;
    }

    // ---------------------------------------------------------------- times

    private static void connectTime(ServerEvidence e, Thresholds t, List<Finding> f) {
        Long ms = e.diagnostics().connectMs();
        if (!e.connected() || ms == null) {
            return; // "connect" says why there is no connection
        }
        Status status = timed(ms, t.connectWarn(), t.connectFail());
        String detail = "TCP connect to " + where(e) + " took " + ms + " ms" + (e.port() == 465
                ? ", TLS handshake included (port 465)" : "") + "; warning above " + t.connectWarn().toMillis()
                + " ms, failure above " + t.connectFail().toMillis() + " ms.";
        f.add(new Finding("connect-time", status, switch (status) {
            case FAIL -> "Very slow connect: " + human(ms);
            case WARN -> "Slow connect: " + human(ms);
            default -> "Connect time " + human(ms);
        }, detail, "Sending servers give up on connections that take too long, and a slow connect usually means "
                + "an overloaded server, a congested path, or something in front of the server that delays new "
                + "connections.", status == Status.PASS ? null
                : "Check the server's load and the network path to it (packet loss, firewall or rate limits in "
                + "front of port " + e.port() + ")."));
    }

    private static void transactionTime(ServerEvidence e, Thresholds t, List<Finding> f) {
        DiagnosticEvidence d = e.diagnostics();
        Long ms = d.slowestTransactionMs();
        if (ms == null) {
            return;
        }
        Status status = timed(ms, t.transactionWarn(), t.transactionFail());
        String detail = "The slowest connection to " + where(e) + (d.slowestSession() == null ? ""
                : " (connection " + d.slowestSession() + ")") + " took " + ms + " ms from the end of the greeting "
                + "to the last reply of its relay tests (EHLO, STARTTLS, MAIL, RCPT, RSET); warning above "
                + t.transactionWarn().toMillis() + " ms, failure above " + t.transactionFail().toMillis() + " ms.";
        f.add(new Finding("transaction-time", status, switch (status) {
            case FAIL -> "Very slow replies: " + human(ms) + " for one connection's transactions";
            case WARN -> "Slow replies: " + human(ms) + " for one connection's transactions";
            default -> "Transactions took " + human(ms);
        }, detail, "Slow replies mean an overloaded server, slow DNS or policy lookups at RCPT time, or deliberate "
                + "tarpitting; senders time out and retry later, and mail is delayed.", status == Status.PASS ? null
                : "Look for slow lookups at RCPT time (DNS blocklists, reverse DNS, policy services) and for "
                + "tarpitting settings (Postfix smtpd_error_sleep_time, Exchange's receive connector tarpit)."));
    }

    static Status timed(long ms, Duration warn, Duration fail) {
        if (ms > fail.toMillis()) {
            return Status.FAIL;
        }
        return ms > warn.toMillis() ? Status.WARN : Status.PASS;
    }

    // ---------------------------------------------------------------- the greeting's name

    private static void bannerHostname(ServerEvidence e, List<Finding> f) {
        String word = greetingName(e);
        if (word == null) {
            return; // no 220 greeting, or one without a name: "banner" says so
        }
        String explanation = "RFC 5321 §4.3.1 and §4.2: the greeting starts with the server's own fully qualified "
                + "domain name. People and spam filters read it to identify the server and compare it with its "
                + "reverse DNS.";
        if (isFqdn(word)) {
            f.add(new Finding("banner-hostname", Status.PASS, "The greeting names " + normalize(word),
                    where(e) + " greets with: " + e.greeting(), explanation, null));
        } else if (word.startsWith("[")) {
            f.add(new Finding("banner-hostname", Status.WARN, "The greeting gives an address literal, not a host name",
                    where(e) + " greets with: " + e.greeting(), explanation + " An address literal is allowed by the "
                    + "grammar but names nothing that can be checked.", greetingRemedy(e)));
        } else {
            f.add(new Finding("banner-hostname", Status.WARN,
                    "The greeting's host name is not a fully qualified domain name",
                    where(e) + " greets with: " + e.greeting() + " (" + quoted(word) + " is not a fully qualified "
                            + "domain name)", explanation, greetingRemedy(e)));
        }
    }

    /**
     * A syntactically valid fully qualified host name: two or more LDH labels, at most 253
     * characters, a top-level label that is not all digits (that would be an IPv4 address), and
     * not a localhost name (RFC 6761 §6.3). One trailing dot is allowed.
     */
    static boolean isFqdn(String word) {
        if (word == null) {
            return false;
        }
        String name = word.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        String top = labels[labels.length - 1];
        return !top.chars().allMatch(Character::isDigit) && !top.equals("localhost") && !top.equals("localdomain");
    }

    /** The greeting's first word when the greeting is a 220 with one; else null. */
    private static String greetingName(ServerEvidence e) {
        SmtpReply g = e.greeting();
        if (g == null || g.code() != 220) {
            return null;
        }
        String word = g.firstWord();
        return word.isEmpty() ? null : word;
    }

    // ---------------------------------------------------------------- reverse DNS

    private static void reverseDns(ServerEvidence e, List<Finding> f) {
        ReverseDns r = e.diagnostics().reverseDns();
        String address = e.address();
        switch (r.status()) {
            case NOT_ASKED -> {
                return;
            }
            case FAILED -> {
                f.add(new Finding("ptr", Status.INFO, "Reverse DNS could not be checked",
                        "PTR lookup for " + address + ": " + r.error(),
                        "Without an answer, neither the PTR record nor its forward confirmation can be judged; the "
                                + "relay verdict does not depend on them.", "Run the check again later."));
                return;
            }
            case NONE -> {
                f.add(new Finding("ptr", Status.WARN, "No reverse DNS for " + address,
                        "The PTR lookup for " + address + " (" + where(e) + ") found no PTR record.",
                        "Many receivers refuse or penalise mail from an address without reverse DNS (Gmail's "
                                + "sender guidelines require it; Postfix has reject_unknown_reverse_client_hostname). "
                                + "A mail server that also sends needs one.",
                        "Ask whoever controls the address block (your hosting provider or ISP) to publish a PTR "
                                + "record for " + address + " naming the server" + suggestedName(e) + "."));
                return;
            }
            case FOUND -> {
                // below
            }
        }
        String names = String.join(", ", r.names());
        f.add(new Finding("ptr", Status.PASS, "Reverse DNS: " + address + " → " + names,
                "The PTR lookup for " + address + " (" + where(e) + ") names " + names + ".",
                "Receivers look up the sending address's name; one exists.", null));

        List<String> confirming = r.confirming(address);
        String forward = r.forward().stream().map(Diagnostics::describe).collect(Collectors.joining("; "));
        if (!confirming.isEmpty()) {
            f.add(new Finding("fcrdns", Status.PASS, "Forward-confirmed reverse DNS",
                    address + " → " + String.join(", ", confirming) + " → " + address + ". Forward lookups: "
                            + forward + ".",
                    "The PTR name resolves back to the address, so the name is not merely claimed: receivers that "
                            + "check (Postfix reject_unknown_client_hostname) accept it.", null));
        } else if (r.forward().stream().allMatch(ReverseDns.Forward::answered)) {
            f.add(new Finding("fcrdns", Status.WARN, "Reverse DNS is not forward-confirmed",
                    "PTR of " + address + ": " + names + "; none resolves back to " + address + ". Forward lookups: "
                            + (forward.isEmpty() ? "none made" : forward) + ".",
                    "Anyone who controls an address can publish a PTR naming any host; only a forward record that "
                            + "points back proves it. Receivers that check (Postfix reject_unknown_client_hostname) "
                            + "treat the address as having no name.",
                    "Publish an A/AAAA record for " + r.names().get(0) + " that points at " + address
                            + ", or change the PTR to a name that does."));
        } else {
            f.add(new Finding("fcrdns", Status.INFO, "Forward confirmation could not be checked",
                    "PTR of " + address + ": " + names + ". Forward lookups: " + forward + ".",
                    "A forward lookup failed, so whether a PTR name resolves back to the address is unknown.",
                    "Run the check again later."));
        }

        String banner = greetingName(e);
        if (banner == null) {
            return;
        }
        String bannerName = normalize(banner);
        if (r.names().contains(bannerName)) {
            f.add(new Finding("banner-matches-ptr", Status.PASS, "The greeting name matches reverse DNS",
                    "Greeting name " + bannerName + "; PTR of " + address + ": " + names + ".",
                    "The name the server gives itself and the name of its address agree.", null));
        } else {
            f.add(new Finding("banner-matches-ptr", Status.WARN, "The greeting name does not match reverse DNS",
                    "Greeting name " + bannerName + " (" + e.greeting() + "); PTR of " + address + ": " + names + ".",
                    "Spam filters and people compare the greeting with the address's PTR name; a mismatch looks like "
                            + "a misconfigured or borrowed host.",
                    "Make the greeting name and the PTR name the same fully qualified host name. "
                            + greetingRemedy(e)));
        }
    }

    private static String describe(ReverseDns.Forward fw) {
        if (!fw.answered()) {
            return fw.name() + " → lookup failed (" + fw.error() + ")";
        }
        return fw.name() + " → " + (fw.addresses().isEmpty() ? "no A/AAAA records" : String.join(", ", fw.addresses()));
    }

    private static String suggestedName(ServerEvidence e) {
        String banner = greetingName(e);
        if (banner != null && isFqdn(banner)) {
            return " (for example " + normalize(banner) + ", the name in its greeting)";
        }
        return e.host() != null ? " (for example " + e.host() + ")" : "";
    }

    // ---------------------------------------------------------------- TLS

    private static void certificateExpiry(ServerEvidence e, Thresholds t, List<Finding> f) {
        TlsDetails tls = e.tls();
        var observedAt = e.diagnostics().observedAt();
        if (tls == null || !tls.established() || tls.notAfter() == null || observedAt == null) {
            return;
        }
        long seconds = Duration.between(observedAt, tls.notAfter()).getSeconds();
        String detail = "The certificate of " + where(e) + " (subject " + tls.subject() + ", issuer " + tls.issuer()
                + ") is valid until " + tls.notAfter() + "; checked at " + observedAt + ".";
        String explanation = "An expired certificate makes senders that verify certificates (MTA-STS, DANE) refuse "
                + "to deliver; the others fall back to unauthenticated or clear-text delivery.";
        String remediation = "Renew the certificate, automate renewal (an ACME client such as certbot), and "
                + "reload the mail server so it serves the new one.";
        if (seconds <= 0) {
            long ago = Math.floorDiv(-seconds, DAY_SECONDS);
            f.add(new Finding("tls-certificate-expiry", Status.FAIL, ago == 0 ? "The certificate expired today"
                    : "The certificate expired " + ago + " day" + (ago == 1 ? "" : "s") + " ago", detail,
                    explanation, remediation));
            return;
        }
        long days = Math.floorDiv(seconds, DAY_SECONDS);
        String left = days == 0 ? "less than a day" : days + " day" + (days == 1 ? "" : "s");
        if (days < t.certificateExpiryWarnDays()) {
            f.add(new Finding("tls-certificate-expiry", Status.WARN, "The certificate expires in " + left,
                    detail + " Warning below " + t.certificateExpiryWarnDays() + " days.", explanation, remediation));
        } else {
            f.add(new Finding("tls-certificate-expiry", Status.PASS, "The certificate is valid for " + left + " more",
                    detail, "Certificates are renewed well before they expire.", null));
        }
    }

    private static void tlsProtocol(ServerEvidence e, List<Finding> f) {
        TlsDetails tls = e.tls();
        if (tls == null) {
            return;
        }
        String explanation = "SSL 3.0, TLS 1.0 and TLS 1.1 are broken or deprecated (RFC 7568, RFC 8996); current "
                + "senders refuse them, so mail arrives in clear text or not at all.";
        if (tls.established()) {
            if (WEAK_PROTOCOLS.contains(tls.protocol())) {
                f.add(new Finding("tls-protocol", Status.FAIL, "Weak TLS version: " + tls.protocol(),
                        where(e) + " negotiated " + tls.protocol() + " with " + tls.cipher() + ".", explanation,
                        protocolRemedy(e.mta())));
            } else {
                f.add(new Finding("tls-protocol", Status.PASS, "TLS version " + tls.protocol(),
                        where(e) + " negotiated " + tls.protocol() + " with " + tls.cipher() + ".",
                        "TLS 1.2 and 1.3 are the versions RFC 8996 and RFC 9325 recommend.", null));
            }
        } else if (tls.error() != null && PROTOCOL_MISMATCH.matcher(tls.error()).find()) {
            f.add(new Finding("tls-protocol", Status.FAIL, "No TLS version in common: the server offers only old ones",
                    where(e) + ": the handshake failed: " + tls.error() + ". This check offers TLS 1.2 and 1.3 only.",
                    explanation, protocolRemedy(e.mta())));
        }
    }

    private static String protocolRemedy(Mta mta) {
        return switch (mta) {
            case POSTFIX -> "Postfix: in main.cf set `smtpd_tls_protocols = >=TLSv1.2` and "
                    + "`smtpd_tls_mandatory_protocols = >=TLSv1.2` (Postfix 3.6+; older: `!SSLv2, !SSLv3, !TLSv1, "
                    + "!TLSv1.1`), make sure the OpenSSL it uses supports TLS 1.2, then `postfix reload`.";
            case EXIM -> "Exim: with OpenSSL set `openssl_options = +no_sslv3 +no_tlsv1 +no_tlsv1_1`; with GnuTLS "
                    + "set `tls_require_ciphers = NORMAL:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1`.";
            case MICROSOFT_EXCHANGE -> "Exchange: enable TLS 1.2 and disable TLS 1.0/1.1 in SCHANNEL on the server "
                    + "(Microsoft's \"Exchange Server TLS configuration best practices\"), then restart it.";
            default -> "Enable TLS 1.2 and 1.3 in the mail server and its TLS library, and disable SSL 3.0, TLS 1.0 "
                    + "and TLS 1.1.";
        };
    }

    private static String greetingRemedy(ServerEvidence e) {
        String name = e.host() != null ? e.host() : "the server's public host name";
        return switch (e.mta()) {
            case POSTFIX -> "Postfix: set `myhostname = " + name + "` in main.cf (smtpd_banner starts with "
                    + "$myhostname), then `postfix reload`.";
            case EXIM -> "Exim: set `primary_hostname = " + name + "` (smtp_banner starts with it).";
            case MICROSOFT_EXCHANGE -> "Exchange: `Set-ReceiveConnector <Internet connector> -Fqdn " + name + "`.";
            case SENDMAIL -> "Sendmail: `define(`confDOMAIN_NAME', `" + name + "')` in sendmail.mc, then rebuild "
                    + "sendmail.cf.";
            case OPENSMTPD -> "OpenSMTPD: `listen on <interface> hostname " + name + "` in smtpd.conf.";
            case UNKNOWN -> "Set the name the server uses in its greeting to " + name + ".";
        };
    }

    // ---------------------------------------------------------------- wording

    /** {@code mx.example.org [192.0.2.25]:25}, or {@code 192.0.2.25:25} without a name. */
    static String where(ServerEvidence e) {
        String addr = e.address().contains(":") ? "[" + e.address() + "]" : e.address();
        return (e.host() != null ? e.host() + " [" + e.address() + "]" : addr) + ":" + e.port();
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") && n.length() > 1 ? n.substring(0, n.length() - 1) : n;
    }

    private static String quoted(String word) {
        return "\"" + word + "\"";
    }

    /** 850 ms, 1.2 s, 25 s. */
    static String human(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        return ms < 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : (ms / 1000) + " s";
    }
}
