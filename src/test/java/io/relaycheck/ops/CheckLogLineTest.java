package io.relaycheck.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.MailServerScript;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every finished check writes one log line that names it (target, verdict, reason, duration, id),
 * with the same fields in the MDC for JSON logs, and nothing from the dialogue itself.
 */
@QuarkusTest
class CheckLogLineTest {

    @Inject
    Vertx vertx;

    @Test
    void oneLinePerCheckWithItsFieldsAndNoReplyText() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                // The MDC is the logging thread's: take a copy now, as the async console handler does.
                if (record instanceof ExtLogRecord ext) {
                    ext.copyAll();
                }
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.relaycheck.check");
        logger.addHandler(capture);
        String id;
        int port;
        try (FakeSmtpServer closed = FakeSmtpServer.start(vertx, MailServerScript.closed())) {
            port = closed.port();
            id = given().contentType(ContentType.JSON)
                    .body("{\"target\": \"127.0.0.1\", \"port\": " + port + ", \"tests\": [\"external-sender\"]}")
                    .when().post("/api/v1/relay-check").then().statusCode(200).extract().path("id");
        } finally {
            logger.removeHandler(capture);
        }

        List<LogRecord> mine = records.stream()
                .filter(r -> r.getMessage() != null && formatted(r).contains("id=" + id)).toList();
        assertEquals(1, mine.size(), () -> "one line for check " + id + ", got " + records.stream()
                .map(CheckLogLineTest::formatted).toList());
        LogRecord line = mine.get(0);
        String text = formatted(line);
        assertTrue(text.startsWith("check finished target=127.0.0.1 verdict=NOT_OPEN_RELAY reason=RELAY_DENIED "),
                text);
        assertTrue(text.matches(".* durationMs=\\d+ servers=1 id=" + id), text);
        // The report carries the dialogue; the log line does not (reply texts can be long and hostile).
        assertFalse(text.contains("denied"), text);
        assertFalse(text.contains(String.valueOf(port)), text);

        ExtLogRecord ext = (ExtLogRecord) line;
        assertEquals("127.0.0.1", ext.getMdc("target"));
        assertEquals("NOT_OPEN_RELAY", ext.getMdc("verdict"));
        assertEquals("RELAY_DENIED", ext.getMdc("reason"));
        assertEquals("1", ext.getMdc("servers"));
        assertTrue(ext.getMdc("durationMs").matches("\\d+"), ext.getMdc("durationMs"));
    }

    private static String formatted(LogRecord r) {
        if (r instanceof ExtLogRecord ext) {
            return ext.getFormattedMessage();
        }
        return r.getMessage();
    }
}
