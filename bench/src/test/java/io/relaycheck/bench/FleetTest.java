package io.relaycheck.bench;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emulation is what the benchmark's numbers rest on: one write per flight, replies in order,
 * the greeting only after its round trips, never an answer before its RTT has passed. (Lower bounds
 * only: timers never fire early; how late they fire is the machine's business, not a test's.)
 */
class FleetTest {

    private static final long RTT = 40;
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        FleetStats stats = new FleetStats();
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0));
        server.connectHandler(s -> new FleetConnection(vertx, s, new SmtpPersona("127.0.0.1", false),
                TimeUnit.MILLISECONDS.toNanos(RTT), 2, stats));
        port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPipelinedGroupIsAnsweredInOneFlightAfterOneRtt() throws Exception {
        long t0 = System.nanoTime();
        try (Socket s = connect()) {
            String greeting = read(s, 1);
            assertTrue(ms(t0) >= 2 * RTT, "greeting after two round trips, not " + ms(t0) + " ms");
            assertTrue(greeting.startsWith("220 mx-127-0-0-1.fleet.test "), greeting);

            String ehlo = exchange(s, "EHLO me.example\r\n", 1);
            assertTrue(ehlo.contains("250-PIPELINING\r\n"), ehlo);
            assertTrue(!ehlo.contains("STARTTLS"), ehlo);

            long t1 = System.nanoTime();
            String group = exchange(s, "MAIL FROM:<a@b.example>\r\nRCPT TO:<x@example.com>\r\n"
                    + "RCPT TO:<postmaster@fleet.test>\r\nRCPT TO:<nobody@fleet.test>\r\nRSET\r\n", 5);
            assertTrue(ms(t1) >= RTT, "a group waits one RTT, not " + ms(t1) + " ms");
            assertEquals("250 2.1.0 Ok\r\n554 5.7.1 <x@example.com>: Relay access denied\r\n250 2.1.5 Ok\r\n"
                    + "550 5.1.1 <nobody@fleet.test>: Recipient address rejected: User unknown in local recipient table\r\n"
                    + "250 2.0.0 Ok\r\n", group);

            assertTrue(exchange(s, "DATA\r\n", 1).startsWith("554 "), "DATA refused");
            assertEquals("221 2.0.0 Bye\r\n", exchange(s, "QUIT\r\n", 1));
            assertEquals(-1, s.getInputStream().read(), "closed after QUIT");
        }
    }

    @Test
    void aClientThatTalksFirstIsAnsweredAfterTheGreetingInOrder() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("EHLO early.example\r\n".getBytes(StandardCharsets.US_ASCII));
            String both = read(s, 2);
            assertTrue(both.startsWith("220 "), both);
            assertTrue(both.contains("\r\n250-mx-127-0-0-1.fleet.test\r\n"), both);
        }
    }

    @Test
    void openRelaysAcceptForeignRecipientsAndStillRefuseUnknownLocalOnes() {
        SmtpPersona open = new SmtpPersona("127.0.10.10", true);
        open.answer("MAIL FROM:<>");
        assertTrue(open.answer("RCPT TO:<relay-test@example.com>").startsWith("250 "));
        assertTrue(open.answer("RCPT TO:<relay-test%example.com@fleet.test>").startsWith("550 "));
        assertTrue(open.answer("RCPT TO:<postmaster@fleet.test>").startsWith("250 "));
    }

    @Test
    void addressesCoverTheLayoutBothWays() {
        assertEquals("127.0.10.1", FleetAddresses.address(1));
        assertEquals("127.0.10.200", FleetAddresses.address(200));
        assertEquals("127.0.11.1", FleetAddresses.address(251));
        assertEquals("127.0.49.250", FleetAddresses.address(10_000));
        for (int i : new int[] {1, 250, 251, 10_000, 70_000}) {
            assertEquals(i, FleetAddresses.index(FleetAddresses.address(i)));
        }
        assertEquals(-1, FleetAddresses.index("10.0.0.1"));
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    private static String exchange(Socket s, String commands, int replies) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(commands.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read(s, replies);
    }

    /** Reads whole replies; asserts they came in as one flight (a single read when there are several). */
    private static String read(Socket s, int replies) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[8192];
        int reads = 0;
        while (countReplies(sb.toString()) < replies) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            reads++;
            sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        assertEquals(1, reads, "one flight: " + sb);
        return sb.toString();
    }

    private static int countReplies(String text) {
        int n = 0;
        for (String line : text.split("\r\n")) {
            if (line.length() >= 4 && line.charAt(3) == ' ') {
                n++;
            }
        }
        return n;
    }

    /** Milliseconds since t0, rounded: the fleet may send up to 0.2 ms before the exact due time. */
    private static long ms(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6);
    }
}
