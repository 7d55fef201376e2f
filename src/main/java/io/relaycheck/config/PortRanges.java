package io.relaycheck.config;

import java.util.ArrayList;
import java.util.List;

/** The allowed ports of {@code relay-check.policy.allowed-ports}: single ports and ranges. */
public final class PortRanges {

    private record Range(int from, int to) {
    }

    private final List<Range> ranges;
    private final String text;

    private PortRanges(List<Range> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    /** Parses {@code ["25", "465", "2500-2599"]}; refuses anything else loudly at startup. */
    public static PortRanges parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            String e = entry.strip();
            int dash = e.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? e : e.substring(0, dash).strip());
            int to = dash < 0 ? from : Integer.parseInt(e.substring(dash + 1).strip());
            if (from < 1 || to > 65535 || from > to) {
                throw new IllegalArgumentException("relay-check.policy.allowed-ports: bad entry " + entry);
            }
            ranges.add(new Range(from, to));
        }
        return new PortRanges(ranges, String.join(", ", entries));
    }

    public boolean allows(int port) {
        return ranges.stream().anyMatch(r -> port >= r.from() && port <= r.to());
    }

    @Override
    public String toString() {
        return text;
    }
}
