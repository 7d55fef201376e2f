package io.relaycheck.api;

import io.quarkus.test.junit.QuarkusTest;
import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.HoldingScript;
import io.relaycheck.testing.MailServerScript;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class BatchResourceTest {

    @Inject
    Vertx vertx;

    final List<FakeSmtpServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        servers.forEach(FakeSmtpServer::close);
    }

    /** Three servers on 127.0.0.1-3 sharing one port (a batch has one port): .2 relays. */
    int fleet() {
        servers.addAll(FakeSmtpServer.startOnSamePort(vertx, List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"), List.of(
                MailServerScript.closed().pipelining(true),
                MailServerScript.closed().rcpt(MailServerScript::openRelay),
                MailServerScript.closed())));
        return servers.get(0).port();
    }

    static List<JsonPath> lines(String body) {
        List<JsonPath> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                out.add(JsonPath.from(line));
            }
        }
        return out;
    }

    @Test
    void ndjsonStreamsOneReportPerTargetThenASummary() {
        int port = fleet();
        String body = given().contentType(ContentType.JSON).accept("application/x-ndjson")
                .body("{\"targets\": [\"127.0.0.1\", \"127.0.0.2\", \"127.0.0.3\", \"127.0.0.1\", \"not a host!\", "
                        + "\"mx..example\"], \"port\": " + port + ", \"tests\": [\"external-sender\"], "
                        + "\"mailDomain\": \"relay.test\"}")
                .when().post("/api/v1/relay-check/batch")
                .then().statusCode(200).contentType("application/x-ndjson").extract().asString();
        List<JsonPath> lines = lines(body);
        assertEquals(6, lines.size(), body);
        List<String> reported = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (JsonPath l : lines.subList(0, 5)) {
            if (l.get("verdict") != null) {
                reported.add(l.getString("target") + "=" + l.getString("verdict"));
            } else {
                errors.add(l.getString("target"));
                assertEquals(400, l.getInt("error.status"));
                assertEquals("target", l.getString("error.field"));
            }
        }
        Collections.sort(reported);
        assertEquals(List.of("127.0.0.1=NOT_OPEN_RELAY", "127.0.0.2=OPEN_RELAY", "127.0.0.3=NOT_OPEN_RELAY"), reported);
        assertEquals(List.of("not a host!", "mx..example"), errors.stream().sorted((a, b) -> -a.compareTo(b)).toList());
        JsonPath summary = lines.get(5);
        assertEquals(5, summary.getInt("summary.total"), "the duplicate counts once");
        assertEquals(3, summary.getInt("summary.checked"));
        assertEquals(2, summary.getInt("summary.errors"));
        assertEquals(1, summary.getInt("summary.byVerdict.OPEN_RELAY"));
        assertEquals(2, summary.getInt("summary.byVerdict.NOT_OPEN_RELAY"));
        assertEquals(1, servers.get(0).connections().size(), "127.0.0.1 listed twice, checked once");
    }

    @Test
    void serverSentEventsCarryProgress() {
        int port = fleet();
        String body = given().contentType(ContentType.JSON).accept("text/event-stream")
                .body("{\"targets\": [\"127.0.0.1\", \"127.0.0.3\"], \"port\": " + port
                        + ", \"tests\": [\"null-sender\"], \"mailDomain\": \"relay.test\"}")
                .when().post("/api/v1/relay-check/batch")
                .then().statusCode(200).contentType("text/event-stream").extract().asString();
        assertEquals(2, count(body, "event:report"), body);
        assertTrue(body.contains("\"done\":1,\"total\":2"), body);
        assertTrue(body.contains("\"done\":2,\"total\":2"), body);
        assertEquals(1, count(body, "event:summary"), body);
        assertTrue(body.indexOf("event:summary") > body.lastIndexOf("event:progress"), "summary comes last");
    }

    static int count(String text, String what) {
        return text.replace(" ", "").split(what, -1).length - 1;
    }

    @Test
    void aBatchOverTheLimitIsRefusedNamingTheField() {
        StringBuilder targets = new StringBuilder();
        for (int i = 0; i < 10_001; i++) {
            targets.append(i == 0 ? "" : ",").append("\"h").append(i).append(".example\"");
        }
        JsonPath p = given().contentType(ContentType.JSON).body("{\"targets\": [" + targets + "]}")
                .when().post("/api/v1/relay-check/batch")
                .then().statusCode(400).contentType("application/problem+json").extract().jsonPath();
        assertEquals("targets", p.getString("field"));
        assertTrue(p.getString("detail").contains("10000"), p.getString("detail"));
    }

    @Test
    void anEmptyBatchIsRefused() {
        JsonPath p = given().contentType(ContentType.JSON).body("{\"targets\": []}")
                .when().post("/api/v1/relay-check/batch")
                .then().statusCode(400).contentType("application/problem+json").extract().jsonPath();
        assertEquals("targets", p.getString("field"));
    }

    @Test
    void aClientThatGoesAwayCancelsTheChecks() throws Exception {
        HoldingScript holding = new HoldingScript(vertx, 4);
        FakeSmtpServer held = FakeSmtpServer.start(vertx, holding);
        servers.add(held);
        String json = "{\"targets\": [\"127.0.0.1\"], \"port\": " + held.port() + ", \"mailDomain\": \"relay.test\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/relay-check/batch HTTP/1.1\r\nHost: localhost\r\nAccept: application/x-ndjson\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            assertTrue(holding.awaitConnections(20), "the battery's four connections are open and held");
        } // the client goes away here
        // Held connections would otherwise stay open until the command timeout (30 s by default).
        assertTrue(held.awaitClosed(4, 10), "every connection of the cancelled check was closed: "
                + held.closedConnections());
        assertTrue(held.allReceived().stream().noneMatch(l -> l.startsWith("MAIL")), "no test ran after the cancel");
    }
}
