package io.relaycheck.smtp;

import java.time.Instant;
import java.util.List;

/**
 * What the TLS handshake showed. An untrusted or mismatched certificate is recorded here, never
 * fatal: opportunistic STARTTLS between MTAs does not authenticate (RFC 3207 §4.1, RFC 7435), so
 * the relay question is still worth answering, and the certificate problem becomes a finding.
 *
 * @param mode            {@code STARTTLS} or {@code IMPLICIT}
 * @param protocol        e.g. {@code TLSv1.3}; null when the handshake failed
 * @param cipher          negotiated cipher suite; null when the handshake failed
 * @param subject         the leaf certificate's subject DN
 * @param subjectAltNames DNS and IP names of the leaf certificate
 * @param issuer          the leaf certificate's issuer DN
 * @param notAfter        the leaf certificate's expiry
 * @param trusted         whether the chain validates against the JVM's trusted CAs
 * @param trustError      why it does not, when it does not
 * @param hostnameMatches whether the certificate names the host we expected; null when we had no
 *                        name to expect (an IP literal target)
 * @param expectedHost    the name the certificate was checked against
 * @param error           the handshake error, or STARTTLS refusal, when there is no session
 */
public record TlsDetails(String mode, String protocol, String cipher, String subject, List<String> subjectAltNames,
                         String issuer, Instant notAfter, Boolean trusted, String trustError,
                         Boolean hostnameMatches, String expectedHost, String error) {

    public static TlsDetails failed(String mode, String error) {
        return new TlsDetails(mode, null, null, null, List.of(), null, null, null, null, null, null, error);
    }

    public boolean established() {
        return protocol != null;
    }
}
