package io.relaycheck.api;

import io.relaycheck.check.CheckCommand;
import io.relaycheck.check.CheckReport;
import io.relaycheck.check.RelayCheckService;
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
    RequestGuards guards;

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
        guards.rateLimit(http);
        RequestGuards.rejectControlBytes("target", request.target());
        RequestGuards.rejectControlBytes("mailDomain", request.mailDomain());
        RequestGuards.checkList("tests", request.tests());
        CheckCommand command = new CheckCommand(request.target(), request.port() == null ? 25 : request.port(),
                request.mailDomain(), request.tests(), request.starttls() == null || request.starttls(),
                request.transcript() == null || request.transcript(), guards.timeout(request.timeoutSeconds()),
                request.fresh() != null && request.fresh());
        return service.check(command);
    }
}
