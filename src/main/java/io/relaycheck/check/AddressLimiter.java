package io.relaycheck.check;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * At most N SMTP connections to one address at once, across every check this process runs, so
 * the service cannot be used to hammer a mail server (DESIGN.md §6). Waiters queue in order and
 * give up at their deadline. Shared by all event loops: state is guarded by this object's lock,
 * and every callback is delivered on the waiter's own context.
 */
public final class AddressLimiter {

    /** A granted connection slot. Release exactly once; later calls do nothing. */
    public final class Permit {
        private final InetAddress address;
        private boolean released;

        private Permit(InetAddress address) {
            this.address = address;
        }

        public void release() {
            synchronized (AddressLimiter.this) {
                if (released) {
                    return;
                }
                released = true;
            }
            handOver(address);
        }
    }

    private static final class Waiter {
        final Context context;
        final Promise<Permit> promise = Promise.promise();
        long timer = -1;
        boolean done;

        Waiter(Context context) {
            this.context = context;
        }
    }

    private static final class Slots {
        int active;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    }

    private final Vertx vertx;
    private final int perAddress;
    private final Map<InetAddress, Slots> slots = new HashMap<>();

    public AddressLimiter(Vertx vertx, int perAddress) {
        if (perAddress < 1) {
            throw new IllegalArgumentException("perAddress must be at least 1");
        }
        this.vertx = vertx;
        this.perAddress = perAddress;
    }

    /**
     * A slot for {@code address}; fails with {@link java.util.concurrent.TimeoutException} when
     * none frees up before {@code deadlineNanos}. Call on an event-loop context.
     */
    public Future<Permit> acquire(InetAddress address, long deadlineNanos) {
        Context context = vertx.getOrCreateContext();
        Waiter waiter = new Waiter(context);
        synchronized (this) {
            Slots s = slots.computeIfAbsent(address, a -> new Slots());
            if (s.active < perAddress) {
                s.active++;
                return Future.succeededFuture(new Permit(address));
            }
            s.waiting.add(waiter);
        }
        long remainingMs = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000L);
        waiter.timer = vertx.setTimer(remainingMs, t -> {
            boolean expired;
            synchronized (this) {
                Slots s = slots.get(address);
                expired = !waiter.done && s != null && s.waiting.remove(waiter);
                if (expired) {
                    waiter.done = true;
                }
            }
            if (expired) {
                waiter.promise.tryFail(new java.util.concurrent.TimeoutException(
                        "no connection slot for " + address.getHostAddress() + " before the deadline"));
            }
        });
        return waiter.promise.future();
    }

    /** Connections currently open (or granted) to {@code address}. */
    public synchronized int active(InetAddress address) {
        Slots s = slots.get(address);
        return s == null ? 0 : s.active;
    }

    private void handOver(InetAddress address) {
        Waiter next;
        synchronized (this) {
            Slots s = slots.get(address);
            next = s.waiting.poll();
            if (next == null) {
                s.active--;
                if (s.active == 0) {
                    slots.remove(address);
                }
                return;
            }
            next.done = true; // the slot passes straight to the next waiter; active stays the same
        }
        Waiter w = next;
        vertx.cancelTimer(w.timer);
        Permit permit = new Permit(address);
        w.context.runOnContext(v -> w.promise.complete(permit));
    }
}
