package io.relaycheck.bench;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a set of longs. */
final class Percentiles {

    private final long[] sorted;

    Percentiles(Collection<Long> values) {
        this.sorted = values.stream().filter(v -> v != null && v >= 0).mapToLong(Long::longValue).sorted().toArray();
    }

    boolean isEmpty() {
        return sorted.length == 0;
    }

    /** The p-th percentile (0 < p ≤ 100) by nearest rank, or -1 when empty. */
    long at(double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    long max() {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }

    long min() {
        return sorted.length == 0 ? -1 : sorted[0];
    }

    @Override
    public String toString() {
        return Arrays.toString(sorted);
    }
}
