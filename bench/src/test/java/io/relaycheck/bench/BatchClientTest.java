package io.relaycheck.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NDJSON client against a stub of the batch endpoint that streams its lines with pauses. */
class BatchClientTest {

    private static Vertx vertx;
    private static int port;
    private static final AtomicReference<JsonObject> received = new AtomicReference<>();
    private static final AtomicReference<String> accept = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            if (!req.path().equals("/api/v1/relay-check/batch")) {
                req.response().setStatusCode(404).end();
                return;
            }
            accept.set(req.getHeader("Accept"));
            req.body().onSuccess(body -> {
                received.set(body.toJsonObject());
                var res = req.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
                res.write("{\"id\":\"a\",\"target\":\"127.0.10.1\",\"durationMs\":251,\"verdict\":\"NOT_OPEN_RELAY\","
                        + "\"reason\":\"RELAY_DENIED\",\"summary\":\"127.0.10.1 is not an open relay.\",\"servers\":[{\"timings\":{\"connectMs\":0,\"bannerMs\":100,"
                        + "\"ehloMs\":50,\"transactionMs\":50},\"connections\":4}]}\n{\"target\":\"not a host\",");
                vertx.setTimer(50, t -> {
                    // a line split across chunks, then the rest of the stream
                    res.write("\"error\":{\"status\":400,\"detail\":\"not a domain\"}}\n");
                    vertx.setTimer(50, t2 -> {
                        res.write("{\"id\":\"b\",\"target\":\"127.0.10.10\",\"durationMs\":262,\"verdict\":\"OPEN_RELAY\","
                                + "\"reason\":\"RELAY_ACCEPTED\",\"servers\":[]}\n");
                        res.end("{\"summary\":{\"total\":3,\"byVerdict\":{\"OPEN_RELAY\":1,\"NOT_OPEN_RELAY\":1},"
                                + "\"elapsedMs\":300}}\n");
                    });
                });
            });
        });
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void readsReportsErrorsAndTheSummaryAsTheyStream() throws Exception {
        BatchClient client = new BatchClient("http://127.0.0.1:" + port + "/");
        BatchClient.Result r = client.post(BatchClient.body(List.of("127.0.10.1", "not a host", "127.0.10.10"), 2525,
                true, 90), Duration.ofSeconds(30));

        assertEquals("application/x-ndjson", accept.get());
        JsonObject body = received.get();
        assertEquals(3, body.getJsonArray("targets").size());
        assertEquals(2525, body.getInteger("port"));
        assertEquals(false, body.getBoolean("transcript"));
        assertEquals(true, body.getBoolean("fresh"));

        assertEquals(200, r.status());
        assertEquals(2, r.reports().size());
        BatchClient.Report first = r.reports().get(0);
        assertEquals("127.0.10.1", first.target());
        assertEquals(251, first.durationMs());
        assertEquals("NOT_OPEN_RELAY", first.verdict());
        assertEquals(100L, first.bannerMs());
        assertEquals(4, first.connections());
        assertEquals("OPEN_RELAY", r.reports().get(1).verdict());
        assertTrue(r.reports().get(1).arrivedMs() >= first.arrivedMs());
        assertEquals(1, r.errors().size());
        assertEquals("not a host", r.errors().get(0).target());
        assertEquals("not a domain", r.errors().get(0).detail());
        assertNotNull(r.summary());
        assertEquals(3, r.summary().getInteger("total"));
        assertTrue(r.unparsed().isEmpty());
    }
}
