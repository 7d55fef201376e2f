package io.relaycheck.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Postfix instance for integration tests, listening on {@code 127.0.0.1} on a free port, with
 * its own configuration, queue and data directories under a private temporary directory. Several
 * instances can run at once; none of them touches the system instance in {@code /etc/postfix} or
 * {@code /var/spool/postfix}.
 *
 * <p>The instance can never deliver anything: every transport is {@code discard:} and the DATA
 * command is always refused ({@code smtpd_data_restrictions = reject}). It serves the mail domain
 * {@value #MAIL_DOMAIN} (host name {@value #HOST_NAME}) and validates local recipients at RCPT
 * time: only {@link #LOCAL_USERS} exist; any other local part is refused with
 * {@code 550 5.1.1 ... User unknown in local recipient table}.
 *
 * <ul>
 *   <li>{@link #openRelay()}: relays for every client ({@code check_client_access static:OK});
 *       {@code RCPT TO:<t@example.com>} gets {@code 250 2.1.5 Ok}.</li>
 *   <li>{@link #closedRelay()}: relays only for {@code mynetworks = 192.0.2.0/24}, which does not
 *       contain 127.0.0.1; a foreign recipient gets {@code 554 5.7.1 ... Relay access denied}.</li>
 * </ul>
 *
 * <p>Usage:
 * <pre>{@code
 * @BeforeAll static void postfix() { PostfixServer.assumeAvailable(); }
 *
 * try (PostfixServer mx = PostfixServer.openRelay()) { ... mx.host(), mx.port() ... }
 * try (PostfixServer mx = PostfixServer.builder(Mode.CLOSED_RELAY).withStartTls()
 *         .withSetting("smtpd_hard_error_limit", "5").start()) { ... }
 * }</pre>
 *
 * <p>Requirements: Linux, the Postfix package ({@code /usr/sbin/postfix}, {@code /usr/sbin/postconf})
 * and root (the Postfix master must start as root). {@link #assumeAvailable()} skips a test when
 * these are missing, except under {@code CI=true}, where it fails: CI must run these tests.
 */
public final class PostfixServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String MAIL_DOMAIN = "relay.test";
    public static final String HOST_NAME = "mx.relay.test";
    /** Local parts that exist at {@value #MAIL_DOMAIN}; every other one is unknown. */
    public static final List<String> LOCAL_USERS = List.of("postmaster", "alice");

    private static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    private static final Path POSTCONF = Path.of("/usr/sbin/postconf");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final int READY_ATTEMPTS = 100;
    private static final long READY_PAUSE_MS = 100;
    private static final int GREETING_SLICE_MS = 250;
    private static final int GREETING_SLICES = 40;
    private static final int START_ATTEMPTS = 3;
    /** Serialises port choice and bind across JVMs (see startOnce). */
    private static final Path PORT_LOCK = Path.of("/tmp/postfix-relaytest.lock");

    public enum Mode {
        /** Accepts relaying from any client. */
        OPEN_RELAY,
        /** Relays only for 192.0.2.0/24; everyone else gets 554 5.7.1 for a foreign recipient. */
        CLOSED_RELAY
    }

    private final Mode mode;
    private final Path root;
    private final Path configDir;
    private final Path maillog;
    private final int port;
    private final boolean startTls;
    private final Path tlsCertificate;
    private final String banner;
    private final Thread shutdownHook;
    private boolean closed;

    private PostfixServer(Mode mode, Path root, int port, boolean startTls, Path tlsCertificate, String banner) {
        this.mode = mode;
        this.root = root;
        this.configDir = root.resolve("etc");
        this.maillog = root.resolve("maillog");
        this.port = port;
        this.startTls = startTls;
        this.tlsCertificate = tlsCertificate;
        this.banner = banner;
        this.shutdownHook = new Thread(this::abortQuietly, "postfix-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    // ------------------------------------------------------------------ factories

    /** Starts an open relay (plain SMTP, no STARTTLS). */
    public static PostfixServer openRelay() {
        return builder(Mode.OPEN_RELAY).start();
    }

    /** Starts a closed relay (plain SMTP, no STARTTLS). */
    public static PostfixServer closedRelay() {
        return builder(Mode.CLOSED_RELAY).start();
    }

    public static Builder builder(Mode mode) {
        return new Builder(mode);
    }

    public static final class Builder {
        private final Mode mode;
        private boolean startTls;
        private final Map<String, String> extra = new LinkedHashMap<>();

        private Builder(Mode mode) {
            this.mode = mode;
        }

        /** Offer STARTTLS ({@code smtpd_tls_security_level = may}) with a fresh self-signed certificate. */
        public Builder withStartTls() {
            this.startTls = true;
            return this;
        }

        /**
         * Sets or overrides one main.cf parameter, applied after the built-in ones, e.g.
         * {@code withSetting("local_recipient_maps", "")} for an accept-all server, or
         * {@code withSetting("smtpd_relay_restrictions", "permit_mynetworks, defer_unauth_destination")}.
         */
        public Builder withSetting(String name, String value) {
            if (!name.matches("[a-z0-9_]+") || value.contains("\n") || value.contains("\r")) {
                throw new IllegalArgumentException("bad main.cf setting " + name + " = " + value);
            }
            extra.put(name, value);
            return this;
        }

        public PostfixServer start() {
            if (!available()) {
                throw new IllegalStateException("Postfix is not usable here: " + unavailableReason());
            }
            IllegalStateException last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                try {
                    return startOnce();
                } catch (PortTakenException e) {
                    // Someone grabbed the port between our probe and Postfix's bind: pick another one.
                    last = e;
                }
            }
            throw last;
        }

        private PostfixServer startOnce() {
            Path root = null;
            boolean started = false;
            try {
                root = createRootDirectory();
                Path tlsCert = startTls ? createCertificate(root) : null;
                writeConfiguration(root, tlsCert);
                // `postfix check` (slow: it creates the queue tree) does not care about the port yet.
                writeMasterCf(root, freePort());
                run(root, POSTFIX.toString(), "-c", root.resolve("etc").toString(), "check");
                int port;
                // Postfix's master binds its inet listeners with SO_REUSEPORT, so two instances that
                // happen to pick the same free port would BOTH start and silently share it (the kernel
                // load-balancing connections between an open and a closed relay). Pick-and-bind is
                // therefore serialised, across threads and across JVMs, and the result verified.
                synchronized (PostfixServer.class) {
                    try (FileChannel lockFile = FileChannel.open(PORT_LOCK, StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                            FileLock lock = lockFile.lock()) {
                        port = freePort();
                        writeMasterCf(root, port);
                        try {
                            run(root, POSTFIX.toString(), "-c", root.resolve("etc").toString(), "start");
                        } catch (IllegalStateException e) {
                            if (e.getMessage().contains("Address already in use")
                                    || readQuietly(root.resolve("maillog")).contains("Address already in use")) {
                                throw new PortTakenException(e.getMessage());
                            }
                            throw e;
                        }
                        started = true;
                        int listeners = listenersOn(port);
                        if (listeners != 1) {
                            throw new PortTakenException(listeners + " listening sockets on port " + port
                                    + " (expected only this instance's)");
                        }
                    }
                }
                String banner = awaitBanner(root, port);
                return new PostfixServer(mode, root, port, startTls, tlsCert, banner);
            } catch (IOException e) {
                cleanUp(root, started);
                throw new UncheckedIOException(e);
            } catch (RuntimeException | Error e) {
                cleanUp(root, started);
                throw e;
            }
        }

        private static void cleanUp(Path root, boolean started) {
            if (root != null) {
                if (started) {
                    stopInstance(root, true);
                }
                deleteTree(root);
            }
        }

        private void writeConfiguration(Path root, Path tlsCert) throws IOException {
            Map<String, String> cf = new LinkedHashMap<>();
            // Private locations: nothing shared with the system instance.
            cf.put("queue_directory", root.resolve("spool").toString());
            cf.put("data_directory", root.resolve("data").toString());
            cf.put("syslog_name", root.getFileName().toString());
            cf.put("maillog_file", root.resolve("maillog").toString());
            cf.put("maillog_file_prefixes", root.toString());
            cf.put("compatibility_level", compatibilityLevel());
            cf.put("biff", "no");
            cf.put("readme_directory", "no");
            // Network: IPv4 loopback only.
            cf.put("inet_interfaces", HOST);
            cf.put("inet_protocols", "ipv4");
            // Identity and the one local domain.
            cf.put("myhostname", HOST_NAME);
            cf.put("mydomain", MAIL_DOMAIN);
            cf.put("myorigin", MAIL_DOMAIN);
            cf.put("mydestination", MAIL_DOMAIN + ", localhost");
            cf.put("relay_domains", "");
            cf.put("relayhost", "");
            cf.put("alias_maps", "");
            cf.put("alias_database", "");
            // Recipient validation at RCPT time; lookups try user@domain, then the bare local part.
            StringBuilder users = new StringBuilder("inline:{");
            for (int i = 0; i < LOCAL_USERS.size(); i++) {
                users.append(i == 0 ? "" : ", ").append(LOCAL_USERS.get(i)).append("=exists");
            }
            cf.put("local_recipient_maps", users.append('}').toString());
            cf.put("unknown_local_recipient_reject_code", "550");
            // Never deliver anything, anywhere.
            cf.put("default_transport", "discard:");
            cf.put("relay_transport", "discard:");
            cf.put("local_transport", "discard:");
            cf.put("virtual_transport", "discard:");
            cf.put("smtpd_data_restrictions", "reject");
            cf.put("smtpd_end_of_data_restrictions", "reject");
            // The relay policy under test.
            cf.put("mynetworks", "192.0.2.0/24");
            cf.put("smtpd_relay_restrictions", mode == Mode.OPEN_RELAY
                    ? "check_client_access static:OK, reject_unauth_destination"
                    : "permit_mynetworks, reject_unauth_destination");
            cf.put("smtpd_recipient_restrictions", "");
            // Tests connect often and fast from loopback.
            cf.put("smtpd_client_event_limit_exceptions", "127.0.0.0/8");
            cf.put("smtpd_banner", "$myhostname ESMTP Postfix");
            cf.put("smtpd_helo_required", "no");
            if (tlsCert != null) {
                cf.put("smtpd_tls_security_level", "may");
                cf.put("smtpd_tls_cert_file", tlsCert.toString());
                cf.put("smtpd_tls_key_file", root.resolve("tls/key.pem").toString());
                cf.put("smtpd_tls_loglevel", "1");
            } else {
                cf.put("smtpd_tls_security_level", "none");
            }
            cf.put("smtp_tls_security_level", "none");
            cf.putAll(extra);

            StringBuilder main = new StringBuilder("# generated by io.relaycheck.it.PostfixServer\n");
            cf.forEach((k, v) -> main.append(k).append(" = ").append(v).append('\n'));
            Path etc = Files.createDirectories(root.resolve("etc"));
            Files.writeString(etc.resolve("main.cf"), main.toString());
            // Postfix chdir()s into queue_directory before it creates the queue tree itself.
            Files.createDirectories(root.resolve("spool"));
            setMode(root.resolve("spool"), "rwxr-xr-x");
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ accessors

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String mailDomain() {
        return MAIL_DOMAIN;
    }

    /** The greeting name, {@value #HOST_NAME}. */
    public String hostName() {
        return HOST_NAME;
    }

    public Mode mode() {
        return mode;
    }

    public boolean isOpenRelay() {
        return mode == Mode.OPEN_RELAY;
    }

    public boolean startTls() {
        return startTls;
    }

    /** PEM file of the self-signed certificate when {@link Builder#withStartTls()} was used. */
    public Optional<Path> tlsCertificate() {
        return Optional.ofNullable(tlsCertificate);
    }

    /** The 220 greeting seen while waiting for readiness, e.g. {@code 220 mx.relay.test ESMTP Postfix}. */
    public String banner() {
        return banner;
    }

    /** The instance's configuration directory (main.cf, master.cf). */
    public Path configDirectory() {
        return configDir;
    }

    /** The instance's log so far (Postfix's own maillog_file); handy in assertion messages. */
    public String log() {
        return readQuietly(maillog);
    }

    @Override
    public String toString() {
        return "PostfixServer[" + mode + ", " + HOST + ":" + port + (startTls ? ", STARTTLS" : "") + "]";
    }

    /** Stops Postfix (waiting for its master to exit) and deletes the temporary directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try {
            stopInstance(root, false);
        } finally {
            deleteTree(root);
        }
    }

    private synchronized void abortQuietly() {
        if (!closed) {
            closed = true;
            stopInstance(root, true);
            deleteTree(root);
        }
    }

    // ------------------------------------------------------------------ availability

    /** Whether this machine can run the instance: Postfix installed and we are root. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Why {@link #available()} is false, or {@code null} when it is true. */
    public static String unavailableReason() {
        if (!Files.isExecutable(POSTFIX) || !Files.isExecutable(POSTCONF)) {
            return POSTFIX + " or " + POSTCONF + " not found (install the postfix package, see .ci/install-postfix.sh)";
        }
        if (!isRoot()) {
            return "not running as root (uid " + uid().orElse("unknown") + "); the Postfix master must start as root";
        }
        return null;
    }

    /**
     * Skips the calling test (JUnit assumption) when Postfix cannot run here; but when the environment
     * variable {@code CI=true} is set it fails instead, so CI cannot silently skip these tests.
     */
    public static void assumeAvailable() {
        String reason = unavailableReason();
        if (reason == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("Postfix integration tests must run in CI (CI=true), but " + reason);
        }
        Assumptions.assumeTrue(false, "Postfix not available, skipping: " + reason);
    }

    private static boolean isRoot() {
        return uid().map("0"::equals).orElseGet(() -> "root".equals(System.getProperty("user.name")));
    }

    private static Optional<String> uid() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            // "Uid:\treal\teffective\tsaved\tfs" - the effective uid is what counts.
            return lines.filter(l -> l.startsWith("Uid:")).map(l -> l.split("\\s+")[2]).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ internals

    private static String compatibilityLevel() {
        // "3.6" syntax exists since Postfix 3.6; older 3.x understands "2".
        try {
            String version = runForOutput(POSTCONF.toString(), "-dh", "mail_version").trim();
            String[] p = version.split("\\.");
            int major = Integer.parseInt(p[0]);
            int minor = p.length > 1 ? Integer.parseInt(p[1]) : 0;
            return major > 3 || (major == 3 && minor >= 6) ? "3.6" : "2";
        } catch (RuntimeException e) {
            return "2";
        }
    }

    private static void writeMasterCf(Path root, int port) throws IOException {
        Files.writeString(root.resolve("etc/master.cf"), masterCf(port));
    }

    /** Listening TCP sockets (IPv4 and IPv6, any address) on the port, from /proc/net/tcp{,6}. */
    private static int listenersOn(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ...; st 0A = LISTEN
                if (f.length > 3 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
                    count++;
                }
            }
        }
        return count;
    }

    private static String masterCf(int port) {
        // Our own minimal master.cf (not a copy of /etc/postfix/master.cf, which may be customised):
        // one smtpd on the chosen port, the internal services smtpd needs, nothing chrooted.
        // service type private unpriv chroot wakeup maxproc command
        return String.join("\n",
                "# generated by io.relaycheck.it.PostfixServer",
                port + "      inet  n       -       n       -       -       smtpd",
                "pickup    unix  n       -       n       60      1       pickup",
                "cleanup   unix  n       -       n       -       0       cleanup",
                "qmgr      unix  n       -       n       300     1       qmgr",
                "tlsmgr    unix  -       -       n       1000?   1       tlsmgr",
                "rewrite   unix  -       -       n       -       -       trivial-rewrite",
                "bounce    unix  -       -       n       -       0       bounce",
                "defer     unix  -       -       n       -       0       bounce",
                "trace     unix  -       -       n       -       0       bounce",
                "verify    unix  -       -       n       -       1       verify",
                "flush     unix  n       -       n       1000?   0       flush",
                "proxymap  unix  -       -       n       -       -       proxymap",
                "proxywrite unix -       -       n       -       1       proxymap",
                "smtp      unix  -       -       n       -       -       smtp",
                "relay     unix  -       -       n       -       -       smtp",
                "showq     unix  n       -       n       -       -       showq",
                "error     unix  -       -       n       -       -       error",
                "retry     unix  -       -       n       -       -       error",
                "discard   unix  -       -       n       -       -       discard",
                "local     unix  -       n       n       -       -       local",
                "anvil     unix  -       -       n       -       1       anvil",
                "scache    unix  -       -       n       -       1       scache",
                "postlog   unix-dgram n  -       n       -       1       postlogd",
                "");
    }

    private static Path createRootDirectory() throws IOException {
        // Under /tmp rather than java.io.tmpdir: the unprivileged postfix user must be able to traverse
        // every parent of the queue directory, and UNIX socket paths must stay short (108 bytes).
        Path base = Files.isDirectory(Path.of("/tmp")) ? Path.of("/tmp") : Path.of(System.getProperty("java.io.tmpdir"));
        Path root = Files.createTempDirectory(base, "postfix-relaytest-");
        setMode(root, "rwxr-xr-x");
        return root;
    }

    private static void setMode(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            int port = s.getLocalPort();
            if (port <= 1024) {
                throw new IOException("kernel handed out a privileged port " + port);
            }
            return port;
        }
    }

    private static Path createCertificate(Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("tls"));
        setMode(dir, "rwx------");
        Path cert = dir.resolve("cert.pem");
        run(root, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-subj", "/CN=" + HOST_NAME,
                "-addext", "subjectAltName=DNS:" + HOST_NAME,
                "-keyout", dir.resolve("key.pem").toString(), "-out", cert.toString());
        setMode(dir.resolve("key.pem"), "rw-------");
        setMode(cert, "rw-r--r--");
        return cert;
    }

    /**
     * Polls until a connection yields a {@code 220} greeting. A connection that is accepted but never
     * greets means smtpd died at start-up (a configuration error Postfix only reports when the first
     * client arrives): fail fast with the log instead of waiting.
     */
    private static String awaitBanner(Path root, int port) {
        String lastProblem = "no attempt made";
        for (int attempt = 1; attempt <= READY_ATTEMPTS; attempt++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                s.setSoTimeout(GREETING_SLICE_MS);
                String greeting = readGreeting(s, root, port);
                if (greeting.startsWith("220")) {
                    OutputStream out = s.getOutputStream();
                    out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return greeting;
                }
                lastProblem = "unexpected greeting: " + greeting;
            } catch (SocketTimeoutException e) {
                lastProblem = "connected but no greeting";
            } catch (IOException e) {
                lastProblem = e.toString();
            }
            failIfDaemonDied(root, port, lastProblem);
            sleep(READY_PAUSE_MS);
        }
        throw new IllegalStateException("Postfix on port " + port + " not ready after " + READY_ATTEMPTS
                + " attempts (" + lastProblem + "); its log:\n" + readQuietly(root.resolve("maillog")));
    }

    /**
     * Reads the (possibly multi-line) greeting in short read slices, checking the log between slices:
     * a connection the master accepted but whose smtpd died never greets.
     */
    private static String readGreeting(Socket s, Path root, int port) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[1024];
        for (int slice = 0; slice < GREETING_SLICES; slice++) {
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                failIfDaemonDied(root, port, "connected but no greeting");
                continue;
            }
            if (n < 0) {
                return buf.toString(StandardCharsets.US_ASCII).trim();
            }
            buf.write(chunk, 0, n);
            String text = buf.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n")) {
                String[] lines = text.split("\r\n");
                String last = lines[lines.length - 1];
                if (last.length() < 4 || last.charAt(3) != '-') {
                    return String.join("\n", lines);
                }
            }
        }
        throw new SocketTimeoutException("no complete greeting");
    }

    private static void failIfDaemonDied(Path root, int port, String problem) {
        String log = readQuietly(root.resolve("maillog"));
        if (log.contains("fatal:") || log.contains("bad command startup")) {
            throw new IllegalStateException("Postfix on port " + port + " failed to start (" + problem
                    + "); its log:\n" + log);
        }
    }

    private static void stopInstance(Path root, boolean abort) {
        Path etc = root.resolve("etc");
        Optional<ProcessHandle> master = masterProcess(root);
        try {
            run(root, POSTFIX.toString(), "-c", etc.toString(), abort ? "abort" : "stop");
        } catch (RuntimeException e) {
            // fall through to the kill below
        }
        // The master daemonised, so it is not our child: poll /proc instead of onExit(), and count a
        // zombie as gone (a container's PID 1 may reap orphans late, and isAlive() is true for zombies).
        master.ifPresent(m -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (running(m) && System.nanoTime() < deadline) {
                sleepUninterruptibly(20);
            }
            if (running(m)) {
                m.destroyForcibly();
            }
        });
    }

    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return p.isAlive();
        }
    }

    private static Optional<ProcessHandle> masterProcess(Path root) {
        try {
            String pid = Files.readString(root.resolve("spool/pid/master.pid")).trim();
            return ProcessHandle.of(Long.parseLong(pid)).filter(PostfixServer::running);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Runs a command to completion, output appended to {@code <root>/commands.log}; throws on failure. */
    private static void run(Path root, String... command) {
        Path log = root.resolve("commands.log");
        try {
            Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            // Output to a file, not a pipe: the daemonised master must not inherit a pipe we wait on.
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command) + "\n" + readQuietly(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("failed (exit " + p.exitValue() + "): " + String.join(" ", command)
                        + "\n--- command output:\n" + readQuietly(log)
                        + "\n--- maillog:\n" + readQuietly(root.resolve("maillog")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static String runForOutput(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("failed: " + String.join(" ", command) + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        } catch (IOException | RuntimeException e) {
            // best effort
        }
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // best effort: a straggling daemon may still be writing
            }
        }
    }

    private static void sleepUninterruptibly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Postfix", e);
        }
    }
}
