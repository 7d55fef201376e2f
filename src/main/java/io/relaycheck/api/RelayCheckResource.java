package io.relaycheck.api;

import io.relaycheck.check.CheckCommand;
import io.relaycheck.check.CheckRefusedException;
import io.relaycheck.check.CheckReport;
import io.relaycheck.check.RelayCheckService;
import io.relaycheck.config.RelayCheckConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import io.vertx.core.http.HttpServerRequest;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.List;

/**
 * {@code POST /api/v1/relay-check}. Thin: shape validation, defaults, a guard against control
 * bytes, then the service.
 */
@Path("/api/v1/relay-check")
@Tag(name = "Relay check", description = "Is this mail server an open relay? With the evidence.")
public class RelayCheckResource {

    @Inject
    RelayCheckService service;

    @Inject
    RelayCheckConfig config;

    @Inject
    ClientRateLimiter rateLimiter;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check a mail server for open relay",
            description = "Resolves the target (MX hosts, then addresses), connects to every address, runs the relay "
                    + "battery with control probes (never DATA), and grades the answers: OPEN_RELAY, "
                    + "POSSIBLE_OPEN_RELAY, INCONCLUSIVE or NOT_OPEN_RELAY, with reply codes, timings, findings and "
                    + "the transcript.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RelayCheckRequest.class),
            examples = {
                    @ExampleObject(name = "host", summary = "A host with every option at its default",
                            value = "{\"target\": \"mx.example.org\"}"),
                    @ExampleObject(name = "selected", summary = "Some tests, a mail domain, no transcript",
                            value = OpenApiExamples.REQUEST)}))
    @APIResponse(responseCode = "200", description = "The report",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CheckReport.class),
                    examples = @ExampleObject(name = "closed", summary = "A closed relay (Postfix)",
                            value = OpenApiExamples.RESPONSE)))
    @APIResponse(responseCode = "400", description = "Invalid request; `field` names the culprit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "bad port", value = OpenApiExamples.PROBLEM_400)))
    @APIResponse(responseCode = "403", description = "Target or port forbidden by policy (private address, port not allowed)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "private", value = OpenApiExamples.PROBLEM_403)))
    @APIResponse(responseCode = "429", description = "Too many requests from this client, or fresh=true too soon; "
            + "retry after the Retry-After seconds",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Service saturated; retry after the Retry-After seconds",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<CheckReport> check(@Valid @NotNull(message = "a JSON body is required") RelayCheckRequest request,
                                  @Context HttpServerRequest http) {
        String client = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        rateLimiter.take(client).ifPresent(wait -> {
            throw new CheckRefusedException(CheckRefusedException.Kind.RATE_LIMITED, null,
                    "too many requests from " + client + "; try again in " + wait + " s", wait);
        });
        rejectControlBytes("target", request.target());
        rejectControlBytes("mailDomain", request.mailDomain());
        List<String> tests = request.tests();
        if (tests != null) {
            for (int i = 0; i < tests.size(); i++) {
                if (tests.get(i) == null) {
                    throw CheckRefusedException.invalid("tests[" + i + "]", "must not be null");
                }
                rejectControlBytes("tests[" + i + "]", tests.get(i));
            }
        }
        int timeout = request.timeoutSeconds() != null ? request.timeoutSeconds()
                : (int) Math.min(120, config.limits().checkDeadline().toSeconds());
        CheckCommand command = new CheckCommand(request.target(), request.port() == null ? 25 : request.port(),
                request.mailDomain(), tests, request.starttls() == null || request.starttls(),
                request.transcript() == null || request.transcript(), Duration.ofSeconds(timeout),
                request.fresh() != null && request.fresh());
        return service.check(command);
    }

    /** Nothing sent to a server is built from input with control bytes (CR/LF would inject commands). */
    static void rejectControlBytes(String field, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                throw CheckRefusedException.invalid(field, "must not contain control characters (found \\x"
                        + String.format("%02x", (int) c) + " at position " + i + ")");
            }
        }
    }
}
