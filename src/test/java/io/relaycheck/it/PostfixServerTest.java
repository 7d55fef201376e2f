package io.relaycheck.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Proves {@link PostfixServer} gives a real open relay and a real closed one, side by side. */
class PostfixServerTest {

    private static final String FOREIGN = "t@example.com";
    private static final String UNKNOWN_LOCAL = "x9z8y7w6v5u4t3s2@relay.test";
    private static final String POSTMASTER = "postmaster@relay.test";

    @BeforeAll
    static void requirePostfix() {
        PostfixServer.assumeAvailable();
    }

    @Test
    void openAndClosedRelayRunSideBySide() throws Exception {
        CompletableFuture<PostfixServer> openF = CompletableFuture.supplyAsync(PostfixServer::openRelay);
        CompletableFuture<PostfixServer> closedF = CompletableFuture.supplyAsync(PostfixServer::closedRelay);
        try (PostfixServer open = openF.join(); PostfixServer closed = closedF.join()) {
            assertEquals("127.0.0.1", open.host());
            assertEquals("relay.test", open.mailDomain());
            assertTrue(open.port() > 1024 && closed.port() > 1024);
            assertTrue(open.port() != closed.port());
            assertEquals("220 mx.relay.test ESMTP Postfix", open.banner());

            Map<String, String> o = probe(open);
            Map<String, String> c = probe(closed);

            assertTrue(o.get("BANNER").startsWith("220 mx.relay.test ESMTP Postfix"), o.toString());
            assertTrue(o.get("EHLO").startsWith("250"), o.toString());
            assertTrue(o.get("MAIL").startsWith("250"), o.toString());

            assertTrue(o.get(FOREIGN).startsWith("250 "), "open relay must accept " + FOREIGN + ": " + o + "\n" + open.log());
            assertTrue(c.get(FOREIGN).startsWith("5"), "closed relay must refuse " + FOREIGN + ": " + c);
            assertTrue(c.get(FOREIGN).startsWith("554 5.7.1"), c.toString());
            assertTrue(c.get(FOREIGN).contains("Relay access denied"), c.toString());

            for (Map<String, String> r : List.of(o, c)) {
                assertTrue(r.get(POSTMASTER).startsWith("250 "), r.toString());
                assertTrue(r.get(UNKNOWN_LOCAL).startsWith("550 5.1.1"), r.toString());
                assertTrue(r.get("RSET").startsWith("250"), r.toString());
                assertTrue(r.get("QUIT").startsWith("221"), r.toString());
            }
            // STARTTLS is off unless asked for.
            assertFalse(o.get("EHLO").contains("STARTTLS"), o.get("EHLO"));

            // A second client in a row still works (no throttling, smtpd healthy).
            assertTrue(probe(open).get(FOREIGN).startsWith("250 "));
        }
    }

    @Test
    void closeStopsPostfixAndDeletesItsDirectory() {
        PostfixServer server = PostfixServer.closedRelay();
        Path dir = server.configDirectory().getParent();
        int port = server.port();
        server.close();
        assertFalse(Files.exists(dir), dir + " still exists");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            throw new AssertionError("port " + port + " still accepts connections after close()");
        } catch (IOException expected) {
            // refused: nothing listens any more
        }
    }

    @Test
    void smtpdThatDiesAtStartupFailsFastWithItsLog() {
        // `postfix check` and `postfix start` both accept this; smtpd itself dies at the first client.
        PostfixServer.Builder bad = PostfixServer.builder(PostfixServer.Mode.OPEN_RELAY)
                .withSetting("smtpd_relay_restrictions", "permit");
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, bad::start);
        assertTrue(e.getMessage().contains("specify at least one working instance of"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "should fail fast");
    }

    @Test
    void startTlsOptionUpgradesWithTheSelfSignedCertificate() throws Exception {
        try (PostfixServer server = PostfixServer.builder(PostfixServer.Mode.OPEN_RELAY).withStartTls().start();
                Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(server.host(), server.port()), 5000);
            plain.setSoTimeout(10_000);
            Smtp smtp = new Smtp(plain.getInputStream(), plain.getOutputStream());
            assertTrue(smtp.reply().startsWith("220"));
            String ehlo = smtp.command("EHLO probe.example.net");
            assertTrue(ehlo.contains("STARTTLS"), ehlo);
            assertTrue(smtp.command("STARTTLS").startsWith("220"));

            X509Certificate cert;
            try (InputStream in = Files.newInputStream(server.tlsCertificate().orElseThrow())) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("postfix", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory()
                    .createSocket(plain, server.host(), server.port(), true)) {
                tls.startHandshake();
                assertTrue(tls.getSession().getProtocol().startsWith("TLS"));
                Smtp secure = new Smtp(tls.getInputStream(), tls.getOutputStream());
                String ehlo2 = secure.command("EHLO probe.example.net");
                assertFalse(ehlo2.contains("STARTTLS"), ehlo2);
                assertTrue(secure.command("MAIL FROM:<probe@example.net>").startsWith("250"));
                assertTrue(secure.command("RCPT TO:<" + FOREIGN + ">").startsWith("250"));
                assertTrue(secure.command("QUIT").startsWith("221"));
            }
        }
    }

    /** The relay exchange from the brief, over a plain socket; never sends DATA. Keys: step or recipient. */
    private static Map<String, String> probe(PostfixServer server) throws IOException {
        Map<String, String> replies = new LinkedHashMap<>();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(server.host(), server.port()), 5000);
            s.setSoTimeout(10_000);
            Smtp smtp = new Smtp(s.getInputStream(), s.getOutputStream());
            replies.put("BANNER", smtp.reply());
            replies.put("EHLO", smtp.command("EHLO probe.example.net"));
            replies.put("MAIL", smtp.command("MAIL FROM:<probe@example.net>"));
            for (String rcpt : List.of(FOREIGN, POSTMASTER, UNKNOWN_LOCAL)) {
                replies.put(rcpt, smtp.command("RCPT TO:<" + rcpt + ">"));
            }
            replies.put("RSET", smtp.command("RSET"));
            replies.put("QUIT", smtp.command("QUIT"));
        }
        return replies;
    }

    /** Just enough SMTP: one command, one (possibly multi-line) reply, lines joined with '\n'. */
    private static final class Smtp {
        private final BufferedReader in;
        private final OutputStream out;

        Smtp(InputStream in, OutputStream out) {
            this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            this.out = out;
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        String reply() throws IOException {
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("connection closed after " + lines);
                }
                lines.add(line);
            } while (line.length() > 3 && line.charAt(3) == '-');
            return String.join("\n", lines);
        }
    }
}
