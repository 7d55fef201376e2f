package io.relaycheck.check;

import io.relaycheck.dns.DnsResolver;
import io.relaycheck.probe.Control;
import io.relaycheck.probe.MailDomains;
import io.relaycheck.probe.ProbeContext;
import io.relaycheck.probe.RelayVariant;
import io.relaycheck.probe.SessionPlan;
import io.relaycheck.smtp.CancelSignal;
import io.relaycheck.smtp.SmtpFailure;
import io.relaycheck.smtp.SmtpLimits;
import io.relaycheck.smtp.SmtpReply;
import io.relaycheck.smtp.SmtpSession;
import io.relaycheck.smtp.SmtpSession.SessionResult;
import io.relaycheck.smtp.SmtpSession.Transaction;
import io.relaycheck.smtp.SmtpSession.TransactionResult;
import io.relaycheck.smtp.Transcript;
import io.relaycheck.verdict.ControlEvidence;
import io.relaycheck.verdict.DiagnosticEvidence;
import io.relaycheck.verdict.Diagnostics;
import io.relaycheck.verdict.Mta;
import io.relaycheck.verdict.Outcome;
import io.relaycheck.verdict.ReverseDns;
import io.relaycheck.verdict.ServerEvidence;
import io.relaycheck.verdict.TestEvidence;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the battery against one server: spreads it over connections ({@link SessionPlan}), runs
 * them concurrently up to a per-address limit, stops opening connections after a 421, retries on
 * a new connection what a dropped connection did not finish, and gives every variant an outcome;
 * none is silently lost.
 *
 * <p>Confined to one Vert.x event-loop context: every session and callback runs there, so the
 * state below needs no locks.
 */
public final class ServerCheck {

    /**
     * Settings of one server check.
     *
     * @param dns         for the reverse DNS diagnostics (PTR, forward confirmation); null: not asked
     * @param diagnostics thresholds the server's diagnostics are graded with
     */
    public record Settings(SmtpLimits limits, int maxFailuresPerSession, int concurrentSessions, int retriesPerTest,
                           ProbeIdentity identity, AddressLimiter limiter, CheckObserver observer,
                           DnsResolver dns, Diagnostics.Thresholds diagnostics, Duration reverseDnsGrace) {
    }

    /**
     * What the request asks for.
     *
     * @param variants          the relay tests to run
     * @param startTls          upgrade when offered
     * @param mailDomain        MD as given by the request or by the target domain; null to derive it
     * @param originNanos       start of the whole check, the transcript's time origin
     * @param deadlineNanos     the whole check's deadline
     * @param cancelled         fires when the requester went away: stop opening, close what is open
     * @param transcript        whether to record transcripts at all (memory, in big batches)
     */
    public record Request(List<RelayVariant> variants, boolean startTls, String mailDomain, long originNanos,
                          long deadlineNanos, CancelSignal cancelled, boolean transcript) {
    }

    private static final Set<SmtpFailure.Kind> RETRYABLE = EnumSet.of(SmtpFailure.Kind.CONNECTION_CLOSED,
            SmtpFailure.Kind.IO_ERROR, SmtpFailure.Kind.COMMAND_TIMEOUT, SmtpFailure.Kind.TLS_FAILED,
            SmtpFailure.Kind.PROTOCOL_ERROR);
    private static final String CONTROL_ID = "controls";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final Vertx vertx;
    private final NetClient client;
    private final ServerTarget target;
    private final Settings settings;
    private final Request request;
    private final String randomLocalPart = randomLocalPart();

    private final ArrayDeque<Work> pending = new ArrayDeque<>();
    private final Map<String, TestEvidence> tests = new HashMap<>();
    private final Map<Control, ControlEvidence> controls = new LinkedHashMap<>();
    private final List<SessionResult> sessions = new ArrayList<>();
    private final Promise<ServerRun> done = Promise.promise();
    private final List<Work> inFlight = new ArrayList<>();
    /** Per connection number: when it was started, and when its transactions began (for transaction-time). */
    private final Map<Integer, Long> sessionStartNanos = new HashMap<>();
    private final Map<Integer, Long> transactionStartNanos = new HashMap<>();
    private Future<ReverseDns> reverseDns;

    private int active;
    private int opened;
    private boolean stopOpening;
    private String stopReason;
    private boolean startTls;
    private ProbeContext probeContext;
    private final Map<String, RelayVariant.Envelope> envelopes = new HashMap<>();
    private boolean mailDomainDerived;
    private boolean mailDomainUnknown;

    private record Work(List<RelayVariant> variants, boolean controls, int attempt) {
    }

    private ServerCheck(Vertx vertx, NetClient client, ServerTarget target, Settings settings, Request request) {
        this.vertx = vertx;
        this.client = client;
        this.target = target;
        this.settings = settings;
        this.request = request;
        this.startTls = request.startTls();
    }

    /**
     * Checks one server. Call on an event-loop context; the future completes there, always
     * successfully.
     *
     * @param client a NetClient for {@code target.implicitTls()}
     */
    public static Future<ServerRun> run(Vertx vertx, NetClient client, ServerTarget target, Settings settings,
                                        Request request) {
        return new ServerCheck(vertx, client, target, settings, request).start();
    }

    private Future<ServerRun> start() {
        for (SessionPlan plan : SessionPlan.plan(request.variants(), true, settings.maxFailuresPerSession())) {
            pending.add(new Work(plan.variants(), plan.controls(), 1));
        }
        // Every connection ends by the deadline on its own (SmtpConnection arms it). This timer is
        // the belt to those braces: whatever is still open shortly after the deadline is reported
        // as not run, so a bug of ours can never leave a request hanging.
        long grace = Math.max(1, (request.deadlineNanos() - System.nanoTime()) / 1_000_000L) + 2_000;
        long safety = vertx.setTimer(grace, t -> forceFinish());
        io.vertx.core.Context context = vertx.getOrCreateContext(); // this check's own context
        CancelSignal.Registration hook = request.cancelled().onCancel(() -> context.runOnContext(x -> {
            stopOpening = true;
            stopReason = "the check was cancelled: the client went away";
        }));
        // Reverse DNS runs alongside the battery, not after it; it is joined before grading.
        reverseDns = ReverseDnsLookup.lookup(settings.dns(), target.address());
        pump();
        return done.future().onComplete(ar -> vertx.cancelTimer(safety)).compose(this::withDiagnostics)
                .onComplete(ar -> hook.close()); // a finished check must not stay reachable from its batch
    }

    /**
     * Waits for the reverse DNS lookups, but never past the check's deadline: what is unanswered
     * then is evidence ("no answer before the deadline"), not a reason to wait or to fail.
     */
    private Future<ServerRun> withDiagnostics(ServerRun run) {
        Promise<ReverseDns> joined = Promise.promise();
        reverseDns.onComplete(ar -> joined.tryComplete(ar.succeeded() ? ar.result()
                : ReverseDns.failed(String.valueOf(ar.cause().getMessage()))));
        if (!joined.future().isComplete()) {
            long toDeadline = (request.deadlineNanos() - System.nanoTime()) / 1_000_000L;
            long waitMs = Math.max(1, Math.min(toDeadline, settings.reverseDnsGrace().toMillis()));
            long timer = vertx.setTimer(waitMs, t -> joined.tryComplete(ReverseDns.failed(
                    "no answer within " + waitMs + " ms after the SMTP tests (relay-check.diagnostics.reverse-dns-grace)")));
            joined.future().onComplete(ar -> vertx.cancelTimer(timer));
            // Nobody waits for a cancelled check's report: do not wait for DNS either.
            io.vertx.core.Context context = vertx.getOrCreateContext();
            CancelSignal.Registration hook = request.cancelled().onCancel(() -> context.runOnContext(x ->
                    joined.tryComplete(ReverseDns.failed("the check was cancelled"))));
            joined.future().onComplete(ar -> hook.close());
        }
        return joined.future().map(r -> new ServerRun(run.target(), run.evidence().withDiagnostics(
                diagnosticEvidence(r)), run.sessions()));
    }

    private DiagnosticEvidence diagnosticEvidence(ReverseDns reverse) {
        Long connectMs = sessions.stream().map(SessionResult::connectMs).filter(ms -> ms != null).findFirst()
                .orElse(null);
        Long slowest = null;
        Integer slowestSession = null;
        for (SessionResult s : sessions) {
            Long started = sessionStartNanos.get(s.session());
            Long transactions = transactionStartNanos.get(s.session());
            if (started == null || transactions == null || s.connectMs() == null || s.bannerMs() == null
                    || s.transactionMs() == null) {
                continue;
            }
            // From the complete greeting to the last reply of the transactions: EHLO, STARTTLS and
            // the relay tests, without connect and greeting (a deliberate greeting pause, such as
            // postscreen's, is not slowness).
            long ms = Math.max(0, (transactions - started) / 1_000_000L - s.connectMs() - s.bannerMs())
                    + s.transactionMs();
            if (slowest == null || ms > slowest) {
                slowest = ms;
                slowestSession = s.session();
            }
        }
        return new DiagnosticEvidence(reverse, connectMs, slowest, slowestSession, Instant.now());
    }

    private void forceFinish() {
        if (done.future().isComplete()) {
            return;
        }
        for (Work w : inFlight) {
            markNotRun(w, "the check's deadline passed while this test was in flight");
        }
        Work w;
        while ((w = pending.poll()) != null) {
            markNotRun(w, "the check's deadline passed before this test could run");
        }
        done.complete(new ServerRun(target, evidence(), List.copyOf(sessions)));
    }

    /** Opens connections while there is work, capacity, and no reason to stop. */
    private void pump() {
        while (!pending.isEmpty() && active < settings.concurrentSessions()) {
            if (stopOpening || System.nanoTime() >= request.deadlineNanos()) {
                String why = stopOpening ? stopReason : "the check's deadline passed before this test could run";
                Work w;
                while ((w = pending.poll()) != null) {
                    markNotRun(w, why);
                }
                break;
            }
            Work work = pending.poll();
            startSession(work);
        }
        if (pending.isEmpty() && active == 0 && !done.future().isComplete()) {
            done.complete(new ServerRun(target, evidence(), List.copyOf(sessions)));
        }
    }

    private void startSession(Work work) {
        inFlight.add(work);
        active++;
        // The per-address limit holds across every check in this process, not just this one.
        settings.limiter().acquire(target.address(), request.deadlineNanos()).onComplete(slot -> {
            if (slot.failed()) {
                inFlight.remove(work);
                active--;
                markNotRun(work, "no connection slot to this address before the deadline (other checks "
                        + "of the same address were running)");
                pump();
                return;
            }
            if (done.future().isComplete()) {
                slot.result().release();
                return;
            }
            connect(work, slot.result());
        });
    }

    private void connect(Work work, AddressLimiter.Permit permit) {
        opened++;
        // Without a transcript in the report, record none: 10,000 dialogues x 200 lines adds up.
        Transcript transcript = new Transcript(request.originNanos(), opened,
                request.transcript() ? settings.limits().maxTranscriptLines() : 0);
        long deadline = Math.min(request.deadlineNanos(),
                System.nanoTime() + settings.limits().sessionDeadline().toNanos());
        SmtpSession.Endpoint endpoint = new SmtpSession.Endpoint(
                SocketAddress.inetSocketAddress(new java.net.InetSocketAddress(target.address(), target.port())),
                target.host(), target.implicitTls());
        SmtpSession.Options options = new SmtpSession.Options(settings.identity().heloName(), startTls);
        int session = opened;
        sessionStartNanos.put(session, System.nanoTime());
        settings.observer().dialogueStarted();
        SmtpSession.run(vertx, client, endpoint, options, settings.limits(), transcript, deadline,
                        hello -> {
                            transactionStartNanos.put(session, System.nanoTime());
                            return transactions(work, hello);
                        }, request.cancelled())
                .onComplete(ar -> {
                    permit.release();
                    if (ar.succeeded()) {
                        settings.observer().dialogueEnded(ar.result());
                    }
                    inFlight.remove(work);
                    active--;
                    if (done.future().isComplete()) {
                        return;
                    }
                    if (ar.succeeded()) {
                        onSessionDone(work, ar.result());
                    } else { // SmtpSession never fails; this guards against our own bugs
                        markNotRun(work, "internal error: " + ar.cause());
                    }
                    pump();
                });
    }

    /** The planner: called after EHLO, on the connection's context. */
    private List<Transaction> transactions(Work work, SmtpSession.ServerHello hello) {
        ProbeContext ctx = probeContext(hello);
        List<Transaction> list = new ArrayList<>();
        ProbeIdentity id = settings.identity();
        if (work.controls() && ctx != null) {
            list.add(new Transaction(CONTROL_ID, "<" + id.senderLocal() + "@" + id.senderDomain() + ">",
                    List.of("<postmaster@" + ctx.mailDomain() + ">", "<" + randomLocalPart + "@" + ctx.mailDomain() + ">")));
        }
        for (RelayVariant v : work.variants()) {
            if (ctx == null) {
                continue;
            }
            RelayVariant.Envelope env = envelope(v);
            list.add(new Transaction(v.id(), env.mailFrom(), List.of(env.rcptTo())));
        }
        return list;
    }

    /**
     * The placeholders' values, fixed by the first connection that gets this far, so that every
     * connection of this server uses the same server name and mail domain.
     */
    private ProbeContext probeContext(SmtpSession.ServerHello hello) {
        if (probeContext != null || mailDomainUnknown) {
            return probeContext;
        }
        String greetingName = MailDomains.hostNameFromGreeting(hello.greeting().firstWord()).orElse(null);
        String serverName = target.host() != null ? target.host()
                : greetingName != null ? greetingName : ProbeContext.addressLiteral(target.address());
        String mailDomain = request.mailDomain();
        if (mailDomain == null) {
            mailDomain = MailDomains.derive(greetingName).orElse(null);
            if (mailDomain == null && target.host() != null) {
                mailDomain = MailDomains.derive(target.host()).orElse(null);
            }
            mailDomainDerived = mailDomain != null;
        }
        if (mailDomain == null) {
            mailDomainUnknown = true;
            return null;
        }
        ProbeIdentity id = settings.identity();
        probeContext = new ProbeContext(id.senderLocal(), id.senderDomain(), id.recipientLocal(), id.recipientDomain(),
                serverName, target.address(), mailDomain);
        return probeContext;
    }

    /** The variant's envelope for this server, rendered once; null while the placeholders are unknown. */
    private RelayVariant.Envelope envelope(RelayVariant v) {
        return probeContext == null ? null : envelopes.computeIfAbsent(v.id(), id -> v.render(probeContext));
    }

    private void onSessionDone(Work work, SessionResult result) {
        sessions.add(result);
        Map<String, TransactionResult> byId = new HashMap<>();
        for (TransactionResult t : result.transactions()) {
            byId.put(t.id(), t);
        }
        SmtpFailure failure = result.failure();
        if (failure != null && failure.kind() == SmtpFailure.Kind.TLS_FAILED) {
            // The handshake broke this connection; the others go on in clear text and say so.
            startTls = false;
        }
        if (result.serviceClosing()) {
            stopOpening = true;
            stopReason = "the server said 421 (closing the channel): " + result.closingReply();
        } else if (result.closingReply() != null && result.transactions().isEmpty()) {
            stopOpening = true; // 554 greeting or EHLO/HELO refused: the next connection gets the same
            stopReason = "the server refused service: " + result.closingReply();
        }
        boolean retry = failure != null && RETRYABLE.contains(failure.kind()) && !stopOpening
                && result.greeting() != null && System.nanoTime() < request.deadlineNanos();
        List<RelayVariant> again = new ArrayList<>();
        boolean controlsAgain = false;

        if (work.controls()) {
            TransactionResult c = byId.get(CONTROL_ID);
            boolean complete = c != null && (c.mail() != null && !c.mail().isPositive()
                    || c.recipients().stream().allMatch(r -> r != null));
            if (complete || !canRetry(work, failure, retry)) {
                recordControls(c);
            } else {
                controlsAgain = true;
            }
        }
        for (RelayVariant v : work.variants()) {
            TransactionResult t = byId.get(v.id());
            String why = whyNotRun(result);
            if (probeContext == null && result.helloVerb() != null && mailDomainUnknown) {
                tests.put(v.id(), TestEvidence.notRun(v.id(), v.scope(), null, null,
                        "no mail domain: pass mailDomain, the greeting did not name a usable host"));
                continue;
            }
            RelayVariant.Envelope env = envelope(v);
            String mailFrom = env == null ? null : env.mailFrom();
            String rcptTo = env == null ? null : env.rcptTo();
            if (t != null && Outcome.of(t.mail(), t.recipients().get(0)) != Outcome.ERROR
                    && Outcome.of(t.mail(), t.recipients().get(0)) != Outcome.NOT_RUN) {
                tests.put(v.id(), TestEvidence.ran(v.id(), v.scope(), mailFrom, rcptTo, t.mail(), t.recipients().get(0)));
            } else if (canRetry(work, failure, retry)) {
                again.add(v);
            } else if (t != null) {
                tests.put(v.id(), TestEvidence.ran(v.id(), v.scope(), mailFrom, rcptTo, t.mail(), t.recipients().get(0)));
            } else {
                tests.put(v.id(), TestEvidence.notRun(v.id(), v.scope(), mailFrom, rcptTo, why));
            }
        }
        if (!again.isEmpty() || controlsAgain) {
            // A TLS failure is our handshake's problem, not the server's pace: it does not use up a retry.
            int attempt = failure.kind() == SmtpFailure.Kind.TLS_FAILED ? work.attempt() : work.attempt() + 1;
            pending.addFirst(new Work(again, controlsAgain, attempt));
        }
    }

    private boolean canRetry(Work work, SmtpFailure failure, boolean retry) {
        if (!retry) {
            return false;
        }
        // A TLS failure retries in clear text once more than the budget: it was our choice to try TLS.
        return failure.kind() == SmtpFailure.Kind.TLS_FAILED ? work.attempt() <= settings.retriesPerTest() + 1
                : work.attempt() <= settings.retriesPerTest();
    }

    private void recordControls(TransactionResult c) {
        ProbeIdentity id = settings.identity();
        String md = probeContext == null ? null : probeContext.mailDomain();
        String from = "<" + id.senderLocal() + "@" + id.senderDomain() + ">";
        if (md == null) {
            return; // no mail domain: the controls cannot be asked; the report says so
        }
        SmtpReply mail = c == null ? null : c.mail();
        SmtpReply postmaster = c == null ? null : c.recipients().get(0);
        SmtpReply random = c == null ? null : c.recipients().get(1);
        controls.put(Control.POSTMASTER, new ControlEvidence(Control.POSTMASTER, from, "<postmaster@" + md + ">", mail,
                postmaster, Outcome.of(mail, postmaster)));
        controls.put(Control.RANDOM_LOCAL, new ControlEvidence(Control.RANDOM_LOCAL, from,
                "<" + randomLocalPart + "@" + md + ">", mail, random, Outcome.of(mail, random)));
    }

    private void markNotRun(Work work, String why) {
        for (RelayVariant v : work.variants()) {
            RelayVariant.Envelope env = envelope(v);
            tests.putIfAbsent(v.id(), TestEvidence.notRun(v.id(), v.scope(), env == null ? null : env.mailFrom(),
                    env == null ? null : env.rcptTo(), why));
        }
        if (work.controls()) {
            recordControls(null);
        }
    }

    private static String whyNotRun(SessionResult result) {
        if (result.closingReply() != null) {
            return "the server refused service: " + result.closingReply();
        }
        if (result.failure() != null) {
            return result.failure().kind() + ": " + result.failure().getMessage();
        }
        return "not reached";
    }

    private ServerEvidence evidence() {
        SessionResult first = sessions.stream().filter(s -> s.greeting() != null).findFirst().orElse(null);
        SessionResult hello = sessions.stream().filter(s -> s.helloVerb() != null).findFirst().orElse(null);
        var tls = sessions.stream().filter(s -> s.tls() != null && s.tls().established()).map(SessionResult::tls)
                .findFirst().orElse(sessions.stream().map(SessionResult::tls).filter(t -> t != null).findFirst().orElse(null));
        SmtpReply closing = sessions.stream().map(SessionResult::closingReply).filter(r -> r != null).findFirst().orElse(null);
        List<SmtpFailure> failures = sessions.stream().map(SessionResult::failure).filter(f -> f != null).toList();
        List<TestEvidence> ordered = request.variants().stream()
                .map(v -> tests.getOrDefault(v.id(), TestEvidence.notRun(v.id(), v.scope(), null, null, "not reached")))
                .toList();
        List<String> extensions = hello == null ? List.of() : hello.extensions();
        return new ServerEvidence(target.host(), target.address().getHostAddress(), target.port(),
                sessions.stream().anyMatch(s -> s.connectMs() != null),
                first == null ? null : first.greeting(), closing,
                hello == null ? null : hello.helloVerb(), extensions, request.startTls(), tls,
                sessions.stream().anyMatch(SessionResult::pipelined), ordered, List.copyOf(controls.values()),
                failures, sessions.size(),
                Mta.detect(first == null ? null : first.greeting().text(), extensions),
                probeContext == null ? request.mailDomain() : probeContext.mailDomain(), mailDomainDerived);
    }

    private static String randomLocalPart() {
        char[] c = new char[16];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
