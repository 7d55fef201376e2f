package io.relaycheck.probe;

/**
 * The control questions asked in the same sessions as the relay tests (DESIGN.md §4). They are
 * not relay tests: they tell us how to read the relay tests' answers.
 */
public enum Control {
    /**
     * {@code RCPT TO:<postmaster@MD>}. RFC 5321 §4.5.1 requires every SMTP server to accept
     * postmaster for the domains it serves, so a 2xx shows our sender is not blocked and MD is
     * served here; a refusal means either is false and the other answers must be read with care.
     */
    POSTMASTER("postmaster"),
    /**
     * {@code RCPT TO:<random@MD>} with a random 16-character local part. Refused: the server
     * validates recipients at RCPT time, so a 2xx for a foreign domain means it intends to relay.
     * Accepted: it accepts every recipient (accept-and-discard, a defence against directory
     * harvest attacks), and a foreign 2xx proves nothing by itself.
     */
    RANDOM_LOCAL("random-local");

    private final String id;

    Control(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
