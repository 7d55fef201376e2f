package io.relaycheck.verdict;

import java.util.List;
import java.util.Objects;

/**
 * What reverse DNS says about a server's address: its PTR names, and what each of those names
 * resolves to (forward confirmation, "FCrDNS"). Evidence only; {@link Diagnostics} judges it.
 *
 * @param status  whether PTR names were found, there are none, or the question was not answered
 * @param names   the PTR names (lower-case, no trailing dot), in answer order; empty unless FOUND
 * @param forward one forward (A/AAAA) lookup per PTR name that was followed, in the same order
 * @param error   why the PTR question was not answered (FAILED), else null
 */
public record ReverseDns(Status status, List<String> names, List<Forward> forward, String error) {

    /** How the PTR lookup ended. */
    public enum Status {
        /** No lookup was made (no resolver, or evidence built without diagnostics). */
        NOT_ASKED,
        /** At least one PTR name. */
        FOUND,
        /** NXDOMAIN or NODATA: the address has no reverse DNS. */
        NONE,
        /** A DNS failure or timeout, or the check's deadline came first: nothing is known. */
        FAILED
    }

    /**
     * The forward lookup of one PTR name.
     *
     * @param name      the PTR name
     * @param addresses what it resolves to (A then AAAA, as text); empty when it has no address
     * @param error     why it could not be resolved (a DNS failure or timeout), else null
     */
    public record Forward(String name, List<String> addresses, String error) {
        public Forward {
            Objects.requireNonNull(name, "name");
            addresses = List.copyOf(addresses);
        }

        /** The lookup gave a definite answer (addresses, or definitely none). */
        public boolean answered() {
            return error == null;
        }
    }

    public static final ReverseDns NOT_ASKED = new ReverseDns(Status.NOT_ASKED, List.of(), List.of(), null);

    public ReverseDns {
        Objects.requireNonNull(status, "status");
        names = List.copyOf(names);
        forward = List.copyOf(forward);
    }

    public static ReverseDns found(List<String> names, List<Forward> forward) {
        return new ReverseDns(Status.FOUND, names, forward, null);
    }

    public static ReverseDns none() {
        return new ReverseDns(Status.NONE, List.of(), List.of(), null);
    }

    public static ReverseDns failed(String error) {
        return new ReverseDns(Status.FAILED, List.of(), List.of(), error);
    }

    /** The PTR names that resolve back to {@code address}: forward-confirmed reverse DNS when not empty. */
    public List<String> confirming(String address) {
        return forward.stream().filter(f -> f.addresses().contains(address)).map(Forward::name).toList();
    }
}
