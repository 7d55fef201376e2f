package io.relaycheck.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.startsWith;

/** The OpenAPI document names the API, its version, whom to contact and its licence, for client generators. */
@QuarkusTest
class OpenApiInfoTest {

    @Test
    void infoHasTitleVersionContactAndLicense() {
        given().accept(ContentType.JSON)
                .when().get("/q/openapi")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("info.title", not(emptyOrNullString()))
                .body("info.version", not(emptyOrNullString()))
                .body("info.contact.name", not(emptyOrNullString()))
                .body("info.contact.url", startsWith("https://"))
                .body("info.license.name", equalTo("Apache-2.0"))
                .body("info.license.url", startsWith("https://"));
    }
}
