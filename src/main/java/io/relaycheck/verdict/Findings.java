package io.relaycheck.verdict;

import io.relaycheck.probe.Control;
import io.relaycheck.smtp.SmtpFailure;
import io.relaycheck.smtp.SmtpReply;
import io.relaycheck.smtp.TlsDetails;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Turns evidence into findings a person can act on. Pure, like {@link Grader}. */
final class Findings {

    static final String HARVEST_CAVEAT = "Many servers accept every recipient at RCPT TO and discard or bounce "
            + "later, so that spammers cannot find out which addresses exist (a directory harvest attack). From "
            + "outside, such a server looks exactly like an open relay until a message is actually sent; this "
            + "check never sends one.";

    private Findings() {
    }

    static Finding relay(ServerEvidence e, Verdict verdict, Reason reason, List<TestEvidence> accepted) {
        List<String> ids = accepted.stream().map(TestEvidence::id).toList();
        String acceptedDetail = accepted.stream()
                .map(t -> t.id() + " (RCPT TO:" + t.rcptTo() + " → " + t.rcptReply() + ")")
                .collect(Collectors.joining("; "));
        String counts = Grader.outcomeSummary(e.relayTests());
        String where = e.address() + ":" + e.port();
        return switch (verdict) {
            case OPEN_RELAY -> new Finding("relay", Status.FAIL, "Open relay: the server accepts mail for foreign domains",
                    where + " accepted " + accepted.size() + " of " + e.relayTests().size()
                            + " relay tests: " + acceptedDetail + ". It refused the random local recipient ("
                            + controlReply(e, Control.RANDOM_LOCAL) + "), so it checks recipients at RCPT time and "
                            + "its 2xx for a foreign domain means it will pass that mail on.",
                    "An open relay delivers spam and phishing for anyone. It will be listed on blocklists within "
                            + "days, and then your own mail stops being delivered.",
                    Remediation.closeRelay(e.mta(), ids));
            case POSSIBLE_OPEN_RELAY -> new Finding("relay", Status.WARN,
                    "Possible open relay: a foreign recipient was accepted at RCPT TO",
                    where + " accepted " + accepted.size() + " of " + e.relayTests().size() + " relay tests: "
                            + acceptedDetail + ". " + (reason == Reason.ACCEPTS_ALL_RECIPIENTS
                            ? "It also accepted a random unknown local recipient (" + controlReply(e, Control.RANDOM_LOCAL)
                            + "): it accepts every recipient, so this 2xx alone does not show relaying."
                            : "The control question (a random unknown local recipient) could not be asked, so "
                            + "relaying cannot be told apart from accept-and-discard."),
                    HARVEST_CAVEAT + " If this server does relay, it is abused as an open relay.",
                    Remediation.closeRelay(e.mta(), ids));
            case NOT_OPEN_RELAY -> new Finding("relay", Status.PASS,
                    reason == Reason.AUTH_REQUIRED ? "Not an open relay: the server demands authentication"
                            : "Not an open relay: every relay test was refused",
                    where + ": " + counts + " of " + e.relayTests().size() + " relay tests. " + refusalSample(e),
                    "The server refuses mail for domains it does not serve unless the client is trusted.", null);
            case INCONCLUSIVE -> new Finding("relay", Status.INFO, "Inconclusive: " + describe(reason),
                    where + ": " + (e.relayTests().isEmpty() ? "no relay tests" : counts) + ". " + inconclusiveDetail(e, reason),
                    "Without a definite answer to RCPT TO for a foreign domain, nothing can be said about relaying.",
                    retryAdvice(reason));
        };
    }

    static Finding catchAll(ServerEvidence e, List<TestEvidence> explained) {
        return new Finding("catch-all-tricks", Status.INFO,
                explained.size() + " local-routed relay tricks were accepted by the catch-all",
                explained.stream().map(t -> t.id() + " (RCPT TO:" + t.rcptTo() + " → " + t.rcptReply() + ")")
                        .collect(Collectors.joining("; ")),
                "These recipients name a mailbox in a local domain (the foreign address hides in the local part), and "
                        + "this server accepts every local recipient, so the 2xx is explained by the catch-all. Only if "
                        + "the server also rewrote them (the percent hack, bang paths) would they be relayed; that cannot "
                        + "be seen without sending a message.", Remediation.validateRecipients(e.mta()));
    }

    static List<Finding> about(ServerEvidence e) {
        List<Finding> f = new ArrayList<>();
        greeting(e, f);
        hello(e, f);
        tls(e, f);
        controls(e, f);
        senders(e, f);
        failures(e, f);
        return f;
    }

    private static void greeting(ServerEvidence e, List<Finding> f) {
        if (!e.connected()) {
            String why = e.failures().isEmpty() ? "no connection" : e.failures().get(0).getMessage();
            f.add(new Finding("connect", Status.FAIL, "Could not connect", e.address() + ":" + e.port() + ": " + why,
                    "Other mail servers cannot deliver here either while this persists.", null));
            return;
        }
        if (e.greeting() == null) {
            f.add(new Finding("banner", Status.FAIL, "No greeting", Diagnostics.where(e) + " accepted the connection "
                    + "but sent no complete greeting" + (e.failures().isEmpty() ? "."
                    : ": " + e.failures().get(0).getMessage() + "."),
                    "RFC 5321 §3.1: the server speaks first; senders wait for its 220 and give up without it.", null));
            return;
        }
        SmtpReply g = e.greeting();
        if (g.code() == 220 && g.firstWord().isEmpty()) {
            // RFC 5321 §4.2 grammar: "220 " (Domain / address-literal) [ SP textstring ].
            f.add(new Finding("banner", Status.WARN, "The greeting does not name the server", g.toString(),
                    "RFC 5321 §4.3.1: the 220 greeting starts with the server's domain name.", null));
        } else if (g.code() == 220) {
            f.add(new Finding("banner", Status.PASS, "The server greets with 220", g.toString(),
                    "RFC 5321 §4.2: a 220 greeting opens the session.", null));
        } else {
            f.add(new Finding("banner", Status.FAIL, "The server refuses the session in its greeting", g.toString(),
                    "RFC 5321 §3.1: a 554 (or 421) greeting means the server will not accept mail on this connection; "
                            + "often our address is blocklisted, or the server is overloaded.", null));
        }
    }

    private static void hello(ServerEvidence e, List<Finding> f) {
        if (e.helloVerb() == null) {
            return;
        }
        if ("EHLO".equals(e.helloVerb())) {
            f.add(new Finding("ehlo", Status.PASS, "EHLO accepted", "Extensions: "
                    + (e.extensions().isEmpty() ? "none" : String.join(", ", e.extensions())),
                    "ESMTP (RFC 5321 §4.1.1.1) lets the server advertise STARTTLS, PIPELINING and SIZE.", null));
        } else {
            f.add(new Finding("ehlo", Status.WARN, "EHLO refused; only HELO works",
                    "The server does not speak ESMTP.",
                    "Without EHLO the server cannot offer STARTTLS, so all mail to it travels in clear text.",
                    "Enable ESMTP in the server's configuration."));
        }
        if (e.pipelining()) {
            f.add(new Finding("pipelining", Status.INFO, "PIPELINING advertised",
                    "The relay tests were sent in pipelined groups (RFC 2920).", "Fewer round trips per message.", null));
        }
    }

    private static void tls(ServerEvidence e, List<Finding> f) {
        TlsDetails t = e.tls();
        if (t == null) {
            if ("EHLO".equals(e.helloVerb()) && e.extensions().stream()
                    .noneMatch(x -> x.toUpperCase(Locale.ROOT).startsWith("STARTTLS"))) {
                f.add(new Finding("starttls", Status.WARN, "STARTTLS not offered",
                        "The EHLO reply does not list STARTTLS.",
                        "Mail to this server travels in clear text (RFC 3207).",
                        "Configure a certificate and offer STARTTLS."));
            } else if (!e.startTlsWanted() && e.extensions().stream()
                    .anyMatch(x -> x.toUpperCase(Locale.ROOT).startsWith("STARTTLS"))) {
                f.add(new Finding("starttls", Status.INFO, "STARTTLS offered, not used",
                        "The request asked not to use STARTTLS.", "", null));
            }
            return;
        }
        if (!t.established()) {
            f.add(new Finding("starttls", Status.FAIL, "TLS failed", t.error(),
                    "Senders that require TLS cannot deliver here; others fall back to clear text.",
                    "Check the certificate and key configuration and the TLS versions offered."));
            return;
        }
        f.add(new Finding("starttls", Status.PASS, "TLS established (" + t.mode().toLowerCase(Locale.ROOT) + ")",
                t.protocol() + ", " + t.cipher(), "Mail to this server can be encrypted in transit.", null));
        List<String> problems = new ArrayList<>();
        if (Boolean.FALSE.equals(t.trusted())) {
            problems.add("the chain is not trusted by the JVM's CA set (" + t.trustError() + ")");
        }
        if (Boolean.FALSE.equals(t.hostnameMatches())) {
            problems.add("it does not name " + t.expectedHost() + " (names: " + String.join(", ", t.subjectAltNames()) + ")");
        }
        String subject = "Subject " + t.subject() + ", issuer " + t.issuer() + ", expires " + t.notAfter();
        if (problems.isEmpty()) {
            f.add(new Finding("tls-certificate", Status.PASS, "Certificate trusted"
                    + (t.hostnameMatches() == null ? "" : " and matches the host name"), subject,
                    "Senders that verify certificates (DANE, MTA-STS) can deliver securely.", null));
        } else {
            f.add(new Finding("tls-certificate", Status.WARN, "Certificate problems: " + String.join("; ", problems),
                    subject, "Opportunistic TLS still encrypts, but senders enforcing MTA-STS (RFC 8461) or DANE "
                    + "will refuse to deliver.", "Install a certificate from a public CA that names the MX host."));
        }
    }

    private static void controls(ServerEvidence e, List<Finding> f) {
        String md = e.mailDomain() == null ? "(unknown)" : e.mailDomain();
        String derived = e.mailDomainDerived() ? " (derived from the server's greeting name; pass mailDomain to choose)" : "";
        e.control(Control.POSTMASTER).ifPresent(c -> {
            if (c.outcome() == Outcome.ACCEPTED) {
                f.add(new Finding("postmaster", Status.PASS, "postmaster@" + md + " accepted",
                        "RCPT TO:" + c.rcptTo() + " → " + c.reply() + derived,
                        "RFC 5321 §4.5.1 requires it; it also shows our probe sender is not blocked.", null));
            } else if (c.outcome() == Outcome.REJECTED) {
                f.add(new Finding("postmaster", Status.WARN, "postmaster@" + md + " refused",
                        "RCPT TO:" + c.rcptTo() + " → " + c.reply() + derived,
                        "RFC 5321 §4.5.1 requires every server to accept postmaster for its domains; a refusal "
                                + "also means " + md + " may not be served here.", Remediation.postmaster(e.mta())));
            }
        });
        e.control(Control.RANDOM_LOCAL).ifPresent(c -> {
            if (c.outcome() == Outcome.REJECTED) {
                f.add(new Finding("recipient-validation", Status.PASS, "Unknown local recipients are refused at RCPT",
                        "RCPT TO:" + c.rcptTo() + " → " + c.reply() + derived,
                        "The server validates recipients, so its answer to a foreign recipient means what it says.",
                        null));
            } else if (c.outcome() == Outcome.ACCEPTED) {
                f.add(new Finding("recipient-validation", Status.WARN, "The server accepts any recipient",
                        "RCPT TO:" + c.rcptTo() + " (a random local part) → " + c.reply() + derived,
                        HARVEST_CAVEAT + " Accept-all servers also send backscatter: bounces to forged senders.",
                        Remediation.validateRecipients(e.mta())));
            } else {
                f.add(new Finding("recipient-validation", Status.INFO, "Recipient validation unknown",
                        "RCPT TO:" + c.rcptTo() + " → " + (c.reply() != null ? c.reply() : c.mailReply() != null
                                ? "MAIL FROM refused: " + c.mailReply() : "not asked") + derived,
                        "Without this control, an accepted foreign recipient cannot be graded as relay.", null));
            }
        });
    }

    private static void senders(ServerEvidence e, List<Finding> f) {
        List<TestEvidence> refused = e.relayTests().stream().filter(t -> t.outcome() == Outcome.SENDER_REJECTED).toList();
        if (refused.isEmpty()) {
            return;
        }
        boolean all = refused.size() == e.relayTests().size();
        f.add(new Finding("sender-rejected", all ? Status.WARN : Status.INFO,
                all ? "Every probe sender was refused at MAIL FROM" : refused.size() + " relay tests were refused at MAIL FROM",
                refused.stream().map(t -> t.id() + " (MAIL FROM:" + t.mailFrom() + " → " + t.mailReply() + ")")
                        .collect(Collectors.joining("; ")),
                all ? "The server refused our senders before any recipient was judged; the probe itself may be blocked."
                        : "Refusing odd senders (IP literals, bang paths, spoofed local senders) closes those tricks.",
                null));
    }

    private static void failures(ServerEvidence e, List<Finding> f) {
        for (SmtpFailure failure : e.failures()) {
            if (failure.kind() == SmtpFailure.Kind.CONNECT_FAILED && !e.connected()) {
                continue; // reported as "connect"
            }
            String check = switch (failure.kind()) {
                case LINE_TOO_LONG, REPLY_TOO_LARGE, READ_BUDGET_EXCEEDED -> "limit";
                case COMMAND_TIMEOUT, DEADLINE -> "timeout";
                case PROTOCOL_ERROR -> "protocol";
                case CONNECTION_CLOSED, IO_ERROR -> "disconnect";
                case TLS_FAILED -> "tls";
                case CONNECT_FAILED -> "connect";
                case CANCELLED -> "cancelled";
            };
            f.add(new Finding(check, Status.WARN, switch (failure.kind()) {
                case LINE_TOO_LONG, REPLY_TOO_LARGE, READ_BUDGET_EXCEEDED -> "A limit of this check was hit";
                case COMMAND_TIMEOUT -> "The server stopped answering";
                case DEADLINE -> "The deadline ended a connection";
                case PROTOCOL_ERROR -> "The server sent something that is not SMTP";
                case CONNECTION_CLOSED, IO_ERROR -> "The server dropped the connection";
                case TLS_FAILED -> "The TLS handshake failed";
                case CONNECT_FAILED -> "A connection could not be made";
                case CANCELLED -> "The check was cancelled";
            }, Diagnostics.where(e) + ": " + failure.getMessage(),
                    "What ran before this is kept; what did not run is marked NOT_RUN.", null));
        }
    }

    private static String controlReply(ServerEvidence e, Control control) {
        return e.control(control).map(c -> "RCPT TO:" + c.rcptTo() + " → " + c.reply()).orElse("not asked");
    }

    private static String refusalSample(ServerEvidence e) {
        return e.relayTests().stream().filter(t -> t.decisiveReply() != null).findFirst()
                .map(t -> "For example " + t.id() + ": " + t.decisiveReply() + ".").orElse("");
    }

    private static String inconclusiveDetail(ServerEvidence e, Reason reason) {
        return switch (reason) {
            case GREYLISTED -> "The server answered 4xx (try again later), typical of greylisting: "
                    + e.relayTests().stream().filter(t -> t.outcome() == Outcome.DEFERRED).findFirst()
                    .map(t -> t.decisiveReply().toString()).orElse("");
            case SERVICE_UNAVAILABLE -> "The server refused service: " + (e.closingReply() != null ? e.closingReply() : "");
            case TLS_REQUIRED -> "The server requires STARTTLS before mail, and TLS could not be used.";
            case SENDER_REJECTED -> "Our MAIL FROM was refused for every test; no recipient was judged.";
            default -> e.failures().isEmpty() ? "" : e.failures().get(0).getMessage();
        };
    }

    private static String describe(Reason reason) {
        return switch (reason) {
            case CONNECTION_FAILED -> "the connection failed";
            case TIMEOUT -> "the server did not answer in time";
            case SERVICE_UNAVAILABLE -> "the server refused service";
            case GREYLISTED -> "the server deferred the recipients (greylisting)";
            case SENDER_REJECTED -> "the probe sender was refused";
            case PROTOCOL_ERROR -> "the server's replies could not be used";
            case TLS_REQUIRED -> "the server requires TLS, which failed";
            case NO_MAIL_SERVER -> "there is no mail server to check";
            default -> reason.name();
        };
    }

    private static String retryAdvice(Reason reason) {
        return switch (reason) {
            case GREYLISTED, TIMEOUT, SERVICE_UNAVAILABLE -> "Run the check again in a few minutes.";
            default -> null;
        };
    }
}
