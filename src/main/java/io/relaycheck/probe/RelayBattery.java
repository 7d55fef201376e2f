package io.relaycheck.probe;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay battery of DESIGN.md §4, as data. nmap's smtp-open-relay script contributes sixteen
 * tricks (its numbering is kept in {@code origin}); MAPS, DSBL and mailradar tests add spoofed
 * local senders, address forms and routing syntaxes that old or misconfigured MTAs still honour.
 */
public final class RelayBattery {

    private static final RelayVariant.Scope F = RelayVariant.Scope.FOREIGN;
    private static final RelayVariant.Scope L = RelayVariant.Scope.LOCAL_ROUTED;

    /** Every variant, in the order they are reported. */
    public static final List<RelayVariant> ALL = List.of(
            new RelayVariant("null-sender", "<>", "<{T}@{D}>", "nmap 1, MAPS", F),
            new RelayVariant("external-sender", "<{F}@{PD}>", "<{T}@{D}>", "nmap 2, MxToolbox", F),
            new RelayVariant("host-sender", "<{F}@{S}>", "<{T}@{D}>", "nmap 3", F),
            new RelayVariant("ip-literal-sender", "<{F}@{IP}>", "<{T}@{D}>", "nmap 4", F),
            new RelayVariant("percent-hack-ip", "<{F}@{IP}>", "<{T}%{D}@{IP}>", "nmap 5", L),
            new RelayVariant("percent-hack-host", "<{F}@{IP}>", "<{T}%{D}@{S}>", "nmap 6", L),
            new RelayVariant("quoted-address", "<{F}@{IP}>", "<\"{T}@{D}\">", "nmap 7", L),
            new RelayVariant("quoted-percent", "<{F}@{IP}>", "<\"{T}%{D}\">", "nmap 8", L),
            new RelayVariant("double-at-ip", "<{F}@{IP}>", "<{T}@{D}@{IP}>", "nmap 9", L),
            new RelayVariant("quoted-at-ip", "<{F}@{IP}>", "<\"{T}@{D}\"@{IP}>", "nmap 10", L),
            new RelayVariant("double-at-host", "<{F}@{IP}>", "<{T}@{D}@{S}>", "nmap 11", L),
            new RelayVariant("source-route-ip", "<{F}@{IP}>", "<@{IP}:{T}@{D}>", "nmap 12", F),
            new RelayVariant("source-route-host", "<{F}@{IP}>", "<@{S}:{T}@{D}>", "nmap 13", F),
            new RelayVariant("bang-path", "<{F}@{IP}>", "<{D}!{T}>", "nmap 14", L),
            new RelayVariant("bang-path-ip", "<{F}@{IP}>", "<{D}!{T}@{IP}>", "nmap 15", L),
            new RelayVariant("bang-path-host", "<{F}@{IP}>", "<{D}!{T}@{S}>", "nmap 16", L),
            new RelayVariant("local-sender", "<{F}@{MD}>", "<{T}@{D}>", "spoofed local sender", F),
            new RelayVariant("postmaster-sender", "<postmaster@{MD}>", "<{T}@{D}>", "spoofed local sender", F),
            new RelayVariant("localhost-sender", "<{F}@localhost>", "<{T}@{D}>", "MAPS", F),
            new RelayVariant("bare-sender", "<{F}>", "<{T}@{D}>", "MAPS, DSBL", F),
            new RelayVariant("unbracketed-rcpt", "<{F}@{PD}>", "{T}@{D}", "DSBL", F),
            new RelayVariant("percent-hack-domain", "<{F}@{PD}>", "<{T}%{D}@{MD}>", "DSBL", L),
            new RelayVariant("source-route-domain", "<{F}@{PD}>", "<@{MD}:{T}@{D}>", "DSBL", F),
            new RelayVariant("trailing-at", "<{F}@{PD}>", "<{T}@{D}@>", "mailradar", F),
            new RelayVariant("percent-hack-localhost", "<{F}@{PD}>", "<{T}%{D}@localhost>", "DSBL", L),
            new RelayVariant("bang-sender", "<{D}!{F}>", "<{T}@{D}>", "DSBL", F));

    private static final Map<String, RelayVariant> BY_ID;

    static {
        Map<String, RelayVariant> m = new LinkedHashMap<>();
        for (RelayVariant v : ALL) {
            if (m.put(v.id(), v) != null) {
                throw new IllegalStateException("duplicate variant id " + v.id());
            }
        }
        BY_ID = Map.copyOf(m);
    }

    private RelayBattery() {
    }

    public static RelayVariant byId(String id) {
        return BY_ID.get(id);
    }

    public static boolean exists(String id) {
        return BY_ID.containsKey(id);
    }

    /**
     * The selected variants in battery order; all when {@code ids} is null or empty.
     *
     * @throws IllegalArgumentException naming the first unknown id
     */
    public static List<RelayVariant> select(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return ALL;
        }
        for (String id : ids) {
            if (!exists(id)) {
                throw new IllegalArgumentException("unknown relay test id: " + id);
            }
        }
        return ALL.stream().filter(v -> ids.contains(v.id())).toList();
    }
}
