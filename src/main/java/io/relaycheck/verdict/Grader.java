package io.relaycheck.verdict;

import io.relaycheck.probe.Control;
import io.relaycheck.probe.RelayVariant;
import io.relaycheck.smtp.SmtpFailure;
import io.relaycheck.smtp.SmtpReply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The verdict as a pure function of the evidence (DESIGN.md §3): no I/O, no clock, no state.
 * Same evidence, same grade.
 */
public final class Grader {

    private static final Pattern AUTH = Pattern.compile("auth", Pattern.CASE_INSENSITIVE);
    private static final Pattern TLS = Pattern.compile("starttls|\\btls\\b|encrypt", Pattern.CASE_INSENSITIVE);

    private Grader() {
    }

    public static Grade grade(ServerEvidence e) {
        return grade(e, null);
    }

    /**
     * The grade with the per-server diagnostics ({@link Diagnostics}) appended to the findings when
     * {@code thresholds} is not null. The verdict and reason are decided before, and without, them.
     */
    public static Grade grade(ServerEvidence e, Diagnostics.Thresholds thresholds) {
        List<TestEvidence> explained = explainedByCatchAll(e);
        List<TestEvidence> accepted = e.relayTests().stream()
                .filter(t -> t.outcome() == Outcome.ACCEPTED && !explained.contains(t)).toList();
        Decision d = accepted.isEmpty() ? withoutAcceptance(e, explained) : withAcceptance(e);
        List<Finding> findings = new ArrayList<>();
        findings.add(Findings.relay(e, d.verdict(), d.reason(), accepted));
        findings.addAll(Findings.about(e));
        if (!explained.isEmpty()) {
            findings.add(Findings.catchAll(e, explained));
        }
        if (thresholds != null) {
            findings.addAll(Diagnostics.findings(e, thresholds));
        }
        return new Grade(d.verdict(), d.reason(), findings);
    }

    private record Decision(Verdict verdict, Reason reason) {
    }

    /**
     * Acceptances that a catch-all explains: the server accepted the random unknown local
     * recipient, so its 2xx for {@code T%D@MD} or {@code "T@D"} (a local mailbox by syntax) says
     * nothing about relaying. A 2xx for a recipient in the foreign domain is never explained away.
     */
    private static List<TestEvidence> explainedByCatchAll(ServerEvidence e) {
        boolean acceptsAnyLocal = e.control(Control.RANDOM_LOCAL).map(c -> c.outcome() == Outcome.ACCEPTED).orElse(false);
        if (!acceptsAnyLocal) {
            return List.of();
        }
        return e.relayTests().stream()
                .filter(t -> t.outcome() == Outcome.ACCEPTED && t.scope() == RelayVariant.Scope.LOCAL_ROUTED)
                .toList();
    }

    /**
     * A 2xx to a foreign recipient. Whether it is relay or accept-and-discard depends on whether
     * the server tells recipients apart at RCPT time: the random-local control.
     */
    private static Decision withAcceptance(ServerEvidence e) {
        Outcome randomLocal = e.control(Control.RANDOM_LOCAL).map(ControlEvidence::outcome).orElse(Outcome.NOT_RUN);
        if (randomLocal == Outcome.REJECTED) {
            return new Decision(Verdict.OPEN_RELAY, Reason.RELAY_ACCEPTED);
        }
        return new Decision(Verdict.POSSIBLE_OPEN_RELAY,
                randomLocal == Outcome.ACCEPTED ? Reason.ACCEPTS_ALL_RECIPIENTS : Reason.UNVERIFIED);
    }

    private static Decision withoutAcceptance(ServerEvidence e, List<TestEvidence> explained) {
        Reason reason = reasonWithoutAcceptance(e, explained);
        return new Decision(reason == Reason.RELAY_DENIED || reason == Reason.AUTH_REQUIRED
                ? Verdict.NOT_OPEN_RELAY : Verdict.INCONCLUSIVE, reason);
    }

    private static Reason reasonWithoutAcceptance(ServerEvidence e, List<TestEvidence> explained) {
        if (!e.connected()) {
            return isTimeout(e) ? Reason.TIMEOUT : Reason.CONNECTION_FAILED;
        }
        if (e.greeting() == null) {
            return failureReason(e, Reason.CONNECTION_FAILED);
        }
        // Catch-all acceptances count as "did not relay" here: they are neither evidence nor unknown.
        List<TestEvidence> tests = e.relayTests().stream().filter(t -> !explained.contains(t)).toList();
        boolean tlsEstablished = e.tls() != null && e.tls().established();
        List<SmtpReply> refusals = tests.stream()
                .filter(t -> t.outcome() == Outcome.REJECTED || t.outcome() == Outcome.SENDER_REJECTED)
                .map(TestEvidence::decisiveReply).toList();
        if (!tlsEstablished && !refusals.isEmpty() && refusals.stream().allMatch(Grader::tlsRequired)) {
            return Reason.TLS_REQUIRED;
        }
        boolean ranAll = !e.relayTests().isEmpty() && tests.stream()
                .allMatch(t -> t.outcome() == Outcome.REJECTED || t.outcome() == Outcome.SENDER_REJECTED);
        if (ranAll) {
            if (!refusals.isEmpty() && refusals.stream().allMatch(Grader::authRequired)) {
                return Reason.AUTH_REQUIRED;
            }
            if (!tests.isEmpty() && tests.stream().allMatch(t -> t.outcome() == Outcome.SENDER_REJECTED)) {
                // Not one recipient was judged: the server refused our senders, not the relay.
                return Reason.SENDER_REJECTED;
            }
            return Reason.RELAY_DENIED;
        }
        if (e.closingReply() != null && e.closingReply().code() != 421 && tests.stream()
                .noneMatch(t -> t.mailReply() != null)) {
            return Reason.SERVICE_UNAVAILABLE; // 554 greeting, or EHLO and HELO refused
        }
        if (tests.stream().anyMatch(t -> t.outcome() == Outcome.DEFERRED)) {
            return Reason.GREYLISTED;
        }
        if (e.closingReply() != null) {
            return Reason.SERVICE_UNAVAILABLE; // 421: the server shut the channel
        }
        return failureReason(e, Reason.CONNECTION_FAILED);
    }

    private static Reason failureReason(ServerEvidence e, Reason otherwise) {
        if (isTimeout(e)) {
            return Reason.TIMEOUT;
        }
        if (e.failures().stream().anyMatch(f -> f.kind() == SmtpFailure.Kind.PROTOCOL_ERROR || f.isLimit())) {
            return Reason.PROTOCOL_ERROR;
        }
        return otherwise;
    }

    private static boolean isTimeout(ServerEvidence e) {
        return e.failures().stream().anyMatch(f -> f.kind() == SmtpFailure.Kind.COMMAND_TIMEOUT
                || f.kind() == SmtpFailure.Kind.DEADLINE);
    }

    /**
     * RFC 4954 §6: 530 5.7.0 "Authentication required"; many servers say 5.7.1 with a text
     * about authentication, and submission servers refuse MAIL FROM that way.
     */
    static boolean authRequired(SmtpReply r) {
        if (r == null || tlsRequired(r)) {
            return false;
        }
        if (r.code() == 530) {
            return true;
        }
        return r.isPermanentFailure() && r.enhancedCode() != null
                && (r.enhancedCode().equals("5.7.0") || r.enhancedCode().equals("5.7.1"))
                && AUTH.matcher(r.text()).find();
    }

    /** RFC 3207 §4: 530 5.7.0 "Must issue a STARTTLS command first". */
    static boolean tlsRequired(SmtpReply r) {
        return r != null && r.code() == 530 && TLS.matcher(r.text()).find();
    }

    /** Outcome counts for a summary line, e.g. "24 rejected, 2 sender rejected". */
    public static String outcomeSummary(List<TestEvidence> tests) {
        return tests.stream().collect(Collectors.groupingBy(TestEvidence::outcome, java.util.TreeMap::new,
                        Collectors.counting()))
                .entrySet().stream()
                .map(en -> en.getValue() + " " + en.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .collect(Collectors.joining(", "));
    }
}
