package io.relaycheck.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.HoldingScript;
import io.relaycheck.testing.MailServerScript;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that goes away cancels the targets still queued behind the batch's concurrency, not
 * only the checks running: with one check at a time, the second target's server never hears from us.
 */
@QuarkusTest
@TestProfile(BatchQueueCancelTest.Profile.class)
class BatchQueueCancelTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay-check.batch.concurrency", "1");
        }
    }

    @Inject
    Vertx vertx;

    static int runningChecks() {
        return given().when().get("/q/health/ready").then().extract().jsonPath()
                .getInt("checks[0].data.runningChecks");
    }

    @Test
    void queuedTargetsNeverStartAfterTheClientLeft() throws Exception {
        HoldingScript holding = new HoldingScript(vertx, 4);
        List<FakeSmtpServer> pair = FakeSmtpServer.startOnSamePort(vertx, List.of("127.0.0.1", "127.0.0.2"),
                List.of(holding, MailServerScript.closed()));
        FakeSmtpServer held = pair.get(0);
        FakeSmtpServer queued = pair.get(1);
        try {
            String json = "{\"targets\": [\"127.0.0.1\", \"127.0.0.2\"], \"port\": " + held.port()
                    + ", \"mailDomain\": \"relay.test\"}";
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/v1/relay-check/batch HTTP/1.1\r\nHost: localhost\r\n"
                        + "Accept: application/x-ndjson\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                assertTrue(holding.awaitConnections(20), "the first target's battery is running and held");
                assertEquals(0, queued.connections().size(), "the second target waits behind concurrency 1");
            } // the client goes away here
            assertTrue(held.awaitClosed(4, 10), "the running check was closed");
            // Had the queue not been cancelled, the second check would start as the first one ends
            // (in the same call chain) and keep runningChecks above zero until it finished.
            long until = System.nanoTime() + 10_000_000_000L;
            while (runningChecks() > 0 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertEquals(0, runningChecks(), "no check left running");
            assertEquals(0, queued.connections().size(), "the queued target was never checked");
        } finally {
            pair.forEach(FakeSmtpServer::close);
        }
    }
}
