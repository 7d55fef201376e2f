package io.relaycheck.check;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One client cannot make the service check without limit. */
@QuarkusTest
@TestProfile(ClientRateLimitTest.Profile.class)
class ClientRateLimitTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay-check.limits.client-requests-per-minute", "3");
        }
    }

    @Test
    void theFourthRequestInAMinuteIs429WithRetryAfter() {
        // Refused by the port policy, so no server is needed: the rate limit comes first.
        String body = "{\"target\": \"192.0.2.1\", \"port\": 110}";
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(body).when().post("/api/v1/relay-check").then().statusCode(403);
        }
        Response limited = given().contentType(ContentType.JSON).body(body).when().post("/api/v1/relay-check");
        limited.then().statusCode(429).contentType("application/problem+json");
        assertEquals(429, limited.jsonPath().getInt("status"));
        long retryAfter = Long.parseLong(limited.getHeader("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 20, "a token comes back within 20 s at 3/min: " + retryAfter);
    }
}
