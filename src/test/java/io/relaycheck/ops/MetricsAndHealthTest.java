package io.relaycheck.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.MailServerScript;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Operators' view: Prometheus counters move with the right labels, health answers. */
@QuarkusTest
class MetricsAndHealthTest {

    @Inject
    Vertx vertx;

    static String metrics() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of one series, 0 when absent. */
    static double value(String metrics, String name, String labels) {
        double total = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                boolean all = true;
                for (String label : labels.isEmpty() ? new String[0] : labels.split(",")) {
                    all &= line.contains(label);
                }
                if (all) {
                    Matcher m = Pattern.compile(" ([0-9.eE+-]+)$").matcher(line);
                    if (m.find()) {
                        total += Double.parseDouble(m.group(1));
                    }
                }
            }
        }
        return total;
    }

    static void check(int port, String extra) {
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + port + ", \"tests\": [\"external-sender\"]" + extra + "}")
                .when().post("/api/v1/relay-check").then().statusCode(200);
    }

    @Test
    void countersMoveWithTheirLabels() {
        String before = metrics();
        int[] ports = new int[3];
        try (FakeSmtpServer closed = FakeSmtpServer.start(vertx, MailServerScript.closed());
             FakeSmtpServer silent = FakeSmtpServer.start(vertx, FakeSmtpServer.silent());
             FakeSmtpServer garbage = FakeSmtpServer.start(vertx, new FakeSmtpServer.Script() {
                 @Override
                 public void connected(FakeSmtpServer.Conn conn) {
                     conn.raw("SSH-2.0-OpenSSH_9.2\r\n");
                 }

                 @Override
                 public void command(FakeSmtpServer.Conn conn, String line) {
                 }
             })) {
            ports[0] = closed.port();
            ports[1] = silent.port();
            ports[2] = garbage.port();
            check(closed.port(), ", \"mailDomain\": \"relay.test\"");
            check(silent.port(), ", \"timeoutSeconds\": 1");
            check(garbage.port(), "");
        }
        given().contentType(ContentType.JSON).body("{\"target\": \"127.0.0.1\", \"port\": 110}")
                .when().post("/api/v1/relay-check").then().statusCode(403);
        String after = metrics();

        String checks = "relaycheck_checks_total";
        assertEquals(1, value(after, checks, "reason=\"RELAY_DENIED\",verdict=\"NOT_OPEN_RELAY\"")
                - value(before, checks, "reason=\"RELAY_DENIED\",verdict=\"NOT_OPEN_RELAY\""));
        assertEquals(1, value(after, checks, "reason=\"TIMEOUT\"") - value(before, checks, "reason=\"TIMEOUT\""));
        assertEquals(1, value(after, checks, "reason=\"PROTOCOL_ERROR\"") - value(before, checks, "reason=\"PROTOCOL_ERROR\""));
        assertTrue(value(after, "relaycheck_smtp_timeouts_total", "kind=\"deadline\"")
                > value(before, "relaycheck_smtp_timeouts_total", "kind=\"deadline\""));
        assertTrue(value(after, "relaycheck_smtp_protocol_errors_total", "")
                > value(before, "relaycheck_smtp_protocol_errors_total", ""));
        assertEquals(1, value(after, "relaycheck_refusals_total", "kind=\"forbidden\"")
                - value(before, "relaycheck_refusals_total", "kind=\"forbidden\""));
        assertEquals(3, value(after, "relaycheck_check_duration_seconds_count", "")
                - value(before, "relaycheck_check_duration_seconds_count", ""));
        assertEquals(0, value(after, "relaycheck_smtp_dialogues_in_flight", ""), "every dialogue has ended");
        // Labels stay bounded: no series names a target. (The fake servers themselves listen on
        // this Vert.x, so its TCP server metrics carry 127.0.0.1 with port 0; targets would carry
        // their real port.)
        for (String line : after.split("\n")) {
            if (line.startsWith("relaycheck_")) {
                assertFalse(line.contains("127.0.0.1"), line);
            }
            for (int port : ports) {
                assertFalse(line.contains("port=\"" + port + "\""), line);
            }
        }
    }

    @Test
    void livenessAndReadinessAreUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'relay-check' }.data.saturated", equalTo(false));
    }
}
