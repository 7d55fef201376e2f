package io.relaycheck.api;

import io.quarkus.test.junit.QuarkusTest;
import io.relaycheck.testing.FakeSmtpServer;
import io.relaycheck.testing.MailServerScript;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@QuarkusTest
class RelayCheckResourceTest {

    @Inject
    Vertx vertx;

    final List<FakeSmtpServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        servers.forEach(FakeSmtpServer::close);
    }

    FakeSmtpServer server(FakeSmtpServer.Script script) {
        FakeSmtpServer s = FakeSmtpServer.start(vertx, script);
        servers.add(s);
        return s;
    }

    @Test
    void anOpenRelayIsReportedWithItsEvidence() {
        FakeSmtpServer s = server(MailServerScript.closed().rcpt(MailServerScript::openRelay).pipelining(true));
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + s.port() + "}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("verdict", equalTo("OPEN_RELAY"))
                .body("reason", equalTo("RELAY_ACCEPTED"))
                .body("summary", containsString("is an open relay"))
                .body("servers", hasSize(1))
                .body("servers[0].address", equalTo("127.0.0.1"))
                .body("servers[0].mailDomain", equalTo("relay.test"))
                .body("servers[0].mailDomainDerived", equalTo(true))
                .body("servers[0].relayTests", hasSize(26))
                .body("servers[0].relayTests.find { it.id == 'external-sender' }.outcome", equalTo("ACCEPTED"))
                .body("servers[0].relayTests.find { it.id == 'external-sender' }.reply.code", equalTo(250))
                .body("servers[0].controls.find { it.id == 'random-local' }.outcome", equalTo("REJECTED"))
                .body("servers[0].controls.find { it.id == 'random-local' }.reply.enhancedCode", equalTo("5.1.1"))
                .body("servers[0].findings[0].check", equalTo("relay"))
                .body("servers[0].findings[0].status", equalTo("FAIL"))
                .body("servers[0].timings.connectMs", notNullValue())
                .body("servers[0].transcript.direction", hasItem("C"))
                .body("servers[0].transcript.line", hasItem("220 mx.relay.test ESMTP FakeMTA"));
        assertFalse(s.allReceived().stream().anyMatch(l -> l.toUpperCase().startsWith("DATA")));
    }

    @Test
    void aClosedRelayIsNotAnOpenRelay() {
        FakeSmtpServer s = server(MailServerScript.closed());
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + s.port() + ", \"mailDomain\": \"relay.test\", \"transcript\": false}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200)
                .body("verdict", equalTo("NOT_OPEN_RELAY"))
                .body("reason", equalTo("RELAY_DENIED"))
                .body("servers[0].mailDomainDerived", equalTo(false))
                .body("servers[0].relayTests.outcome", everyItem(equalTo("REJECTED")))
                .body("servers[0].transcript", hasSize(0));
    }

    @Test
    void greylistingIsInconclusive() {
        FakeSmtpServer s = server(MailServerScript.closed().rcpt((f, t) -> t.contains("@relay.test")
                ? MailServerScript.closedRelay(f, t) : "450 4.2.0 Greylisted, try again later"));
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + s.port() + ", \"tests\": [\"external-sender\"]}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200)
                .body("verdict", equalTo("INCONCLUSIVE"))
                .body("reason", equalTo("GREYLISTED"))
                .body("servers[0].relayTests", hasSize(1))
                .body("servers[0].relayTests[0].outcome", equalTo("DEFERRED"));
    }

    @Test
    void a421GreetingIsServiceUnavailable() {
        FakeSmtpServer s = server(MailServerScript.closed().greeting("421 4.3.2 Service not available, closing"));
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + s.port() + "}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200)
                .body("verdict", equalTo("INCONCLUSIVE"))
                .body("reason", equalTo("SERVICE_UNAVAILABLE"))
                .body("servers[0].relayTests.outcome", everyItem(equalTo("NOT_RUN")));
    }

    @Test
    void aRefusedConnectionIsConnectionFailed() {
        FakeSmtpServer s = server(MailServerScript.closed());
        int port = s.port();
        s.close();
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + port + "}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200)
                .body("verdict", equalTo("INCONCLUSIVE"))
                .body("reason", equalTo("CONNECTION_FAILED"))
                .body("servers[0].findings.check", hasItem("connect"));
    }

    @Test
    void aSilentServerTimesOutWithinTheRequestedDeadline() {
        FakeSmtpServer s = server(FakeSmtpServer.silent());
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + s.port() + ", \"timeoutSeconds\": 1}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200)
                .body("verdict", equalTo("INCONCLUSIVE"))
                .body("reason", equalTo("TIMEOUT"))
                .body("servers[0].relayTests", hasSize(26))
                .body("servers[0].relayTests.outcome", everyItem(equalTo("NOT_RUN")));
    }

    @Test
    void garbageFromTheServerIsAProtocolErrorNotA500() {
        FakeSmtpServer s = server(new FakeSmtpServer.Script() {
            @Override
            public void connected(FakeSmtpServer.Conn conn) {
                conn.raw("HTTP/1.1 400 Bad Request\r\n\r\n");
                conn.greeted();
            }

            @Override
            public void command(FakeSmtpServer.Conn conn, String line) {
            }
        });
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"port\": " + s.port() + "}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(200)
                .body("verdict", equalTo("INCONCLUSIVE"))
                .body("reason", equalTo("PROTOCOL_ERROR"));
    }

    // ---- 4xx: problem+json naming the field ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty target            | {\"target\": \"\"}                                       | target",
            "blank target            | {\"target\": \"   \"}                                    | target",
            "missing target          | {\"port\": 25}                                         | target",
            "malformed target        | {\"target\": \"mx..example.org\"}                       | target",
            "url as target           | {\"target\": \"smtp://mx.example.org\"}                 | target",
            "address as target       | {\"target\": \"postmaster@example.org\"}                | target",
            "label too long          | {\"target\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example\"} | target",
            "CRLF in target          | {\"target\": \"mx.example.org\\r\\nDATA\"}               | target",
            "NUL in target           | {\"target\": \"mx\\u0000.example.org\"}                  | target",
            "port zero               | {\"target\": \"127.0.0.1\", \"port\": 0}                | port",
            "port too large          | {\"target\": \"127.0.0.1\", \"port\": 70000}            | port",
            "port not a number       | {\"target\": \"127.0.0.1\", \"port\": \"smtp\"}         | port",
            "timeout too large       | {\"target\": \"127.0.0.1\", \"timeoutSeconds\": 121}    | timeoutSeconds",
            "timeout zero            | {\"target\": \"127.0.0.1\", \"timeoutSeconds\": 0}      | timeoutSeconds",
            "unknown test id         | {\"target\": \"127.0.0.1\", \"tests\": [\"nope\"]}      | tests",
            "CR in a test id         | {\"target\": \"127.0.0.1\", \"tests\": [\"a\\rb\"]}     | tests[0]",
            "bad mail domain         | {\"target\": \"127.0.0.1\", \"mailDomain\": \"-bad-.example\"} | mailDomain",
            "IP as mail domain       | {\"target\": \"127.0.0.1\", \"mailDomain\": \"192.0.2.1\"} | mailDomain",
            "LF in mail domain       | {\"target\": \"127.0.0.1\", \"mailDomain\": \"a.example\\nRSET\"} | mailDomain",
            "unknown field           | {\"target\": \"127.0.0.1\", \"timeoutSecond\": 5}       | timeoutSecond",
            "target of wrong type    | {\"target\": [\"127.0.0.1\"]}                          | target",
            "starttls of wrong type  | {\"target\": \"127.0.0.1\", \"starttls\": \"maybe\"}    | starttls",
            "malformed JSON          | {\"target\": \"127.0.0.1\"                              | body",
            "not an object           | [1, 2, 3]                                              | body"})
    void badInputIsAProblemNamingTheField(String name, String body, String field) {
        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/relay-check")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", equalTo("Invalid request"))
                .body("field", equalTo(field))
                .body("errors[0].field", equalTo(field))
                .body("detail", not(containsString("Exception")))
                .body("detail", not(containsString("\tat ")));
    }

    @Test
    void anEmptyBodyIsAProblem() {
        given().contentType(ContentType.JSON)
                .when().post("/api/v1/relay-check")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("body"));
    }

    @Test
    void aWrongMediaTypeIsAProblem() {
        given().contentType(ContentType.TEXT).body("target=127.0.0.1")
                .when().post("/api/v1/relay-check")
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("status", equalTo(415));
    }

    @Test
    void aHugeBodyIsRefusedBeforeItIsRead() {
        String huge = "{\"target\": \"" + "a".repeat(5 * 1024 * 1024) + "\"}";
        given().contentType(ContentType.JSON).body(huge)
                .when().post("/api/v1/relay-check")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("field", equalTo("body"))
                .body("status", equalTo(413));
    }

    @Test
    void aDeeplyNestedBodyIsAProblemNotAStackOverflow() {
        String deep = "{\"target\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
        given().contentType(ContentType.JSON).body(deep)
                .when().post("/api/v1/relay-check")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("target"));
    }

    @Test
    void aDisallowedPortIsForbidden() {
        given().contentType(ContentType.JSON).body("{\"target\": \"127.0.0.1\", \"port\": 110}")
                .when().post("/api/v1/relay-check")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("field", equalTo("port"))
                .body("detail", containsString("110"));
    }

    @Test
    void openApiDocumentsTheEndpointWithExamples() {
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths.'/api/v1/relay-check'.post.requestBody.content.'application/json'.examples", notNullValue())
                .body("paths.'/api/v1/relay-check'.post.responses.'200'.content.'application/json'.examples", notNullValue())
                .body("paths.'/api/v1/relay-check'.post.responses.'400'", notNullValue())
                .body("components.schemas.RelayCheckRequest.properties.target.description", notNullValue())
                .body("components.schemas.RelayCheckRequest.properties.timeoutSeconds.description", notNullValue())
                .body("components.schemas.CheckReport.properties.verdict", notNullValue());
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }
}
