package io.relaycheck.check;

import io.quarkus.test.junit.QuarkusTest;
import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.HoldingScript;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Not a hammer: the per-address connection limit holds across concurrent checks. */
@QuarkusTest
class PerAddressLimitTest {

    @Inject
    Vertx vertx;

    @Test
    void fiveConcurrentChecksOfOneAddressOpenAtMostFourConnections() throws Exception {
        HoldingScript script = new HoldingScript(vertx, 4);
        try (FakeSmtpServer server = FakeSmtpServer.start(vertx, script)) {
            // Five different checks (different tests, so none joins another), one connection each.
            String[] ids = {"null-sender", "external-sender", "host-sender", "bare-sender", "bang-sender"};
            List<CompletableFuture<String>> checks = new ArrayList<>();
            for (String id : ids) {
                checks.add(CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                        .body("{\"target\": \"127.0.0.1\", \"port\": " + server.port() + ", \"tests\": [\"" + id
                                + "\"], \"mailDomain\": \"relay.test\", \"transcript\": false}")
                        .when().post("/api/v1/relay-check")
                        .then().statusCode(200).extract().path("verdict")));
            }
            assertTrue(script.awaitConnections(20), "four connections were opened");
            // Every check is now waiting: four on the held EHLO, one for a connection slot.
            assertEquals(4, script.open());
            assertFalse(checks.stream().anyMatch(CompletableFuture::isDone));
            script.release();
            for (CompletableFuture<String> c : checks) {
                assertEquals("NOT_OPEN_RELAY", c.get(30, TimeUnit.SECONDS));
            }
            assertEquals(4, script.maxOpen(), "never more than four at once");
            assertEquals(5, server.connections().size(), "the fifth ran once a slot was free");
        }
    }
}
