package io.relaycheck.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A simulated fleet of SMTP servers in one process: servers {@code first … first+count-1} of the
 * {@link FleetAddresses} layout, each listening on its own loopback address and the same port,
 * each a {@link SmtpPersona} (every {@code openEvery}-th an open relay) behind an emulated
 * round-trip time ({@link FleetConnection}).
 *
 * <p>Control on stdin/stdout, one JSON object per line: it prints {@code {"ready": …}} once every
 * server listens, answers a line {@code stats} with {@code {"stats": …}}, and exits on
 * {@code quit}, on the end of stdin (its driver died), or after {@code --lifetime-seconds}.
 *
 * <p>Usage: {@code Fleet --first 1 --count 2500 [--port 2525] [--rtt-ms 50] [--greeting-rtts 2]
 * [--open-every 10] [--event-loops 1] [--lifetime-seconds 1800]}
 */
public final class Fleet {

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        int first = a.integer("first", 1);
        int count = a.integer("count", 200);
        int port = a.integer("port", 2525);
        long rttMs = a.integer("rtt-ms", 50);
        int greetingRtts = a.integer("greeting-rtts", 2);
        int openEvery = a.integer("open-every", 10);
        int loops = a.integer("event-loops", 1);
        int lifetime = a.integer("lifetime-seconds", 1800);

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1).setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
        FleetStats stats = new FleetStats();
        long rttNanos = TimeUnit.MILLISECONDS.toNanos(rttMs);
        List<Future<NetServer>> listening = new ArrayList<>(count);
        long started = System.nanoTime();
        for (int i = first; i < first + count; i++) {
            String address = FleetAddresses.address(i);
            boolean open = FleetAddresses.isOpen(i, openEvery);
            NetServer server = vertx.createNetServer(new NetServerOptions().setHost(address).setPort(port)
                    .setAcceptBacklog(1024).setTcpNoDelay(true).setReuseAddress(true));
            server.connectHandler(socket -> new FleetConnection(vertx, socket, new SmtpPersona(address, open), rttNanos,
                    greetingRtts, stats));
            listening.add(server.listen());
        }
        try {
            Future.all(new ArrayList<>(listening)).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            long failed = listening.stream().filter(Future::failed).count();
            String cause = listening.stream().filter(Future::failed).map(f -> String.valueOf(f.cause()))
                    .findFirst().orElse(String.valueOf(e));
            System.out.println(new JsonObject().put("error", failed + " of " + count + " servers did not listen: " + cause)
                    .encode());
            System.exit(2);
        }
        System.out.println(new JsonObject().put("ready", new JsonObject()
                .put("pid", ProcessHandle.current().pid()).put("first", first).put("count", count)
                .put("firstAddress", FleetAddresses.address(first))
                .put("lastAddress", FleetAddresses.address(first + count - 1))
                .put("port", port).put("rttMs", rttMs).put("greetingRtts", greetingRtts).put("openEvery", openEvery)
                .put("listenMs", (System.nanoTime() - started) / 1_000_000)).encode());
        System.out.flush();

        Thread lifetimeGuard = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(lifetime));
            } catch (InterruptedException e) {
                return;
            }
            System.out.println(new JsonObject().put("error", "lifetime of " + lifetime + " s over; exiting").encode());
            System.exit(3);
        }, "lifetime");
        lifetimeGuard.setDaemon(true);
        lifetimeGuard.start();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String cmd = line.strip();
            if (cmd.equals("stats")) {
                System.out.println(new JsonObject().put("stats", stats.snapshotAndResetPeak()).encode());
                System.out.flush();
            } else if (cmd.equals("quit")) {
                break;
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.exit(0);
    }
}
