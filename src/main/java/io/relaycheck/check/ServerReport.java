package io.relaycheck.check;

import io.relaycheck.verdict.Finding;
import io.relaycheck.verdict.Reason;
import io.relaycheck.verdict.Verdict;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** The report for one (host, address, port). */
@Schema(description = "The check of one server: one MX host (or target host) at one address.")
public record ServerReport(
        @Schema(description = "MX host or target host name; null for an IP literal target", nullable = true,
                example = "mx.example.org") String host,
        @Schema(description = "The address connected to", example = "192.0.2.25") String address,
        @Schema(example = "25") int port,
        @Schema(description = "MX preference when the host came from an MX record", nullable = true) Integer mxPreference,
        Verdict verdict,
        Reason reason,
        @Schema(description = "The MTA as recognised from greeting and EHLO", example = "Postfix") String mta,
        @Schema(description = "The greeting", nullable = true, example = "220 mx.example.org ESMTP Postfix") String banner,
        @Schema(description = "EHLO, or HELO after EHLO was refused", nullable = true, example = "EHLO") String helo,
        @Schema(description = "EHLO keywords with parameters") List<String> extensions,
        @Schema(nullable = true) TlsReport tls,
        Timings timings,
        @Schema(description = "The mail domain (MD) used by the controls and local-sender tests", nullable = true,
                example = "example.org") String mailDomain,
        @Schema(description = "True when MD was derived from the greeting name rather than given") boolean mailDomainDerived,
        @Schema(description = "SMTP connections opened for this server", example = "4") int connections,
        List<RelayTestReport> relayTests,
        List<ControlReport> controls,
        List<Finding> findings,
        @Schema(description = "Every line of every connection, ordered by time; empty when transcript=false")
        List<TranscriptLine> transcript,
        @Schema(description = "In a batch, each server (host, address, port) is checked once: when another target of "
                + "the same batch reached this server first, the target whose check ran the dialogues reported here "
                + "(its mail domain is the one the controls and local tests used); null when this check ran them",
                nullable = true, example = "example.org") String sharedFrom) {
}
