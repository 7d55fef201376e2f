package io.relaycheck.check;

import io.relaycheck.dns.AddressLookup;
import io.relaycheck.dns.DnsResolver;
import io.relaycheck.verdict.ReverseDns;
import io.vertx.core.Future;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The reverse DNS of one server address as evidence: its PTR names, then the A/AAAA records of
 * each (forward confirmation), all through the non-blocking {@link DnsResolver}. The future never
 * fails: a DNS failure or timeout is an answer ({@link ReverseDns.Status#FAILED}, or a forward
 * lookup with an error), which the diagnostics turn into an INFO finding.
 */
final class ReverseDnsLookup {

    /**
     * PTR names followed forward at most. An address rarely has more than one; a long list is a
     * misconfiguration, and following all of it would multiply queries for one check.
     */
    static final int MAX_NAMES_FOLLOWED = 5;

    private ReverseDnsLookup() {
    }

    /** Call on the check's context: the result completes there. {@code dns} null: not asked. */
    static Future<ReverseDns> lookup(DnsResolver dns, InetAddress address) {
        if (dns == null) {
            return Future.succeededFuture(ReverseDns.NOT_ASKED);
        }
        return dns.ptr(address).compose(names -> {
            if (names.isEmpty()) {
                return Future.succeededFuture(ReverseDns.none());
            }
            List<String> followed = names.subList(0, Math.min(names.size(), MAX_NAMES_FOLLOWED));
            List<Future<AddressLookup>> lookups = followed.stream()
                    .map(name -> looksLikeAddress(name) ? Future.<AddressLookup>succeededFuture(null)
                            : dns.addresses(name))
                    .toList();
            return Future.join(new ArrayList<>(lookups)).transform(ignored -> {
                List<ReverseDns.Forward> forward = new ArrayList<>();
                for (int i = 0; i < followed.size(); i++) {
                    Future<AddressLookup> f = lookups.get(i);
                    if (f.failed()) {
                        forward.add(new ReverseDns.Forward(followed.get(i), List.of(), message(f.cause())));
                    } else {
                        List<String> addresses = f.result() == null ? List.of() : f.result().addresses().stream()
                                .map(InetAddress::getHostAddress).toList();
                        forward.add(new ReverseDns.Forward(followed.get(i), addresses, null));
                    }
                }
                return Future.succeededFuture(ReverseDns.found(names, forward));
            });
        }, failure -> Future.succeededFuture(ReverseDns.failed(message(failure))));
    }

    /**
     * A PTR "name" that is an IP literal would be confirmed by the resolver's literal shortcut
     * without any lookup; it names no host, so it resolves to nothing and confirms nothing.
     */
    private static boolean looksLikeAddress(String name) {
        return name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
