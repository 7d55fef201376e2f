package io.relaycheck.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides whether the service may open a connection to an address (DESIGN.md §6).
 *
 * <p>Relay Check connects wherever a user points it, so without this policy it is a tool for
 * reaching the operator's own network: loopback services, cloud metadata endpoints
 * (169.254.169.254), RFC 1918 hosts behind the firewall. The rules are data: one table per address
 * family, built from the IANA special-purpose address registries (RFC 6890 and its updates), and
 * the most specific matching block decides (longest prefix match), so the order of the table does
 * not matter and an exception inside a larger block is just a longer entry.
 *
 * <p>IPv6 addresses that carry an IPv4 address inside them (IPv4-mapped, IPv4-compatible, NAT64,
 * 6to4, Teredo) are unwrapped and the embedded IPv4 address is checked against the IPv4 table:
 * otherwise {@code ::ffff:127.0.0.1} or {@code 64:ff9b::a9fe:a9fe} walks past an IPv4-only list.
 *
 * <p>The caller must check <em>every</em> address a name resolves to, and connect to the checked
 * address, never to the name again (a second lookup can answer differently: DNS rebinding).
 */
public final class TargetPolicy {

    /** DESIGN.md §6 default for {@code relay-check.policy.allowed-ports}: SMTP, SMTPS, submission. */
    public static final Set<Integer> DEFAULT_ALLOWED_PORTS = Set.of(25, 465, 587);

    /** What to do with an address in a block. */
    private sealed interface Treatment {
    }

    /** Never connect; {@code rule} is what the user is told. */
    private record Refuse(String rule) implements Treatment {
    }

    /** Connect (used for exceptions inside a larger refused block, and for 2000::/3). */
    private record Allow() implements Treatment {
    }

    /**
     * The address embeds an IPv4 address at byte {@code offset}, bit-inverted when
     * {@code inverted}; it is refused as "{@code form} form of …" when that IPv4 address is
     * refused, and with {@code otherwise} (if present) when it is not.
     */
    private record Unwrap(String form, int offset, boolean inverted, Optional<String> otherwise)
            implements Treatment {
    }

    private record Rule(Cidr range, Treatment treatment) {
    }

    /** A refusal and, for unwrapped forms, the embedded IPv4 address (dotted quad) behind it. */
    private record Refusal(String rule, Optional<String> embedded) {
    }

    private static final String LOOPBACK = "loopback";
    private static final String LINK_LOCAL = "link-local";
    private static final String MULTICAST = "multicast";
    private static final String PRIVATE = "private (RFC 1918)";
    private static final String DOC_V4 = "documentation (RFC 5737)";

    /**
     * IPv4: every block of the IANA IPv4 Special-Purpose Address Registry (RFC 6890 §2.2.2) that is
     * not globally reachable, plus multicast and the limited broadcast address. Deliberately
     * absent: the anycast blocks that are globally reachable (192.31.196.0/24 AS112, RFC 7535;
     * 192.52.193.0/24 AMT, RFC 7450; 192.175.48.0/24, RFC 7534): reaching them does no harm.
     */
    private static final List<Rule> IPV4 = table(
            // RFC 1122 §3.2.1.3: "this host on this network"; 0.0.0.0 connects to the local host
            // on most systems.
            refuse("0.0.0.0/8", "unspecified (0.0.0.0/8)"),
            refuse("10.0.0.0/8", PRIVATE),
            // RFC 6598: shared address space between a carrier-grade NAT and its customers.
            refuse("100.64.0.0/10", "CGNAT (RFC 6598)"),
            // RFC 1122 §3.2.1.3: the whole /8 is loopback, not just 127.0.0.1.
            refuse("127.0.0.0/8", LOOPBACK),
            // RFC 3927; includes 169.254.169.254, the cloud instance metadata service.
            refuse("169.254.0.0/16", LINK_LOCAL),
            refuse("172.16.0.0/12", PRIVATE),
            // RFC 6890 §2.2.2: DS-Lite, NAT64 discovery, PCP/TURN anycast and others; not a place
            // for mail servers.
            refuse("192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"),
            refuse("192.0.2.0/24", DOC_V4),
            // RFC 3068, deprecated by RFC 7526: whoever answers is some 6to4 relay, not a target.
            refuse("192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24)"),
            refuse("192.168.0.0/16", PRIVATE),
            // RFC 2544 Appendix C (as corrected to a /15), listed by RFC 6890: lab networks.
            refuse("198.18.0.0/15", "benchmarking (RFC 2544, 198.18.0.0/15)"),
            refuse("198.51.100.0/24", DOC_V4),
            refuse("203.0.113.0/24", DOC_V4),
            // RFC 5771: TCP cannot be spoken to a group address.
            refuse("224.0.0.0/4", MULTICAST),
            // RFC 1112 §4: "reserved for future use", never assigned.
            refuse("240.0.0.0/4", "reserved (240.0.0.0/4)"),
            // RFC 919 §7 / RFC 8190: limited broadcast, more specific than 240.0.0.0/4.
            refuse("255.255.255.255/32", "broadcast"));

    /**
     * IPv6: the IANA IPv6 Special-Purpose Address Registry (RFC 6890 §2.2.3 and updates), plus the
     * rule that only 2000::/3 is global unicast (RFC 4291 §2.4): everything else is caught by the
     * ::/0 entry, so a block IANA designates in the future is refused until someone allows it.
     */
    private static final List<Rule> IPV6 = table(
            refuse("::/0", "reserved (outside global unicast 2000::/3)"),
            // RFC 4291 §2.4: IANA allocates global unicast addresses from 2000::/3 only.
            new Rule(Cidr.parse("2000::/3"), new Allow()),
            // RFC 4291 §2.5.2.
            refuse("::/128", "unspecified (::/128)"),
            // RFC 4291 §2.5.3.
            refuse("::1/128", LOOPBACK),
            // RFC 4291 §2.5.5.2: a dual-stack socket connecting here reaches the IPv4 address.
            unwrap("::ffff:0:0/96", "IPv4-mapped", 12, false, null),
            // RFC 4291 §2.5.5.1: deprecated and not routed; refused even with a public IPv4
            // inside, but the embedded address still names the reason when it is itself refused.
            // ::/128 and ::1/128 are inside this block and win as longer prefixes.
            unwrap("::/96", "IPv4-compatible", 12, false, "IPv4-compatible (deprecated, RFC 4291 §2.5.5.1)"),
            // RFC 6052 §2.1: the NAT64 well-known prefix; the IPv4 address is the last 32 bits.
            // RFC 6052 §3.1 forbids it for non-global IPv4 addresses, so those are refused.
            unwrap("64:ff9b::/96", "NAT64", 12, false, null),
            // RFC 8215: local-use NAT64 prefix. The operator picks a prefix length inside it
            // (RFC 6052 §2.2 layouts); we decode the /96 layout, by far the common one, so a DNS64
            // answer for a private IPv4 address is refused.
            unwrap("64:ff9b:1::/48", "local-use NAT64", 12, false, null),
            // RFC 6666: a black hole for remotely triggered discard routing.
            refuse("100::/64", "discard-only (100::/64)"),
            // RFC 2928: reserved for IETF protocol assignments; the named sub-blocks follow. The
            // globally reachable ones (AMT 2001:3::/32, AS112-v6 2001:4:112::/48, DRIP
            // 2001:30::/28) are refused with the rest: no mail server lives there.
            refuse("2001::/23", "IETF protocol assignments (2001::/23)"),
            // RFC 4380 §4: 2001:0::/32 prefix, server IPv4 in bits 32-63, client IPv4 in bits
            // 96-127 with every bit inverted ("obfuscated") so NATs do not rewrite it.
            unwrap("2001::/32", "Teredo", 12, true, null),
            // RFC 5180: benchmarking, the IPv6 counterpart of 198.18.0.0/15.
            refuse("2001:2::/48", "benchmarking (RFC 5180, 2001:2::/48)"),
            // RFC 4843 (deprecated) and RFC 7343: cryptographic hash identifiers, not routable.
            refuse("2001:10::/28", "ORCHID (RFC 4843)"),
            refuse("2001:20::/28", "ORCHIDv2 (RFC 7343)"),
            refuse("2001:db8::/32", "documentation (RFC 3849)"),
            // RFC 3056 §2: 2002:V4ADDR::/48, the IPv4 address is bits 16-47.
            unwrap("2002::/16", "6to4", 2, false, null),
            // RFC 9637: the second documentation block.
            refuse("3fff::/20", "documentation (RFC 9637)"),
            refuse("fc00::/7", "unique-local (RFC 4193)"),
            refuse("fe80::/10", LINK_LOCAL),
            // RFC 3879 deprecated site-local addresses, but old networks still route them
            // internally.
            refuse("fec0::/10", "site-local (fec0::/10, deprecated by RFC 3879)"),
            refuse("ff00::/8", MULTICAST));

    private TargetPolicy() {
    }

    /**
     * The rule that forbids connecting to {@code address}, such as {@code "loopback"},
     * {@code "private (RFC 1918)"} or {@code "IPv4-mapped form of loopback"}; empty when the
     * address may be contacted.
     */
    public static Optional<String> refusal(InetAddress address) {
        return evaluate(address).map(Refusal::rule);
    }

    /**
     * The refusal as a sentence for users: {@code "127.0.0.1 is loopback"}. For an IPv6 address
     * whose embedded IPv4 address is not visible in its text (NAT64, 6to4, Teredo), names that
     * address too: {@code "2002:7f00:1::1 is 6to4 form of loopback; it embeds 127.0.0.1"}.
     * Addresses are printed in RFC 5952 form and never reverse-resolved.
     */
    public static Optional<String> explainRefusal(InetAddress address) {
        return evaluate(address).map(refusal -> {
            String text = IpLiterals.toText(address);
            String sentence = format(text, refusal.rule());
            return refusal.embedded()
                    .filter(embedded -> !text.endsWith(embedded))
                    .map(embedded -> sentence + "; it embeds " + embedded)
                    .orElse(sentence);
        });
    }

    /** {@code "<address> is <rule>"}: the one place that decides how a refusal reads. */
    public static String format(String addressText, String rule) {
        return addressText + " is " + rule;
    }

    /**
     * Checks the addresses in iteration order and explains the first refused one (see
     * {@link #explainRefusal}); empty when every address is allowed, including when there are
     * none, which the caller reports as "nothing to connect to".
     */
    public static Optional<String> firstRefusal(Collection<? extends InetAddress> addresses) {
        for (InetAddress address : addresses) {
            Optional<String> refusal = explainRefusal(Objects.requireNonNull(address, "address"));
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    /**
     * Why the service will not connect to {@code port}, as a sentence for users; empty when it
     * may. Only configured ports are allowed (DESIGN.md §6: default 25, 465, 587) so the service
     * cannot be used to probe arbitrary TCP services.
     */
    public static Optional<String> portRefusal(int port, Set<Integer> allowedPorts) {
        Objects.requireNonNull(allowedPorts, "allowedPorts");
        if (port < 1 || port > 65535) {
            return Optional.of("port " + port + " is not a valid TCP port (1-65535)");
        }
        if (allowedPorts.contains(port)) {
            return Optional.empty();
        }
        String allowed = new TreeSet<>(allowedPorts).stream().map(String::valueOf).collect(Collectors.joining(", "));
        return Optional.of("port " + port + " is not allowed; allowed ports: "
                + (allowed.isEmpty() ? "none are configured" : allowed));
    }

    private static Optional<Refusal> evaluate(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return ipv4Rule(bytes).map(rule -> new Refusal(rule, Optional.empty()));
        }
        // ::/0 is in the table, so every IPv6 address matches something.
        Treatment treatment = longestMatch(IPV6, bytes).orElseThrow().treatment();
        if (treatment instanceof Refuse refuse) {
            return Optional.of(new Refusal(refuse.rule(), Optional.empty()));
        }
        if (treatment instanceof Unwrap unwrap) {
            byte[] v4 = new byte[4];
            for (int i = 0; i < 4; i++) {
                v4[i] = (byte) (unwrap.inverted() ? ~bytes[unwrap.offset() + i] : bytes[unwrap.offset() + i]);
            }
            Optional<String> embedded = Optional.of(IpLiterals.dottedQuad(v4, 0));
            Optional<String> inner = ipv4Rule(v4);
            if (inner.isPresent()) {
                return Optional.of(new Refusal(unwrap.form() + " form of " + inner.get(), embedded));
            }
            return unwrap.otherwise().map(rule -> new Refusal(rule, embedded));
        }
        return Optional.empty();
    }

    private static Optional<String> ipv4Rule(byte[] v4) {
        return longestMatch(IPV4, v4).map(Rule::treatment)
                .filter(Refuse.class::isInstance)
                .map(t -> ((Refuse) t).rule());
    }

    private static Optional<Rule> longestMatch(List<Rule> table, byte[] address) {
        Rule best = null;
        for (Rule rule : table) {
            if (rule.range().contains(address)
                    && (best == null || rule.range().prefixLength() > best.range().prefixLength())) {
                best = rule;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Rule refuse(String cidr, String rule) {
        return new Rule(Cidr.parse(cidr), new Refuse(rule));
    }

    private static Rule unwrap(String cidr, String form, int offset, boolean inverted, String otherwise) {
        return new Rule(Cidr.parse(cidr), new Unwrap(form, offset, inverted, Optional.ofNullable(otherwise)));
    }

    /**
     * Longest-prefix match needs each block at most once: two entries for the same block would
     * make the answer depend on table order, which this design exists to avoid.
     */
    private static List<Rule> table(Rule... rules) {
        Set<Cidr> seen = new HashSet<>();
        List<Rule> list = new ArrayList<>(rules.length);
        for (Rule rule : rules) {
            if (!seen.add(rule.range())) {
                throw new IllegalStateException("block listed twice: " + rule.range());
            }
            list.add(rule);
        }
        return List.copyOf(list);
    }
}
