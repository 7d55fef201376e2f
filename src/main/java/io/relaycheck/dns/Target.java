package io.relaycheck.dns;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What the user asked us to check, after {@link TargetParser} has validated it: either an address
 * to connect to directly, or a domain name whose MX hosts (or, without MX, its own A/AAAA records,
 * RFC 5321 §5.1) are to be resolved. Nothing else can reach the resolver or the socket.
 */
public sealed interface Target {

    /** The target as a person should read it: RFC 5952 text for addresses, the ASCII name. */
    String text();

    /**
     * An IP address literal. IPv6 literals are always {@link java.net.Inet6Address}, including
     * IPv4-mapped ones, so the policy can name the mapped form.
     */
    record IpLiteral(InetAddress address) implements Target {
        public IpLiteral {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String text() {
            return IpLiterals.toText(address);
        }
    }

    /**
     * A domain name in ASCII (A-label) form, lower case, without a trailing dot: what goes into a
     * DNS query and into an SMTP command.
     */
    record DomainName(String asciiName) implements Target {
        public DomainName {
            Objects.requireNonNull(asciiName, "asciiName");
        }

        @Override
        public String text() {
            return asciiName;
        }
    }
}
