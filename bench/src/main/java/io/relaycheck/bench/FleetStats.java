package io.relaycheck.bench;

import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one fleet process, updated on its event loop and read from the control thread. */
final class FleetStats {

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong active = new AtomicLong();
    private final AtomicLong peakActive = new AtomicLong();
    private final AtomicLong flights = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong pipelinedFlights = new AtomicLong();
    private final AtomicLong largestFlight = new AtomicLong();
    private final AtomicLong earlyTalkers = new AtomicLong();

    void connected() {
        accepted.incrementAndGet();
        long now = active.incrementAndGet();
        peakActive.accumulateAndGet(now, Math::max);
    }

    void disconnected() {
        active.decrementAndGet();
    }

    void flight(int commandCount) {
        flights.incrementAndGet();
        commands.addAndGet(commandCount);
        if (commandCount > 1) {
            pipelinedFlights.incrementAndGet();
        }
        largestFlight.accumulateAndGet(commandCount, Math::max);
    }

    void earlyTalker() {
        earlyTalkers.incrementAndGet();
    }

    /** A snapshot; the peak of concurrent connections restarts from the current count. */
    JsonObject snapshotAndResetPeak() {
        JsonObject json = new JsonObject()
                .put("accepted", accepted.get())
                .put("active", active.get())
                .put("peakActive", peakActive.getAndSet(active.get()))
                .put("flights", flights.get())
                .put("commands", commands.get())
                .put("pipelinedFlights", pipelinedFlights.get())
                .put("largestFlight", largestFlight.get())
                .put("earlyTalkers", earlyTalkers.get());
        return json;
    }
}
