package io.relaycheck.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The shortest dialogues a client can have with a fleet server, timed from connect to the last
 * reply, with no service in between: they measure the emulated floor itself (and the fleet's own
 * overhead) next to the computed one.
 *
 * <ul>
 *   <li>{@code quitPipelined}: connect, greeting, EHLO, then one group MAIL, RCPT, RCPT, RSET,
 *       QUIT (QUIT may end a group, RFC 2920 §3.1) — 4 RTT.</li>
 *   <li>otherwise the group without QUIT, then QUIT on its own and its 221 — 5 RTT.</li>
 * </ul>
 */
final class DirectDialogue {

    private DirectDialogue() {
    }

    static long run(String address, int port, boolean quitPipelined) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(30_000);
            s.connect(new InetSocketAddress(address, port), 10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            readReplies(in, 1);
            out.write("EHLO bench.example.net\r\n".getBytes(StandardCharsets.US_ASCII));
            readReplies(in, 1);
            String group = "MAIL FROM:<relay-probe@bench.example.net>\r\nRCPT TO:<relay-test@example.com>\r\n"
                    + "RCPT TO:<postmaster@fleet.test>\r\nRSET\r\n";
            if (quitPipelined) {
                out.write((group + "QUIT\r\n").getBytes(StandardCharsets.US_ASCII));
                readReplies(in, 5);
            } else {
                out.write(group.getBytes(StandardCharsets.US_ASCII));
                readReplies(in, 4);
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                readReplies(in, 1);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Reads until {@code count} complete replies (last lines "ddd ") have arrived. */
    private static void readReplies(InputStream in, int count) throws IOException {
        StringBuilder line = new StringBuilder();
        int done = 0;
        while (done < count) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + done + " of " + count + " replies");
            }
            if (b == '\n') {
                String l = line.toString();
                if (l.length() >= 4 && l.charAt(3) == ' ') {
                    done++;
                }
                line.setLength(0);
            } else if (b != '\r') {
                line.append((char) b);
            }
        }
    }
}
