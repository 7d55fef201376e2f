package io.relaycheck.check;

import io.relaycheck.smtp.TlsDetails;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** TLS as reported. */
@Schema(description = "What the TLS handshake showed. Untrusted or mismatched certificates are recorded, not fatal.")
public record TlsReport(
        @Schema(description = "STARTTLS or IMPLICIT (port 465)", example = "STARTTLS") String mode,
        @Schema(description = "Negotiated protocol", example = "TLSv1.3", nullable = true) String protocol,
        @Schema(description = "Negotiated cipher suite", example = "TLS_AES_256_GCM_SHA384", nullable = true) String cipher,
        @Schema(description = "Leaf certificate subject", nullable = true) String subject,
        @Schema(description = "Leaf certificate DNS and IP names") List<String> subjectAltNames,
        @Schema(description = "Leaf certificate issuer", nullable = true) String issuer,
        @Schema(description = "Leaf certificate expiry", nullable = true) Instant notAfter,
        @Schema(description = "Chain validates against the JVM's trusted CAs", nullable = true) Boolean trusted,
        @Schema(description = "Why the chain is not trusted", nullable = true) String trustError,
        @Schema(description = "The certificate names the expected host; null without a host name", nullable = true)
        Boolean hostnameMatches,
        @Schema(description = "The host name the certificate was checked against", nullable = true) String expectedHost,
        @Schema(description = "Handshake error or STARTTLS refusal", nullable = true) String error) {

    public static TlsReport of(TlsDetails t) {
        if (t == null) {
            return null;
        }
        return new TlsReport(t.mode(), t.protocol(), t.cipher(), t.subject(), t.subjectAltNames(), t.issuer(),
                t.notAfter(), t.trusted(), t.trustError(), t.hostnameMatches(), t.expectedHost(), t.error());
    }
}
