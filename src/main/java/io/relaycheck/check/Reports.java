package io.relaycheck.check;

import io.relaycheck.probe.RelayBattery;
import io.relaycheck.smtp.SmtpSession.SessionResult;
import io.relaycheck.smtp.Transcript;
import io.relaycheck.verdict.ControlEvidence;
import io.relaycheck.verdict.Finding;
import io.relaycheck.verdict.Grade;
import io.relaycheck.verdict.Outcome;
import io.relaycheck.verdict.ServerEvidence;
import io.relaycheck.verdict.Status;
import io.relaycheck.verdict.TestEvidence;
import io.relaycheck.verdict.Verdict;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Turns evidence and grades into the report users read. No logic that decides anything. */
public final class Reports {

    private Reports() {
    }

    public static ServerReport server(ServerRun run, Grade grade, boolean withTranscript) {
        ServerEvidence e = run.evidence();
        List<SessionResult> sessions = run.sessions();
        List<RelayTestReport> tests = e.relayTests().stream().map(Reports::test).toList();
        List<ControlReport> controls = e.controls().stream().map(Reports::control).toList();
        List<TranscriptLine> transcript = withTranscript ? sessions.stream()
                .flatMap(s -> s.transcript().stream())
                .sorted(Comparator.comparingLong(Transcript.Entry::atMs).thenComparingInt(Transcript.Entry::session))
                .map(t -> new TranscriptLine(t.atMs(), t.session(), t.direction().name(), t.line()))
                .toList() : List.of();
        return new ServerReport(e.host(), e.address(), e.port(), run.target().mxPreference(), grade.verdict(),
                grade.reason(), e.mta().displayName(), e.greeting() == null ? null : e.greeting().toString(),
                e.helloVerb(), e.extensions(), TlsReport.of(e.tls()), timings(sessions), e.mailDomain(),
                e.mailDomainDerived(), sessions.size(), tests, controls, grade.findings(), transcript, run.sharedFrom());
    }

    private static RelayTestReport test(TestEvidence t) {
        var variant = RelayBattery.byId(t.id());
        return new RelayTestReport(t.id(), variant == null ? null : variant.origin(), t.mailFrom(), t.rcptTo(),
                Reply.of(t.decisiveReply()), t.outcome(), t.note());
    }

    private static ControlReport control(ControlEvidence c) {
        boolean senderRefused = c.outcome() == Outcome.SENDER_REJECTED || c.outcome() == Outcome.DEFERRED
                && c.reply() == null;
        return new ControlReport(c.control().id(), c.mailFrom(), c.rcptTo(),
                Reply.of(senderRefused ? c.mailReply() : c.reply()), c.outcome());
    }

    private static Timings timings(List<SessionResult> sessions) {
        return new Timings(first(sessions, SessionResult::connectMs), first(sessions, SessionResult::bannerMs),
                first(sessions, SessionResult::ehloMs), first(sessions, SessionResult::transactionMs));
    }

    private static Long first(List<SessionResult> sessions, Function<SessionResult, Long> f) {
        return sessions.stream().map(f).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** One sentence: what was checked and which server is the problem. */
    public static String summary(String target, Verdict verdict, List<ServerReport> servers) {
        return summary(target, verdict, servers, List.of());
    }

    /**
     * One sentence: how many servers were checked and which is the problem; with no server, why
     * not, from the first resolution finding that is not a PASS (null MX, NXDOMAIN, no address).
     */
    public static String summary(String target, Verdict verdict, List<ServerReport> servers,
                                 List<Finding> resolutionFindings) {
        if (servers.isEmpty()) {
            return target + ": no mail server to check" + resolutionFindings.stream()
                    .filter(f -> f.status() != Status.PASS).findFirst().map(f -> ". " + f.title()).orElse("") + ".";
        }
        if (servers.size() == 1) {
            return describe(servers.get(0)) + " " + sentence(servers.get(0)) + ".";
        }
        List<ServerReport> worst = servers.stream().filter(s -> s.verdict() == verdict).toList();
        String names = worst.stream().map(Reports::describe).collect(Collectors.joining(", "));
        return "Checked " + servers.size() + " servers of " + target + "; " + worst.size() + " "
                + (worst.size() == 1 ? "is " : "are ") + phrase(verdict) + ": " + names + ".";
    }

    private static String describe(ServerReport s) {
        String addr = s.address().contains(":") ? "[" + s.address() + "]" : s.address();
        return (s.host() != null ? s.host() + " [" + s.address() + "]" : addr) + ":" + s.port();
    }

    private static String sentence(ServerReport s) {
        long accepted = s.relayTests().stream().filter(t -> t.outcome() == Outcome.ACCEPTED).count();
        long total = s.relayTests().size();
        return switch (s.verdict()) {
            case OPEN_RELAY -> "is an open relay: it accepted " + accepted + " of " + total
                    + " relay tests while refusing unknown local recipients, so it means to deliver them";
            case POSSIBLE_OPEN_RELAY -> "may be an open relay: it accepted " + accepted + " of " + total
                    + " relay tests, but " + (s.reason() == io.relaycheck.verdict.Reason.ACCEPTS_ALL_RECIPIENTS
                    ? "it accepts every recipient, so it may discard them later"
                    : "whether it validates recipients could not be checked");
            case NOT_OPEN_RELAY -> s.reason() == io.relaycheck.verdict.Reason.AUTH_REQUIRED
                    ? "is not an open relay: it demands authentication"
                    : "is not an open relay: all " + total + " relay tests were refused";
            case INCONCLUSIVE -> "could not be judged (" + s.reason() + ")";
        };
    }

    private static String phrase(Verdict v) {
        return switch (v) {
            case OPEN_RELAY -> "an open relay";
            case POSSIBLE_OPEN_RELAY -> "possibly an open relay";
            case NOT_OPEN_RELAY -> "not an open relay";
            case INCONCLUSIVE -> "inconclusive";
        };
    }
}
