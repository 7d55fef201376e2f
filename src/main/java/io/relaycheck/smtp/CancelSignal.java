package io.relaycheck.smtp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * "Stop now", from whoever asked for the work (a batch whose client went away). Unlike a
 * future, a listener can be removed: a batch lives as long as its longest check, and every
 * finished check must let go of its hook, or the batch keeps all of them (and their
 * connections and transcripts) reachable until it ends.
 */
public final class CancelSignal {

    /** A signal that never fires. */
    public static final CancelSignal NEVER = new CancelSignal();

    /** Removes a hook; idempotent. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final Set<Runnable> hooks = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    /** Runs {@code hook} when cancelled (at once, if already cancelled). Never fires for {@link #NEVER}. */
    public Registration onCancel(Runnable hook) {
        if (this == NEVER) {
            return () -> { };
        }
        hooks.add(hook);
        if (cancelled && hooks.remove(hook)) {
            hook.run();
        }
        return () -> hooks.remove(hook);
    }

    public void cancel() {
        if (this == NEVER) {
            return;
        }
        cancelled = true;
        for (Runnable hook : hooks) {
            if (hooks.remove(hook)) {
                hook.run();
            }
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Hooks registered and not yet removed (for tests). */
    public int hooks() {
        return hooks.size();
    }
}
