package io.relaycheck.it;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole service against a real Postfix on loopback, configured once as an open relay and
 * once as a closed one; both validate local recipients and never deliver anything.
 */
@QuarkusTest
class PostfixRelayCheckTest {

    static PostfixServer open;
    static PostfixServer closed;

    @BeforeAll
    static void start() throws Exception {
        PostfixServer.assumeAvailable();
        open = PostfixServer.openRelay();
        closed = PostfixServer.closedRelay();
    }

    @AfterAll
    static void stop() throws Exception {
        if (open != null) {
            open.close();
        }
        if (closed != null) {
            closed.close();
        }
    }

    static JsonPath check(PostfixServer postfix) {
        return given().contentType(ContentType.JSON)
                .body("{\"target\": \"" + postfix.host() + "\", \"port\": " + postfix.port() + "}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void anOpenPostfixIsAnOpenRelayWithPostfixRemediation() {
        JsonPath report = check(open);
        assertEquals("OPEN_RELAY", report.getString("verdict"), () -> report.prettify() + "\n" + open.log());
        assertEquals("RELAY_ACCEPTED", report.getString("reason"));
        assertEquals("Postfix", report.getString("servers[0].mta"));
        assertEquals("relay.test", report.getString("servers[0].mailDomain"));
        assertEquals("ACCEPTED", report.getString("servers[0].relayTests.find { it.id == 'external-sender' }.outcome"));
        assertEquals("ACCEPTED", report.getString("servers[0].controls.find { it.id == 'postmaster' }.outcome"));
        assertEquals("REJECTED", report.getString("servers[0].controls.find { it.id == 'random-local' }.outcome"));
        assertEquals(550, report.getInt("servers[0].controls.find { it.id == 'random-local' }.reply.code"));
        String remediation = report.getString("servers[0].findings[0].remediation");
        assertTrue(remediation.contains("smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, "
                + "reject_unauth_destination"), remediation);
        assertTrue(remediation.contains("mynetworks"), remediation);
        everyVariantAnswered(report);
    }

    @Test
    void aClosedPostfixIsNotAnOpenRelay() {
        JsonPath report = check(closed);
        assertEquals("NOT_OPEN_RELAY", report.getString("verdict"), () -> report.prettify() + "\n" + closed.log());
        assertEquals("RELAY_DENIED", report.getString("reason"));
        List<Map<String, Object>> tests = report.getList("servers[0].relayTests");
        for (Map<String, Object> t : tests) {
            assertTrue(t.get("outcome").equals("REJECTED") || t.get("outcome").equals("SENDER_REJECTED"), t.toString());
        }
        everyVariantAnswered(report);
    }

    private static void everyVariantAnswered(JsonPath report) {
        List<Map<String, Object>> tests = report.getList("servers[0].relayTests");
        assertEquals(26, tests.size());
        for (Map<String, Object> t : tests) {
            assertTrue(!t.get("outcome").equals("NOT_RUN") && !t.get("outcome").equals("ERROR"),
                    "Postfix answered every variant, and no connection hit its error limits: " + t);
        }
    }
}
