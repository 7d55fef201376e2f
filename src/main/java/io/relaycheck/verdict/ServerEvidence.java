package io.relaycheck.verdict;

import io.relaycheck.smtp.SmtpFailure;
import io.relaycheck.smtp.SmtpReply;
import io.relaycheck.smtp.TlsDetails;

import java.util.List;
import java.util.Optional;

/**
 * Everything collected about one server (one address, one port), the input of {@link Grader}.
 *
 * @param host              the name we know the server by (MX or target host), or null
 * @param address           the address we connected to
 * @param port              the port
 * @param connected         whether any connection was made
 * @param greeting          the first greeting received, or null
 * @param closingReply      a reply that shut the service for us: a non-220 greeting, a refused
 *                          EHLO and HELO, or a 421 mid-dialogue; null when none
 * @param helloVerb         EHLO or HELO, as accepted
 * @param extensions        EHLO keywords with parameters (after TLS when TLS was used)
 * @param startTlsWanted    whether the request allowed STARTTLS
 * @param tls               what TLS showed, or null when not attempted
 * @param pipelining        whether the server advertised PIPELINING
 * @param relayTests        one entry per selected variant, run or not
 * @param controls          one entry per control asked
 * @param failures          how connections ended abnormally, in order
 * @param sessions          connections opened
 * @param mta               the MTA as detected
 * @param mailDomain        the mail domain used for the controls and local-sender tests, or null
 * @param mailDomainDerived whether it was derived from the greeting rather than given
 * @param diagnostics       reverse DNS, timings and the time of observation, for {@link Diagnostics}
 */
public record ServerEvidence(String host, String address, int port, boolean connected, SmtpReply greeting,
                             SmtpReply closingReply, String helloVerb, List<String> extensions,
                             boolean startTlsWanted, TlsDetails tls, boolean pipelining,
                             List<TestEvidence> relayTests, List<ControlEvidence> controls,
                             List<SmtpFailure> failures, int sessions, Mta mta, String mailDomain,
                             boolean mailDomainDerived, DiagnosticEvidence diagnostics) {

    public ServerEvidence {
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        relayTests = List.copyOf(relayTests);
        controls = List.copyOf(controls);
        failures = List.copyOf(failures);
        diagnostics = diagnostics == null ? DiagnosticEvidence.NONE : diagnostics;
    }

    /** Evidence without diagnostics data: the verdict needs none of it. */
    public ServerEvidence(String host, String address, int port, boolean connected, SmtpReply greeting,
                          SmtpReply closingReply, String helloVerb, List<String> extensions,
                          boolean startTlsWanted, TlsDetails tls, boolean pipelining,
                          List<TestEvidence> relayTests, List<ControlEvidence> controls,
                          List<SmtpFailure> failures, int sessions, Mta mta, String mailDomain,
                          boolean mailDomainDerived) {
        this(host, address, port, connected, greeting, closingReply, helloVerb, extensions, startTlsWanted, tls,
                pipelining, relayTests, controls, failures, sessions, mta, mailDomain, mailDomainDerived,
                DiagnosticEvidence.NONE);
    }

    public ServerEvidence withDiagnostics(DiagnosticEvidence d) {
        return new ServerEvidence(host, address, port, connected, greeting, closingReply, helloVerb, extensions,
                startTlsWanted, tls, pipelining, relayTests, controls, failures, sessions, mta, mailDomain,
                mailDomainDerived, d);
    }

    public Optional<ControlEvidence> control(io.relaycheck.probe.Control which) {
        return controls.stream().filter(c -> c.control() == which).findFirst();
    }

    public boolean failedWith(SmtpFailure.Kind kind) {
        return failures.stream().anyMatch(f -> f.kind() == kind);
    }
}
