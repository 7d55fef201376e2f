package io.relaycheck.check;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.HoldingScript;
import io.relaycheck.testing.MailServerScript;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache of recent results and the global bound on concurrent checks. */
@QuarkusTest
@TestProfile(CacheAndOverloadTest.Profile.class)
class CacheAndOverloadTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay-check.cache.ttl", "5m",
                    "relay-check.cache.min-fresh-interval", "60s",
                    "relay-check.limits.max-concurrent-checks", "1");
        }
    }

    @Inject
    Vertx vertx;

    static Response post(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/relay-check");
    }

    @Test
    void aRepeatIsServedFromTheCacheAndAForcedFreshCheckTooSoonIs429() {
        try (FakeSmtpServer server = FakeSmtpServer.start(vertx, MailServerScript.closed())) {
            String body = "{\"target\": \"127.0.0.1\", \"port\": " + server.port() + ", \"tests\": [\"null-sender\"]}";
            Response first = post(body);
            first.then().statusCode(200);
            assertFalse(first.jsonPath().getBoolean("cached"));
            int connections = server.connections().size();

            Response second = post(body);
            second.then().statusCode(200);
            assertTrue(second.jsonPath().getBoolean("cached"));
            assertEquals(first.jsonPath().getString("id"), second.jsonPath().getString("id"));
            assertEquals(first.jsonPath().getString("checkedAt"), second.jsonPath().getString("checkedAt"));
            assertEquals(connections, server.connections().size(), "the cached answer touched no server");

            // Other options are another check.
            post("{\"target\": \"127.0.0.1\", \"port\": " + server.port() + ", \"tests\": [\"bare-sender\"]}")
                    .then().statusCode(200);
            assertTrue(server.connections().size() > connections);

            Response fresh = post("{\"target\": \"127.0.0.1\", \"port\": " + server.port()
                    + ", \"tests\": [\"null-sender\"], \"fresh\": true}");
            fresh.then().statusCode(429).contentType("application/problem+json");
            assertEquals("fresh", fresh.jsonPath().getString("field"));
            long retryAfter = Long.parseLong(fresh.getHeader("Retry-After"));
            assertTrue(retryAfter > 0 && retryAfter <= 60, "Retry-After " + retryAfter);
        }
    }

    @Test
    void beyondTheGlobalBoundTheServiceSays503WithRetryAfter() throws Exception {
        HoldingScript holding = new HoldingScript(vertx, 1);
        try (FakeSmtpServer held = FakeSmtpServer.start(vertx, holding);
             FakeSmtpServer other = FakeSmtpServer.start(vertx, MailServerScript.closed())) {
            CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> post(
                    "{\"target\": \"127.0.0.1\", \"port\": " + held.port() + ", \"tests\": [\"null-sender\"]}").statusCode());
            assertTrue(holding.awaitConnections(20));

            // Saturated: readiness says so, so that a load balancer sends checks elsewhere.
            given().when().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'relay-check' }.data.saturated", org.hamcrest.Matchers.equalTo(true));

            Response refused = post("{\"target\": \"127.0.0.1\", \"port\": " + other.port() + "}");
            refused.then().statusCode(503).contentType("application/problem+json");
            assertNotNull(refused.getHeader("Retry-After"));
            assertEquals(0, other.connections().size(), "a refused check contacts nobody");

            holding.release();
            assertEquals(200, running.get(30, TimeUnit.SECONDS));
            given().when().get("/q/health/ready").then().statusCode(200);
            post("{\"target\": \"127.0.0.1\", \"port\": " + other.port() + "}").then().statusCode(200);
        }
    }
}
