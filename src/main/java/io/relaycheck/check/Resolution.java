package io.relaycheck.check;

import io.relaycheck.verdict.Finding;
import io.relaycheck.verdict.Reason;

import java.util.List;

/**
 * Where a target's mail goes: the servers to check, the mail domain that follows from the
 * target, what DNS showed, and, when there is nothing to connect to, why.
 *
 * @param servers        the (host, address, port) list, ordered by MX preference then address
 * @param mailDomain     MD implied by the target (a domain with MX records), or null
 * @param findings       what resolution showed
 * @param noServerReason why there is nothing to check, when {@code servers} is empty
 */
public record Resolution(List<ServerTarget> servers, String mailDomain, List<Finding> findings, Reason noServerReason) {
    public Resolution {
        servers = List.copyOf(servers);
        findings = List.copyOf(findings);
    }
}
