package io.relaycheck.probe;

import com.google.common.net.InternetDomainName;

import java.util.Locale;
import java.util.Optional;

/** Works out which domain a server is responsible for when the user did not say. */
public final class MailDomains {

    private MailDomains() {
    }

    /**
     * The registrable domain of a host name by the public suffix list ({@code mx1.mail.example.co.uk}
     * → {@code example.co.uk}); for names under no public suffix (a lab's {@code mx.relay.test}),
     * the parent domain. Empty when the name is not a usable domain name (an IP, a single label,
     * garbage from a hostile greeting).
     */
    public static Optional<String> derive(String hostName) {
        if (hostName == null) {
            return Optional.empty();
        }
        String name = hostName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.startsWith("[") || name.chars().allMatch(c -> c == '.' || Character.isDigit(c))
                || name.indexOf('.') < 0) {
            return Optional.empty();
        }
        InternetDomainName domain;
        try {
            domain = InternetDomainName.from(name);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (domain.isUnderPublicSuffix()) {
            return Optional.of(domain.topPrivateDomain().toString());
        }
        if (domain.isPublicSuffix()) {
            return Optional.empty();
        }
        return domain.hasParent() && domain.parent().parts().size() >= 2
                ? Optional.of(domain.parent().toString())
                : Optional.of(domain.toString());
    }

    /** A host name as the first word of a greeting or EHLO reply, when it looks like one. */
    public static Optional<String> hostNameFromGreeting(String firstWord) {
        if (firstWord == null || firstWord.isEmpty() || firstWord.length() > 253) {
            return Optional.empty();
        }
        String w = firstWord.toLowerCase(Locale.ROOT);
        if (!w.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+\\.?")) {
            return Optional.empty();
        }
        return Optional.of(w.endsWith(".") ? w.substring(0, w.length() - 1) : w);
    }
}
