package io.relaycheck.check;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The servers one batch has checked or is checking, so that each (host, address, port) gets one
 * battery however many targets of the batch lead to it. A hosting provider's list of customer
 * domains mostly points at a few shared MX hosts: without this, a batch of 5,000 such domains would
 * run 5,000 batteries (20,000 connections) against the same server, queueing on its per-address
 * limit until most checks ran out of time, and hammering it (DESIGN §6). Within one batch every
 * check has the same options, deadline length and cancellation, so a run started for one target
 * answers for the others.
 *
 * <p>The mail domain the battery used is the first target's (its local-routed tests and controls
 * name it); the report says so in {@code sharedFrom}. Only one client's batch shares, so no
 * target of one client is ever shown to another.
 *
 * <p>Memory is bounded: the most recently used {@code capacity} runs are kept (a shared MX is used
 * again and again and stays), older ones are forgotten, at worst costing a second battery.
 */
final class SharedServerRuns {

    record Key(String host, InetAddress address, int port) {
        static Key of(ServerTarget s) {
            return new Key(s.host(), s.address(), s.port());
        }
    }

    private record Entry(Future<ServerRun> run, String target) {
    }

    private final Map<Key, Entry> runs;

    SharedServerRuns(int capacity) {
        this.runs = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The run of this server for {@code target}: the batch's earlier run of the same server seen as
     * this target's (its MX preference, {@code sharedFrom} set), or a new one from {@code start}.
     */
    Future<ServerRun> run(ServerTarget server, String target, Supplier<Future<ServerRun>> start) {
        Key key = Key.of(server);
        Promise<ServerRun> mine;
        Entry existing;
        synchronized (runs) {
            existing = runs.get(key);
            if (existing == null) {
                mine = Promise.promise();
                runs.put(key, new Entry(mine.future(), target));
            } else {
                mine = null;
            }
        }
        if (existing != null) {
            return existing.run().map(r -> r.sharedWith(server, existing.target()));
        }
        // Started outside the lock: checks of a batch run on different event loops.
        start.get().onComplete(mine);
        return mine.future();
    }
}
