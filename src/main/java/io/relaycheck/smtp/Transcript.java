package io.relaycheck.smtp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The lines of one SMTP connection in both directions, each with its time since a shared origin
 * (the start of the check), so that a person can replay what happened. Bounded: after
 * {@code maxEntries} lines only a single "truncated" note is added, so a chatty server cannot make
 * a report grow without limit.
 *
 * <p>Confined to the connection's event-loop context; {@link #entries()} returns a snapshot.
 */
public final class Transcript {

    /** Who wrote a line: the client, the server, or a note of ours about the connection. */
    public enum Direction {
        C, S, NOTE
    }

    /** One line. {@code line} never contains control bytes (they are escaped). */
    public record Entry(long atMs, int session, Direction direction, String line) {
    }

    private final long originNanos;
    private final int session;
    private final int maxEntries;
    private final List<Entry> entries = new ArrayList<>();
    private boolean truncated;

    /**
     * @param originNanos {@link System#nanoTime()} at the start of the check
     * @param session     number of this connection within the server's check (1, 2, …)
     * @param maxEntries  lines kept at most; 0 records nothing
     */
    public Transcript(long originNanos, int session, int maxEntries) {
        this.originNanos = originNanos;
        this.session = session;
        this.maxEntries = maxEntries;
    }

    public void client(String line) {
        add(Direction.C, line);
    }

    public void server(String escapedLine) {
        add(Direction.S, escapedLine);
    }

    public void note(String text) {
        add(Direction.NOTE, Escaping.escape(text));
    }

    public int session() {
        return session;
    }

    /** Milliseconds since the origin. */
    public long nowMs() {
        return (System.nanoTime() - originNanos) / 1_000_000L;
    }

    private void add(Direction direction, String line) {
        if (maxEntries == 0) {
            return; // recording is off
        }
        if (entries.size() < maxEntries) {
            entries.add(new Entry(nowMs(), session, direction, line));
        } else if (!truncated) {
            truncated = true;
            entries.add(new Entry(nowMs(), session, Direction.NOTE,
                    "transcript truncated after " + maxEntries + " lines"));
        }
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries));
    }
}
