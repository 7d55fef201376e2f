package io.relaycheck.check;

import java.net.InetAddress;

/**
 * One (host, address, port) to check.
 *
 * @param host         the name the user or DNS gave us (MX host or target host); null for an IP literal
 * @param address      the policy-checked address; connected to directly, never resolved again
 * @param port         25, 465 or 587 (or another allowed port)
 * @param mxPreference the MX preference when the host came from an MX record, else null
 */
public record ServerTarget(String host, InetAddress address, int port, Integer mxPreference) {

    /** RFC 8314 §3.3: port 465 speaks TLS from the first byte. */
    public boolean implicitTls() {
        return port == 465;
    }
}
