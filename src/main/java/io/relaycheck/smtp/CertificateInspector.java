package io.relaycheck.smtp;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.net.IDN;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a TLS session into {@link TlsDetails}: the handshake itself trusts every certificate (we
 * must see the server's answers even when its certificate is bad), and this class then judges the
 * chain against the JVM's CA set and the expected host name, so the judgement is evidence rather
 * than a failed connection. Pure computation, no I/O (revocation checking is off: it would fetch
 * CRLs or OCSP over the network from the event loop).
 */
public final class CertificateInspector {

    private static volatile Set<TrustAnchor> anchors;

    private CertificateInspector() {
    }

    public static TlsDetails inspect(String mode, SSLSession session, String expectedHost) {
        X509Certificate[] chain;
        try {
            chain = Arrays.stream(session.getPeerCertificates())
                    .filter(X509Certificate.class::isInstance)
                    .map(X509Certificate.class::cast)
                    .toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException e) {
            chain = new X509Certificate[0];
        }
        if (chain.length == 0) {
            return new TlsDetails(mode, session.getProtocol(), session.getCipherSuite(), null, List.of(), null, null,
                    false, "the server presented no certificate", null, expectedHost, null);
        }
        X509Certificate leaf = chain[0];
        String trustError = validate(chain);
        Boolean matches = expectedHost == null ? null : hostnameMatches(leaf, expectedHost);
        return new TlsDetails(mode, session.getProtocol(), session.getCipherSuite(),
                leaf.getSubjectX500Principal().getName(), subjectAltNames(leaf),
                leaf.getIssuerX500Principal().getName(), leaf.getNotAfter().toInstant(),
                trustError == null, trustError, matches, expectedHost, null);
    }

    /** Null when the chain validates against the JVM's trusted CAs, else the reason. */
    static String validate(X509Certificate[] chain) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            PKIXParameters params = new PKIXParameters(trustAnchors());
            params.setRevocationEnabled(false);
            // Drop a self-issued root the server may have sent; the anchor set supplies roots.
            List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
            if (path.size() > 1) {
                X509Certificate last = path.get(path.size() - 1);
                if (last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                    path.remove(path.size() - 1);
                }
            }
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);
            return null;
        } catch (Exception e) {
            String message = e.getMessage();
            return message == null ? e.getClass().getSimpleName() : message;
        }
    }

    private static Set<TrustAnchor> trustAnchors() throws Exception {
        Set<TrustAnchor> a = anchors;
        if (a == null) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            Set<TrustAnchor> set = new HashSet<>();
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        set.add(new TrustAnchor(c, null));
                    }
                }
            }
            anchors = a = Set.copyOf(set);
        }
        return a;
    }

    static List<String> subjectAltNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress (RFC 5280 §4.2.1.6)
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException ignored) {
            // an unparseable extension is the same as none for our purpose
        }
        return names;
    }

    /**
     * RFC 6125 §6.4: compare against DNS-ID subjectAltNames, a wildcard allowed only as the whole
     * left-most label; the subject CN only when there is no DNS-ID at all (§6.4.4).
     */
    static boolean hostnameMatches(X509Certificate cert, String host) {
        String wanted = normalize(host);
        List<String> dnsNames = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if ((Integer) san.get(0) == 2) {
                        dnsNames.add(String.valueOf(san.get(1)));
                    } else if ((Integer) san.get(0) == 7 && String.valueOf(san.get(1)).equalsIgnoreCase(host)) {
                        return true;
                    }
                }
            }
        } catch (CertificateParsingException ignored) {
            // fall through to CN
        }
        if (dnsNames.isEmpty()) {
            String dn = cert.getSubjectX500Principal().getName();
            for (String part : dn.split(",")) {
                if (part.trim().toUpperCase(Locale.ROOT).startsWith("CN=")) {
                    dnsNames.add(part.trim().substring(3));
                }
            }
        }
        for (String name : dnsNames) {
            if (matches(normalize(name), wanted)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1)) && pattern.indexOf('.', 2) > 0;
        }
        return pattern.equals(host);
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        try {
            return IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return n;
        }
    }
}
