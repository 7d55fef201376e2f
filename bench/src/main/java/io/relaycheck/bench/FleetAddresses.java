package io.relaycheck.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Where server number {@code i} (1-based) of the fleet listens: 250 servers per /24 starting at
 * 127.0.10.1, so servers 1–250 are 127.0.10.1–127.0.10.250, 251–500 are 127.0.11.1–250, and so
 * on (10,000 servers end at 127.0.49.250). All of it is in 127.0.0.0/8, which Linux routes to the
 * loopback interface without any configuration. Host parts 0 and 251–255 are never used, so a
 * range such as nmap's {@code 127.0.10.1-200} names exactly the first servers.
 */
public final class FleetAddresses {

    public static final int PER_SUBNET = 250;
    public static final int FIRST_THIRD_OCTET = 10;
    /** 127.0.10.0/24 … 127.0.255.0/24 then 127.1.0.0/24 …: far more than one machine can hold. */
    public static final int MAX_SERVERS = PER_SUBNET * (256 * 200);

    private FleetAddresses() {
    }

    public static String address(int index) {
        if (index < 1 || index > MAX_SERVERS) {
            throw new IllegalArgumentException("server index out of range: " + index);
        }
        int k = index - 1;
        int subnet = FIRST_THIRD_OCTET + k / PER_SUBNET;
        int second = subnet / 256;
        int third = subnet % 256;
        int fourth = 1 + k % PER_SUBNET;
        return "127." + second + "." + third + "." + fourth;
    }

    /** The inverse of {@link #address}, or -1 for an address outside the fleet's layout. */
    public static int index(String address) {
        String[] p = address.split("\\.");
        if (p.length != 4 || !p[0].equals("127")) {
            return -1;
        }
        try {
            int second = Integer.parseInt(p[1]);
            int third = Integer.parseInt(p[2]);
            int fourth = Integer.parseInt(p[3]);
            int subnet = second * 256 + third - FIRST_THIRD_OCTET;
            if (subnet < 0 || fourth < 1 || fourth > PER_SUBNET) {
                return -1;
            }
            return subnet * PER_SUBNET + fourth;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static List<String> addresses(int first, int count) {
        List<String> list = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            list.add(address(i));
        }
        return list;
    }

    /** Whether server {@code index} is an open relay when every {@code openEvery}-th is (0 = none). */
    public static boolean isOpen(int index, int openEvery) {
        return openEvery > 0 && index % openEvery == 0;
    }
}
