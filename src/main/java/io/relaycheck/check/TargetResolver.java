package io.relaycheck.check;

import io.relaycheck.dns.AddressLookup;
import io.relaycheck.dns.DnsFailure;
import io.relaycheck.dns.DnsResolver;
import io.relaycheck.dns.MxLookup;
import io.relaycheck.dns.MxRecord;
import io.relaycheck.dns.Target;
import io.relaycheck.verdict.Finding;
import io.relaycheck.verdict.Reason;
import io.relaycheck.verdict.Status;
import io.vertx.core.Future;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * From a target to the servers to check (DESIGN.md §2, RFC 5321 §5.1): an IP literal directly; a
 * name by its MX hosts in preference order and every A/AAAA address of each; without MX, the
 * name's own addresses (the implicit MX); a null MX (RFC 7505) means "accepts no mail".
 */
public final class TargetResolver {

    private final DnsResolver dns;
    private final int maxAddresses;

    public TargetResolver(DnsResolver dns, int maxAddresses) {
        this.dns = dns;
        this.maxAddresses = maxAddresses;
    }

    public Future<Resolution> resolve(Target target, int port) {
        if (target instanceof Target.IpLiteral ip) {
            return Future.succeededFuture(new Resolution(List.of(new ServerTarget(null, ip.address(), port, null)),
                    null, List.of(), null));
        }
        String name = ((Target.DomainName) target).asciiName();
        return dns.mx(name).compose(mx -> {
            if (mx instanceof MxLookup.Mx m) {
                return mxHosts(name, m.records(), port);
            }
            if (mx instanceof MxLookup.NullMx) {
                return Future.succeededFuture(new Resolution(List.of(), name, List.of(new Finding("mx", Status.INFO,
                        "The domain accepts no mail (null MX)", name + " publishes MX 0 . (RFC 7505).",
                        "A null MX declares that the domain receives no mail, so there is no server to check.", null)),
                        Reason.NO_MAIL_SERVER));
            }
            if (mx instanceof MxLookup.NoRecords) {
                return implicitMx(name, port);
            }
            return Future.succeededFuture(new Resolution(List.of(), null, List.of(new Finding("mx", Status.FAIL,
                    "The domain does not exist", "DNS answers NXDOMAIN for " + name + ".",
                    "Nothing can deliver mail to a name that does not exist.", "Check the spelling of the target.")),
                    Reason.NO_MAIL_SERVER));
        }, failure -> Future.succeededFuture(dnsFailed(name, "MX", failure)));
    }

    private Future<Resolution> mxHosts(String domain, List<MxRecord> records, int port) {
        List<Future<AddressLookup>> lookups = records.stream().map(r -> dns.addresses(r.host())).toList();
        return Future.join(new ArrayList<>(lookups)).transform(ignored -> {
            List<ServerTarget> servers = new ArrayList<>();
            List<Finding> findings = new ArrayList<>();
            Throwable lookupFailure = null;
            findings.add(new Finding("mx", Status.PASS, records.size() + " MX record" + (records.size() == 1 ? "" : "s"),
                    records.stream().map(r -> r.preference() + " " + r.host()).collect(Collectors.joining(", ")),
                    "RFC 5321 §5.1: mail for " + domain + " goes to these hosts in order of preference.", null));
            for (int i = 0; i < records.size(); i++) {
                MxRecord r = records.get(i);
                Future<AddressLookup> f = lookups.get(i);
                if (f.failed()) {
                    lookupFailure = lookupFailure == null ? f.cause() : lookupFailure;
                    findings.add(dnsFinding(r.host(), "A/AAAA", f.cause()));
                } else if (f.result().status() != AddressLookup.Status.FOUND) {
                    findings.add(new Finding("mx-address", Status.FAIL, "MX host without addresses",
                            "MX host " + r.host() + " (preference " + r.preference() + ") has "
                                    + (f.result().status() == AddressLookup.Status.NX_DOMAIN ? "no DNS entry (NXDOMAIN)"
                                    : "no A or AAAA records") + ".",
                            "Senders cannot deliver to this MX host and fall back to the next one, or bounce.",
                            "Publish A/AAAA records for " + r.host() + " or remove the MX record."));
                } else {
                    for (InetAddress a : f.result().addresses()) {
                        servers.add(new ServerTarget(r.host(), a, port, r.preference()));
                    }
                }
            }
            if (servers.isEmpty() && lookupFailure != null) {
                // Nothing to check because DNS did not answer: say that, not "no mail server".
                boolean timeout = lookupFailure instanceof DnsFailure d && d.kind() == DnsFailure.Kind.TIMEOUT;
                return Future.succeededFuture(new Resolution(List.of(), domain, findings,
                        timeout ? Reason.TIMEOUT : Reason.DNS_ERROR));
            }
            return Future.succeededFuture(capped(domain, servers, findings, domain));
        });
    }

    /** RFC 5321 §5.1: no MX records → the domain itself, as if MX 0. */
    private Future<Resolution> implicitMx(String name, int port) {
        return dns.addresses(name).transform(ar -> {
            if (ar.failed()) {
                return Future.succeededFuture(dnsFailed(name, "A/AAAA", ar.cause()));
            }
            AddressLookup lookup = ar.result();
            if (lookup.status() != AddressLookup.Status.FOUND) {
                return Future.succeededFuture(new Resolution(List.of(), null, List.of(new Finding("mx", Status.FAIL,
                        "No mail server", name + " has no MX records and no A or AAAA records"
                        + (lookup.status() == AddressLookup.Status.NX_DOMAIN ? " (NXDOMAIN)." : "."),
                        "There is nothing that could receive mail for this name.", null)), Reason.NO_MAIL_SERVER));
            }
            List<ServerTarget> servers = lookup.addresses().stream()
                    .map(a -> new ServerTarget(name, a, port, null)).toList();
            List<Finding> findings = new ArrayList<>();
            findings.add(new Finding("mx", Status.INFO, "No MX records: using the host's own addresses",
                    name + " has no MX records; its A/AAAA records are used as an implicit MX (RFC 5321 §5.1).",
                    "Fine for a host name; a mail domain usually publishes MX records.", null));
            // A name without MX is a host rather than a mail domain: MD is derived from the greeting.
            return Future.succeededFuture(capped(name, servers, findings, null));
        });
    }

    /**
     * The report lists servers in this order, and the cap keeps the first of them: MX preference
     * (an implicit MX counts as 0), then host name, then address, IPv4 before IPv6. Sorting here
     * rather than trusting answer order keeps reports stable when a DNS server rotates its answers.
     */
    static final Comparator<ServerTarget> ORDER = Comparator
            .comparingInt((ServerTarget s) -> s.mxPreference() == null ? 0 : s.mxPreference())
            .thenComparing(ServerTarget::host, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(ServerTarget::address, TargetResolver::compareAddresses);

    private Resolution capped(String name, List<ServerTarget> found, List<Finding> findings, String mailDomain) {
        List<ServerTarget> servers = found.stream().sorted(ORDER).toList();
        if (servers.size() > maxAddresses) {
            List<ServerTarget> left = servers.subList(maxAddresses, servers.size());
            findings.add(new Finding("address-cap", Status.INFO, "Only the first " + maxAddresses + " addresses were checked",
                    name + " resolves to " + servers.size() + " addresses; " + left.size()
                            + " were left out by relay-check.limits.max-addresses-per-check (" + maxAddresses + "): "
                            + left.stream().map(TargetResolver::describe).collect(Collectors.joining(", ")) + ".",
                    "A cap keeps one request from fanning out without limit. The most preferred MX hosts are kept.",
                    null));
            servers = servers.subList(0, maxAddresses);
        }
        return new Resolution(servers, mailDomain, findings, servers.isEmpty() ? Reason.NO_MAIL_SERVER : null);
    }

    private static String describe(ServerTarget s) {
        return (s.host() == null ? "" : s.host() + " ") + "[" + s.address().getHostAddress() + "]";
    }

    private static int compareAddresses(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    }

    private static Resolution dnsFailed(String name, String type, Throwable failure) {
        boolean timeout = failure instanceof DnsFailure d && d.kind() == DnsFailure.Kind.TIMEOUT;
        return new Resolution(List.of(), null, List.of(dnsFinding(name, type, failure)),
                timeout ? Reason.TIMEOUT : Reason.DNS_ERROR);
    }

    private static Finding dnsFinding(String name, String type, Throwable failure) {
        return new Finding("dns", Status.FAIL, "DNS lookup failed", type + " lookup of " + name + ": "
                + failure.getMessage(), "Without DNS answers, senders cannot find this mail server either.", null);
    }
}
