package io.relaycheck.verdict;

/** The answer to "is this an open relay?", from least to most severe (DESIGN.md §3). */
public enum Verdict {
    /** Every relay variant was refused, or the server demands authentication. */
    NOT_OPEN_RELAY,
    /** No usable answer: see the reason. */
    INCONCLUSIVE,
    /** A foreign recipient was accepted, but nothing shows the server would deliver it. */
    POSSIBLE_OPEN_RELAY,
    /** A foreign recipient was accepted by a server that validates recipients: it relays. */
    OPEN_RELAY;

    /** The more severe of two verdicts: a check is as bad as its worst server. */
    public static Verdict worst(Verdict a, Verdict b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
