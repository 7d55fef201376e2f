package io.relaycheck.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark of issue #6. Starts the simulated fleet (several processes, so that no process
 * needs more than its open-file cap), starts the packaged service with a heap cap and the GC log
 * on (or uses one already running), runs warm-up batches, then one batch per size, reading the
 * NDJSON stream; runs nmap's smtp-open-relay against the same servers as the nmap-size batch;
 * prints a table and writes it, with every raw number, to the output directory. Every step has a
 * time limit, and everything it started is stopped when it ends, however it ends.
 *
 * <p>Options ({@code --name value}): {@code repo} (..), {@code sizes} (1,200,10000), {@code rtt-ms}
 * (50), {@code greeting-rtts} (2), {@code open-every} (10), {@code servers-per-fleet} (2500),
 * {@code heap} (256m), {@code http-port} (18089), {@code service-url} (use a running service
 * instead of starting one), {@code batch-concurrency} (2500), {@code service-prop k=v}
 * (repeatable), {@code service-jvm-arg} (repeatable, e.g. a JFR recording), {@code warmup} (200 targets a warm-up batch; 0 = none),
 * {@code warmup-rounds} (15), {@code timeout-seconds} (90, per check),
 * {@code nmap} (true), {@code nmap-size} (200), {@code deadline-minutes} (40), {@code out}
 * (bench/target/results).
 */
public final class Driver {

    private static final int SMTP_PORT = 2525;

    private final Args args;
    private final Path repo;
    private final Path out;
    private final int rttMs;
    private final int greetingRtts;
    private final int openEvery;
    private final List<Process> started = new CopyOnWriteArrayList<>();
    private final List<Fleetling> fleets = new ArrayList<>();
    private Process service;
    private long servicePid = -1;
    private String serviceUrl;
    private Path gcLog;
    private PrintWriter log;

    /** One fleet process and the lines it printed. */
    private record Fleetling(Process process, Writer stdin, BlockingQueue<JsonObject> lines, int first, int count) {
    }

    private Driver(Args args) {
        this.args = args;
        this.repo = Path.of(args.string("repo", "..")).toAbsolutePath().normalize();
        this.out = Path.of(args.string("out", repo.resolve("bench/target/results").toString())).toAbsolutePath();
        this.rttMs = args.integer("rtt-ms", 50);
        this.greetingRtts = args.integer("greeting-rtts", 2);
        this.openEvery = args.integer("open-every", 10);
    }

    public static void main(String[] argv) throws Exception {
        Driver d = new Driver(Args.parse(argv));
        Runtime.getRuntime().addShutdownHook(new Thread(d::stopAll, "stop-all"));
        int deadline = d.args.integer("deadline-minutes", 40);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(deadline));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("bench: deadline of " + deadline + " minutes reached; stopping everything");
            System.exit(4);
        }, "deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        int code;
        try {
            code = d.run();
        } finally {
            d.stopAll();
        }
        System.exit(code);
    }

    private int run() throws Exception {
        Files.createDirectories(out);
        log = new PrintWriter(Files.newBufferedWriter(out.resolve("driver.log")), true);
        List<Integer> sizes = new ArrayList<>();
        for (String s : args.string("sizes", "1,200,10000").split(",")) {
            sizes.add(Integer.parseInt(s.strip()));
        }
        int warmup = args.integer("warmup", 200);
        boolean nmap = args.flag("nmap") || args.string("nmap", "true").equals("true");
        int nmapSize = args.integer("nmap-size", 200);
        int fleetSize = Math.max(warmup, Math.max(nmap ? nmapSize : 0, sizes.stream().mapToInt(i -> i).max().orElse(1)));

        say("Relay Check benchmark — %s, %d cores, RTT %d ms (greeting after %d RTT), every %d-th server an open relay",
                Instant.now(), Runtime.getRuntime().availableProcessors(), rttMs, greetingRtts, openEvery);
        say("own open-file cap (ulimit -n): %d", ProcStats.maxOpenFiles(ProcessHandle.current().pid()));
        startFleet(fleetSize);
        startService(sizes.stream().mapToInt(i -> i).max().orElse(1));

        JsonObject results = new JsonObject().put("startedAt", Instant.now().toString())
                .put("rttMs", rttMs).put("greetingRtts", greetingRtts).put("openEvery", openEvery)
                .put("cores", Runtime.getRuntime().availableProcessors()).put("fleetServers", fleetSize)
                .put("fleetProcesses", fleets.size());
        results.put("directDialogue", directDialogues());

        List<Row> rows = new ArrayList<>();
        // A service in use is warm: its hot paths are compiled by C2. Measured on this machine, a 200 batch
        // takes 2.7 s in a fresh JVM, 0.8 s after 3 batches, and settles near 0.5 s after 10–15 (about
        // 3,000 checks, 10 s of work); fewer rounds measure the JIT, not the service.
        int warmupRounds = args.integer("warmup-rounds", 15);
        for (int round = 1; warmup > 0 && round <= warmupRounds; round++) {
            say("warm-up batch %d of %d, %d targets (the JIT compiles the service's hot paths; reported, not counted)",
                    round, warmupRounds, warmup);
            rows.add(batch("warm-up " + round + " (" + warmup + ")", warmup));
        }
        JsonObject nmapResult = null;
        for (int n : sizes) {
            Row row = batch(String.valueOf(n), n);
            rows.add(row);
            if (nmap && n == nmapSize) {
                nmapResult = nmap(nmapSize, row);
            }
        }
        if (nmap && nmapResult == null) {
            nmapResult = nmap(nmapSize, null);
        }
        JsonArray rowJson = new JsonArray();
        rows.forEach(r -> rowJson.add(r.json));
        results.put("batches", rowJson);
        if (nmapResult != null) {
            results.put("nmap", nmapResult);
        }
        String table = table(rows, nmapResult, results.getJsonObject("directDialogue"));
        System.out.println();
        System.out.println(table);
        Files.writeString(out.resolve("results.md"), table);
        Files.writeString(out.resolve("results.json"), results.encodePrettily());
        say("raw results: %s", out.resolve("results.json"));
        boolean clean = rows.stream().allMatch(r -> r.json.getInteger("lost") == 0 && r.json.getInteger("failed") == 0);
        return clean ? 0 : 1;
    }

    // ---------------------------------------------------------------- fleet

    private void startFleet(int servers) throws Exception {
        int perProcess = args.integer("servers-per-fleet", 2500);
        String cp = System.getProperty("java.class.path");
        List<Fleetling> starting = new ArrayList<>();
        for (int first = 1; first <= servers; first += perProcess) {
            int count = Math.min(perProcess, servers - first + 1);
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", cp, Fleet.class.getName(), "--first", String.valueOf(first), "--count", String.valueOf(count),
                    "--port", String.valueOf(SMTP_PORT), "--rtt-ms", String.valueOf(rttMs),
                    "--greeting-rtts", String.valueOf(greetingRtts), "--open-every", String.valueOf(openEvery),
                    "--lifetime-seconds", String.valueOf(60 * args.integer("deadline-minutes", 40) + 60));
            pb.redirectError(out.resolve("fleet-" + first + ".err").toFile());
            Process p = pb.start();
            started.add(p);
            BlockingQueue<JsonObject> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        try {
                            lines.add(new JsonObject(l));
                        } catch (RuntimeException e) {
                            lines.add(new JsonObject().put("text", l));
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "fleet-" + first);
            reader.setDaemon(true);
            reader.start();
            starting.add(new Fleetling(p, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), lines,
                    first, count));
        }
        for (Fleetling f : starting) {
            JsonObject line = f.lines().poll(180, TimeUnit.SECONDS);
            if (line == null || !line.containsKey("ready")) {
                throw new IllegalStateException("fleet process for servers " + f.first() + "… did not start: " + line);
            }
            JsonObject ready = line.getJsonObject("ready");
            say("fleet pid %d: %d servers %s–%s:%d, listening after %d ms, open-file cap %d", ready.getLong("pid"),
                    ready.getInteger("count"), ready.getString("firstAddress"), ready.getString("lastAddress"),
                    SMTP_PORT, ready.getLong("listenMs"), ProcStats.maxOpenFiles(f.process().pid()));
            fleets.add(f);
        }
    }

    /** Each fleet process's counters; also restarts each one's peak of concurrent connections. */
    private List<JsonObject> fleetStats() throws Exception {
        List<JsonObject> stats = new ArrayList<>();
        for (Fleetling f : fleets) {
            f.stdin().write("stats\n");
            f.stdin().flush();
        }
        for (Fleetling f : fleets) {
            JsonObject s = null;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s == null && System.nanoTime() < until) {
                JsonObject l = f.lines().poll(1, TimeUnit.SECONDS);
                if (l != null && l.containsKey("stats")) {
                    s = l.getJsonObject("stats");
                }
            }
            stats.add(s == null ? new JsonObject() : s);
        }
        return stats;
    }

    private JsonObject directDialogues() throws IOException {
        List<Long> four = new ArrayList<>();
        List<Long> five = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            four.add(DirectDialogue.run(FleetAddresses.address(1 + i), SMTP_PORT, true));
            five.add(DirectDialogue.run(FleetAddresses.address(1 + i), SMTP_PORT, false));
        }
        Percentiles p4 = new Percentiles(four);
        Percentiles p5 = new Percentiles(five);
        say("direct dialogue with a fleet server, no service: QUIT pipelined %d ms (floor %d), QUIT separate %d ms "
                + "(floor %d) — medians of 7", p4.at(50), 4 * rttMs, p5.at(50), 5 * rttMs);
        return new JsonObject().put("quitPipelinedMs", p4.at(50)).put("quitSeparateMs", p5.at(50))
                .put("samplesQuitPipelined", new JsonArray(new ArrayList<>(four)))
                .put("samplesQuitSeparate", new JsonArray(new ArrayList<>(five)));
    }

    // ---------------------------------------------------------------- service

    private void startService(int maxBatch) throws Exception {
        String external = args.string("service-url", null);
        if (external != null) {
            serviceUrl = external;
            say("using the running service at %s (its heap and RSS are not measured)", serviceUrl);
            waitReady(Duration.ofSeconds(30));
            return;
        }
        int port = args.integer("http-port", 18089);
        serviceUrl = "http://127.0.0.1:" + port;
        Path packaged = repo.resolve("target/quarkus-app");
        if (!Files.exists(packaged.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(packaged + "/quarkus-run.jar is missing: run ./mvnw -B package -DskipTests "
                    + "at the repository root");
        }
        // A private copy, its runner renamed: on a machine shared with other sessions, someone's
        // `pkill -f quarkus-run.jar` (or a rebuild of target/) must not end this run half-way.
        Path app = out.resolve("service-app");
        copyTree(packaged, app);
        Path jar = app.resolve("relay-check-bench-service.jar");
        Files.move(app.resolve("quarkus-run.jar"), jar);
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException("127.0.0.1:" + port + " is in use (another run?); pass --http-port", e);
        }
        gcLog = out.resolve("gc.log");
        Files.deleteIfExists(gcLog);
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx" + args.string("heap", "256m"),
                "-Xlog:gc:file=" + gcLog + ":uptime,level,tags", "-XX:+ExitOnOutOfMemoryError",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Drelay-check.policy.allow-private-targets=true",
                "-Drelay-check.policy.allowed-ports=" + SMTP_PORT,
                "-Drelay-check.limits.max-concurrent-checks=20000",
                "-Drelay-check.limits.client-requests-per-minute=0",
                "-Drelay-check.cache.ttl=0s",
                // The fleet has no DNS, and nothing may ask a resolver off this machine about 127.x
                // addresses: no reverse lookups, and any other query goes to a closed loopback port.
                "-Drelay-check.diagnostics.reverse-dns=false",
                "-Drelay-check.dns.servers=127.0.0.1:1",
                "-Drelay-check.batch.max-targets=" + Math.max(10000, maxBatch),
                "-Drelay-check.batch.concurrency=" + args.integer("batch-concurrency", 2500)));
        for (String kv : args.all("service-prop")) {
            cmd.add("-D" + kv);
        }
        cmd.addAll(1, args.all("service-jvm-arg")); // e.g. -XX:StartFlightRecording=… for a profile
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(out.resolve("service.log").toFile());
        service = pb.start();
        started.add(service);
        servicePid = service.pid();
        say("service pid %d: %s", servicePid, String.join(" ", cmd));
        waitReady(Duration.ofSeconds(120));
        say("service ready at %s; open-file cap %d; RSS %d MiB", serviceUrl, ProcStats.maxOpenFiles(servicePid),
                ProcStats.statusKiB(servicePid, "VmRSS") / 1024);
    }

    private void waitReady(Duration limit) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            if (service != null && !service.isAlive()) {
                throw new IllegalStateException("the service exited with " + service.exitValue() + "; see "
                        + out.resolve("service.log"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(serviceUrl + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service was not ready within " + limit.toSeconds() + " s");
    }

    // ---------------------------------------------------------------- one batch

    private record Row(String label, JsonObject json) {
    }

    private Row batch(String label, int n) throws Exception {
        List<String> targets = FleetAddresses.addresses(1, n);
        fleetStats(); // restart the fleets' peaks
        long gcFrom = gcLog == null ? 0 : GcLog.size(gcLog);
        long cpuService0 = servicePid > 0 ? ProcStats.cpuMs(servicePid) : -1;
        long cpuFleet0 = fleets.stream().mapToLong(f -> ProcStats.cpuMs(f.process().pid())).sum();
        int idleFds = servicePid > 0 ? ProcStats.openFds(servicePid) : -1;
        long machine0 = ProcStats.machineBusyMs();
        long self0 = ProcStats.cpuMs(ProcessHandle.current().pid());
        Sampler sampler = new Sampler();
        Thread samplerThread = new Thread(sampler, "sampler");
        samplerThread.setDaemon(true);
        samplerThread.start();

        BatchClient client = new BatchClient(serviceUrl);
        int timeoutSeconds = args.integer("timeout-seconds", 90);
        // A batch of one is over in a few round trips: it is repeated (on servers 1, 2, …) and the medians kept.
        int repeats = n == 1 ? args.integer("single-repeats", 5) : 1;
        List<BatchClient.Result> parts = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            List<String> these = n == 1 ? List.of(FleetAddresses.address(1 + i)) : targets;
            parts.add(client.post(BatchClient.body(these, SMTP_PORT, true, timeoutSeconds),
                    Duration.ofSeconds(Math.max(300, timeoutSeconds * 8L))));
        }
        BatchClient.Result r = BatchClient.merge(parts);
        if (n == 1) {
            targets = FleetAddresses.addresses(1, repeats);
        }

        sampler.stop.set(true);
        samplerThread.join(2000);
        long cpuService = servicePid > 0 ? sampler.serviceCpuMs - cpuService0 : -1;
        long cpuFleet = fleets.stream().mapToLong(f -> ProcStats.cpuMs(f.process().pid())).sum() - cpuFleet0;
        long machineCpu = ProcStats.machineBusyMs() - machine0;
        long selfCpu = ProcStats.cpuMs(ProcessHandle.current().pid()) - self0;
        // CPU that neither the service, the fleet nor this driver used: other work on the machine during the run.
        long otherCpu = machineCpu - Math.max(0, cpuService) - cpuFleet - selfCpu;
        long heapUsedAtEnd = heapUsedKiB();
        GcLog.Window gc = gcLog == null ? null : GcLog.read(gcLog, gcFrom);
        List<JsonObject> fleet = fleetStats();
        long retainedKiB = liveHeapAfter(label);

        JsonObject json = new JsonObject().put("label", label).put("targets", n).put("httpStatus", r.status());
        if (r.status() != 200) {
            json.put("problem", r.problem());
        }
        if (r.streamError() != null) {
            json.put("streamError", r.streamError());
        }
        // Lost: targets without any line. Failed: error lines plus reports that say INCONCLUSIVE.
        Set<String> answered = new HashSet<>();
        r.reports().forEach(x -> answered.add(x.target()));
        r.errors().forEach(x -> answered.add(x.target()));
        int lost = (int) targets.stream().filter(t -> !answered.contains(t)).count();
        Map<String, Integer> byVerdict = new TreeMap<>();
        Map<String, Integer> inconclusiveReasons = new TreeMap<>();
        int wrong = 0;
        for (BatchClient.Report rep : r.reports()) {
            byVerdict.merge(rep.verdict(), 1, Integer::sum);
            if ("INCONCLUSIVE".equals(rep.verdict())) {
                inconclusiveReasons.merge(String.valueOf(rep.reason()), 1, Integer::sum);
                continue;
            }
            int index = FleetAddresses.index(rep.target());
            String expected = FleetAddresses.isOpen(index, openEvery) ? "OPEN_RELAY" : "NOT_OPEN_RELAY";
            if (!expected.equals(rep.verdict())) {
                wrong++;
            }
        }
        int inconclusive = byVerdict.getOrDefault("INCONCLUSIVE", 0);
        int failed = r.errors().size() + inconclusive;
        Percentiles dur = new Percentiles(r.reports().stream().map(BatchClient.Report::durationMs).toList());
        double seconds = r.elapsedMs() / 1000.0;
        json.put("elapsedMs", r.elapsedMs()).put("firstLineMs", r.firstLineMs())
                .put("checksPerSecond", round(r.reports().size() / (double) repeats / Math.max(0.001, seconds), 1))
                .put("repeats", repeats)
                .put("reports", r.reports().size()).put("errorLines", r.errors().size())
                .put("unparsedLines", r.unparsed().size()).put("summaryLine", r.summary())
                .put("lost", lost).put("failed", failed).put("wrongVerdicts", wrong)
                .put("byVerdict", new JsonObject(new LinkedHashMap<>(byVerdict)))
                .put("inconclusiveReasons", new JsonObject(new LinkedHashMap<>(inconclusiveReasons)))
                .put("durationMs", new JsonObject().put("min", dur.min()).put("p50", dur.at(50)).put("p90", dur.at(90))
                        .put("p99", dur.at(99)).put("max", dur.max()))
                .put("floorMs", new JsonObject().put("physical4Rtt", 4 * rttMs).put("quitSeparate5Rtt", 5 * rttMs))
                .put("p50OverFloor4", dur.isEmpty() ? null : round(dur.at(50) / (4.0 * rttMs), 3))
                .put("p50OverFloor5", dur.isEmpty() ? null : round(dur.at(50) / (5.0 * rttMs), 3))
                .put("timingsP50Ms", new JsonObject()
                        .put("connect", p50(r.reports(), BatchClient.Report::connectMs))
                        .put("banner", p50(r.reports(), BatchClient.Report::bannerMs))
                        .put("ehlo", p50(r.reports(), BatchClient.Report::ehloMs))
                        .put("transaction", p50(r.reports(), BatchClient.Report::transactionMs)))
                .put("connectionsPerServerP50", p50(r.reports(), x -> (long) x.connections()));
        if (servicePid > 0) {
            json.put("service", new JsonObject()
                    .put("alive", service == null || service.isAlive())
                    .put("peakHeapMiB", gc == null ? null : round(Math.max(gc.peakBeforeKiB(), heapUsedAtEnd) / 1024.0, 1))
                    .put("peakHeapAfterGcMiB", gc == null ? null : round(gc.peakAfterKiB() / 1024.0, 1))
                    .put("heapCommittedMiB", gc == null ? null : round(gc.committedKiB() / 1024.0, 1))
                    .put("heapUsedAtEndMiB", round(heapUsedAtEnd / 1024.0, 1))
                    .put("liveHeapAfterBatchMiB", retainedKiB < 0 ? null : round(retainedKiB / 1024.0, 1))
                    .put("gcPauses", gc == null ? null : gc.pauses()).put("fullGcs", gc == null ? null : gc.fullGcs())
                    .put("gcPauseMs", gc == null ? null : round(gc.pauseMs(), 1))
                    .put("peakRssMiBDuringRun", round(sampler.serviceRssKiB / 1024.0, 1))
                    .put("vmHwmMiB", round(sampler.serviceHwmKiB / 1024.0, 1))
                    .put("peakOpenFds", sampler.serviceFds)
                    .put("openFdsBefore", idleFds)
                    // Every SMTP dialogue holds one socket: the descriptors above the idle count are dialogues.
                    .put("peakDialogues", Math.max(0, sampler.serviceFds - idleFds))
                    .put("cpuSeconds", round(cpuService / 1000.0, 2))
                    .put("cpuCoresBusy", round(cpuService / Math.max(1.0, r.elapsedMs()), 2)));
        }
        long accepted = fleet.stream().mapToLong(s -> s.getLong("accepted", 0L)).sum();
        json.put("machine", new JsonObject().put("busyCpuSeconds", round(machineCpu / 1000.0, 2))
                .put("driverCpuSeconds", round(selfCpu / 1000.0, 2))
                .put("otherCpuSeconds", round(otherCpu / 1000.0, 2))
                .put("loadAverage", loadAverage()));
        json.put("fleet", new JsonObject()
                // Each process's own peak; the processes peak at different times, so this sum overstates.
                .put("sumOfPerProcessPeakConnections", fleet.stream().mapToLong(s -> s.getLong("peakActive", 0L)).sum())
                .put("peakOpenFds", sampler.fleetFds)
                .put("acceptedTotal", accepted)
                .put("largestFlight", fleet.stream().mapToLong(s -> s.getLong("largestFlight", 0L)).max().orElse(0))
                .put("earlyTalkers", fleet.stream().mapToLong(s -> s.getLong("earlyTalkers", 0L)).sum())
                .put("cpuSeconds", round(cpuFleet / 1000.0, 2)));
        say("%s: %d targets, %d reports, %d error lines, %.2f s, %.1f checks/s, p50 %d ms, p99 %d ms; lost %d, "
                        + "failed %d, wrong %d; %s", label, n, r.reports().size(), r.errors().size(), seconds,
                json.getDouble("checksPerSecond"), dur.at(50), dur.at(99), lost, failed, wrong,
                json.getJsonObject("service", new JsonObject()).encode());
        if (r.status() != 200) {
            say("  HTTP %d: %s", r.status(), r.problem());
        }
        if (r.streamError() != null) {
            say("  the stream broke: %s", r.streamError());
        }
        if (r.summary() == null) {
            say("  no summary line");
        }
        if (service != null && !service.isAlive()) {
            say("  the service exited with %d (last lines of %s: %s)", service.exitValue(), out.resolve("service.log"),
                    lastLines(out.resolve("service.log"), 3));
        }
        if (!inconclusiveReasons.isEmpty()) {
            say("  INCONCLUSIVE by reason: %s", inconclusiveReasons);
        }
        r.errors().stream().limit(3).forEach(e -> say("  error line: %s: %s", e.target(), e.detail()));
        r.unparsed().stream().limit(3).forEach(u -> say("  unparsed line: %s", u));
        return new Row(label, json);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (var walk = Files.walk(to)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String lastLines(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static Long p50(List<BatchClient.Report> reports, java.util.function.Function<BatchClient.Report, Long> f) {
        Percentiles p = new Percentiles(reports.stream().map(f).filter(v -> v != null).toList());
        return p.isEmpty() ? null : p.at(50);
    }

    /**
     * Live heap once the batch is over, in KiB (-1 when unknown): {@code jcmd GC.class_histogram}
     * collects first, so this is what the service keeps after a batch (a leak shows here). The top
     * of the histogram goes to histogram-LABEL.txt.
     */
    private long liveHeapAfter(String label) {
        if (servicePid <= 0 || service == null || !service.isAlive()) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder("jcmd", String.valueOf(servicePid), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            String[] lines = text.split("\n");
            StringBuilder top = new StringBuilder();
            for (int i = 0; i < Math.min(lines.length, 30); i++) {
                top.append(lines[i]).append('\n');
            }
            long total = -1;
            for (String l : lines) {
                if (l.startsWith("Total")) {
                    top.append(l).append('\n');
                    String[] f = l.strip().split("\\s+");
                    total = Long.parseLong(f[2]) / 1024;
                }
            }
            Files.writeString(out.resolve("histogram-" + label.replaceAll("[^A-Za-z0-9]+", "-") + ".txt"), top);
            return total;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return -1;
        }
    }

    /** Heap in use now, from {@code jcmd PID GC.heap_info}, in KiB; 0 when unknown. */
    private long heapUsedKiB() {
        if (servicePid <= 0) {
            return 0;
        }
        try {
            Process p = new ProcessBuilder("jcmd", String.valueOf(servicePid), "GC.heap_info").redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(text);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    /** Samples the service's RSS, peak RSS, CPU and descriptors every 200 ms, the fleets' descriptors every second. */
    private final class Sampler implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        volatile long serviceRssKiB;
        volatile long serviceHwmKiB;
        volatile long serviceCpuMs;
        volatile int serviceFds;
        volatile int fleetFds;

        private int tick;

        @Override
        public void run() {
            while (!stop.get()) {
                sample();
                tick++;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
            sample();
        }

        private void sample() {
            // Listing /proc/PID/fd of the fleet's processes (20,000 descriptors together) costs CPU that
            // the service and the fleet share: those are counted once a second, the service's every time.
            boolean countFds = tick % 5 == 0 || stop.get();
            if (servicePid > 0) {
                serviceRssKiB = Math.max(serviceRssKiB, ProcStats.statusKiB(servicePid, "VmRSS"));
                serviceFds = Math.max(serviceFds, ProcStats.openFds(servicePid));
                serviceHwmKiB = Math.max(serviceHwmKiB, ProcStats.statusKiB(servicePid, "VmHWM"));
                serviceCpuMs = Math.max(serviceCpuMs, ProcStats.cpuMs(servicePid)); // the last reading before an exit
            }
            if (countFds) {
                int sum = 0;
                for (Fleetling f : fleets) {
                    sum += Math.max(0, ProcStats.openFds(f.process().pid()));
                }
                fleetFds = Math.max(fleetFds, sum);
            }
        }
    }

    // ---------------------------------------------------------------- nmap

    private JsonObject nmap(int n, Row ours) throws Exception {
        List<String> targets = FleetAddresses.addresses(1, n);
        for (String t : targets) {
            if (!t.startsWith("127.")) {
                throw new IllegalStateException("refusing to point nmap at " + t + ": only loopback addresses");
            }
        }
        Path list = out.resolve("nmap-targets.txt");
        Files.write(list, targets);
        Path result = out.resolve("nmap-" + n + ".txt");
        // -Pn: no host discovery; -n: no DNS at all; the script's domain given, so it resolves nothing.
        // '+' runs the script although port 2525 is not one of its portrule's (25, 465, 587).
        List<String> cmd = List.of("nmap", "-p", String.valueOf(SMTP_PORT), "-Pn", "-n", "--script", "+smtp-open-relay",
                "--script-args", "smtp-open-relay.domain=example.com,smtp-open-relay.from=relay-probe",
                "-iL", list.toString(), "-oN", result.toString());
        say("nmap: %s", String.join(" ", cmd));
        fleetStats();
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolve("nmap-stdout.txt").toFile())
                .start();
        started.add(p);
        boolean finished = p.waitFor(args.integer("nmap-timeout-seconds", 900), TimeUnit.SECONDS);
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        if (!finished) {
            p.destroyForcibly();
        }
        List<JsonObject> fleet = fleetStats();
        String text = Files.exists(result) ? Files.readString(result) : "";
        int open = 0;
        int closed = 0;
        int other = 0;
        int agree = 0;
        String host = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("Nmap scan report for ")) {
                host = line.substring("Nmap scan report for ".length()).strip();
            } else if (line.contains("smtp-open-relay:")) {
                boolean isOpen = line.contains("Server is an open relay");
                boolean isClosed = line.contains("doesn't seem to be an open relay");
                if (isOpen) {
                    open++;
                } else if (isClosed) {
                    closed++;
                } else {
                    other++;
                }
                if (host != null && (isOpen || isClosed)
                        && isOpen == FleetAddresses.isOpen(FleetAddresses.index(host), openEvery)) {
                    agree++;
                }
            }
        }
        Matcher m = Pattern.compile("scanned in ([0-9.]+) seconds").matcher(text);
        Double nmapSays = m.find() ? Double.parseDouble(m.group(1)) : null;
        JsonObject json = new JsonObject().put("targets", n).put("finished", finished).put("exit", finished ? p.exitValue() : null)
                .put("wallMs", wallMs).put("nmapReportedSeconds", nmapSays)
                .put("openRelay", open).put("notOpenRelay", closed).put("other", other).put("agreeWithFleet", agree)
                .put("fleetPeakConnections", fleet.stream().mapToLong(s -> s.getLong("peakActive", 0L)).max().orElse(0))
                .put("command", String.join(" ", cmd));
        if (ours != null) {
            long oursMs = ours.json().getLong("elapsedMs");
            json.put("oursMs", oursMs).put("nmapOverOurs", round(wallMs / (double) Math.max(1, oursMs), 1));
        }
        say("nmap: %d hosts in %.2f s (nmap says %s s): %d open relay, %d not, %d other; %d agree with the fleet%s",
                n, wallMs / 1000.0, nmapSays, open, closed, other, agree,
                ours == null ? "" : String.format(Locale.ROOT, "; %.1f× our time", json.getDouble("nmapOverOurs")));
        return json;
    }

    // ---------------------------------------------------------------- report

    private String table(List<Row> rows, JsonObject nmap, JsonObject direct) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "RTT %d ms; floor of one check: 4 RTT = %d ms (connect, greeting, EHLO, one "
                        + "pipelined group ending in QUIT), 5 RTT = %d ms with QUIT answered separately; measured direct "
                        + "dialogue without the service: %d / %d ms%n%n", rttMs, 4 * rttMs, 5 * rttMs,
                direct.getLong("quitPipelinedMs"), direct.getLong("quitSeparateMs")));
        sb.append("| batch | total s | checks/s | p50 ms | p99 ms | max ms | p50/4 RTT | p50/5 RTT | peak heap MiB (before / after GC) | "
                + "peak RSS MiB (run / VmHWM) | service CPU s | fleet CPU s | other CPU s | peak dialogues | lost | failed | wrong |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<Row> warmups = rows.stream().filter(r -> r.label().startsWith("warm-up")).toList();
        for (Row r : rows) {
            // The first warm-up (a cold JVM) and the last (the state the batches start from) are shown;
            // results.json has every round.
            if (warmups.indexOf(r) > 0 && warmups.indexOf(r) < warmups.size() - 1) {
                continue;
            }
            JsonObject j = r.json();
            JsonObject d = j.getJsonObject("durationMs");
            JsonObject s = j.getJsonObject("service", new JsonObject());
            JsonObject f = j.getJsonObject("fleet");
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %d | %d | %d | %s | %s | %s / %s | %s / %s | %s | %s | %s | %s | %d | %d | %d |%n",
                    r.label(), j.getLong("elapsedMs") / 1000.0, j.getDouble("checksPerSecond"), d.getLong("p50"),
                    d.getLong("p99"), d.getLong("max"), j.getValue("p50OverFloor4"), j.getValue("p50OverFloor5"),
                    s.getValue("peakHeapMiB", "–"), s.getValue("peakHeapAfterGcMiB", "–"), s.getValue("peakRssMiBDuringRun", "–"), s.getValue("vmHwmMiB", "–"),
                    s.getValue("cpuSeconds", "–"), f.getValue("cpuSeconds"),
                    j.getJsonObject("machine").getValue("otherCpuSeconds"), s.getValue("peakDialogues", "–"),
                    j.getInteger("lost"), j.getInteger("failed"), j.getInteger("wrongVerdicts")));
        }
        for (Row r : rows) {
            JsonObject j = r.json();
            JsonObject svc = j.getJsonObject("service", new JsonObject());
            if (j.containsKey("streamError") || Boolean.FALSE.equals(svc.getBoolean("alive"))) {
                sb.append(String.format(Locale.ROOT, "%nbatch %s: the stream broke after %d of %d reports (%s)%s", r.label(),
                        j.getInteger("reports"), j.getInteger("targets"), j.getString("streamError", "no summary line"),
                        Boolean.FALSE.equals(svc.getBoolean("alive")) ? "; the service had exited: "
                                + lastLines(out.resolve("service.log"), 1) : ""));
            }
        }
        if (nmap != null) {
            sb.append(String.format(Locale.ROOT, "%nnmap smtp-open-relay (16 tests, one connection, one command per "
                            + "round trip) on the same %d servers: %.2f s wall (%d open relay, %d not, %d other)%s%n",
                    nmap.getInteger("targets"), nmap.getLong("wallMs") / 1000.0, nmap.getInteger("openRelay"),
                    nmap.getInteger("notOpenRelay"), nmap.getInteger("other"),
                    nmap.containsKey("nmapOverOurs") ? String.format(Locale.ROOT, "; ours %.2f s (26 tests + 2 controls): "
                            + "nmap takes %.1f× as long", nmap.getLong("oursMs") / 1000.0, nmap.getDouble("nmapOverOurs")) : ""));
        }
        return sb.toString();
    }

    private void say(String format, Object... values) {
        String line = String.format(Locale.ROOT, format, values);
        System.out.println("bench: " + line);
        if (log != null) {
            log.println(Instant.now() + " " + line);
        }
    }

    private static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }

    private void stopAll() {
        for (Fleetling f : fleets) {
            try {
                f.stdin().write("quit\n");
                f.stdin().flush();
            } catch (IOException ignored) {
                // already gone
            }
        }
        if (service != null && service.isAlive()) {
            service.destroy(); // SIGTERM: Quarkus stops gracefully
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }
}
