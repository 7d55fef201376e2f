package io.relaycheck.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.relaycheck.check.BatchEvent;
import io.relaycheck.check.BatchRunner;
import io.relaycheck.check.CheckCommand;
import io.relaycheck.check.CheckRefusedException;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code POST /api/v1/relay-check/batch}: NDJSON for services (one report per line, then a
 * summary line), Server-Sent Events with progress for browsers. Thin, like the single check.
 */
@Path("/api/v1/relay-check/batch")
@Tag(name = "Relay check")
public class BatchResource {

    static final String NDJSON = "application/x-ndjson";

    @Inject
    BatchRunner runner;

    @Inject
    RequestGuards guards;

    @Inject
    ObjectMapper mapper;

    /** One NDJSON line for a target that could not be checked. */
    @Schema(name = "BatchError", description = "A target of the batch that could not be checked")
    public record ErrorLine(String target, Problem error) {
    }

    /** An SSE progress event. */
    public record Progress(int done, int total) {
    }

    /** The last NDJSON line. */
    @Schema(name = "BatchSummary", description = "The last line of a batch: counts by verdict and elapsed time")
    public record SummaryLine(Summary summary) {
        public record Summary(int total, int checked, int errors, Map<String, Integer> byVerdict, long elapsedMs) {
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(NDJSON)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check many targets; results stream back as each check finishes",
            description = "application/x-ndjson: one report (as from POST /api/v1/relay-check) per line in the order "
                    + "the checks finish, an error line {\"target\", \"error\"} for each target that cannot be checked, "
                    + "and a final {\"summary\": …} line. text/event-stream: events `report`, `error`, `progress` "
                    + "({\"done\", \"total\"}) and `summary`. Duplicates are checked once, and so is a server (MX host, "
                    + "address, port) that several targets share: the other targets' reports carry its evidence and "
                    + "name the target that ran it in `servers[].sharedFrom`. Closing the connection "
                    + "cancels the checks still queued and closes those running.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = BatchRequest.class),
            examples = @ExampleObject(name = "three", value = "{\"targets\": [\"example.org\", \"mx.example.net\", "
                    + "\"192.0.2.25\"], \"tests\": [\"external-sender\", \"null-sender\"]}")))
    @APIResponse(responseCode = "200", description = "The stream", content = {
            @Content(mediaType = NDJSON, examples = @ExampleObject(name = "ndjson", value = """
                    {"id":"…","target":"example.org","verdict":"NOT_OPEN_RELAY","reason":"RELAY_DENIED","summary":"…","servers":[…],"cached":false}
                    {"target":"10.0.0.5","error":{"type":"https://relay-check.dev/problems/target-forbidden","title":"Target forbidden by policy","status":403,"detail":"10.0.0.5 is private (RFC 1918)"}}
                    {"summary":{"total":2,"checked":1,"errors":1,"byVerdict":{"NOT_OPEN_RELAY":1},"elapsedMs":812}}""")),
            @Content(mediaType = MediaType.SERVER_SENT_EVENTS, examples = @ExampleObject(name = "sse", value = """
                    event: report
                    data: {"id":"…","target":"example.org","verdict":"NOT_OPEN_RELAY",…}

                    event: progress
                    data: {"done":1,"total":2}

                    event: summary
                    data: {"total":2,"checked":1,"errors":1,"byVerdict":{"NOT_OPEN_RELAY":1},"elapsedMs":812}
                    """))})
    @APIResponse(responseCode = "400", description = "Invalid request (for example more targets than allowed)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Too many batches running; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Multi<Object> ndjson(@Valid @NotNull(message = "a JSON body is required") BatchRequest request,
                                @Context HttpServerRequest http) {
        return start(request, http).map(this::line);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@Valid @NotNull(message = "a JSON body is required") BatchRequest request,
                                          @Context HttpServerRequest http, @Context Sse sse) {
        AtomicInteger done = new AtomicInteger();
        int total = (int) request.targets().stream().distinct().count();
        return start(request, http).onItem().transformToMultiAndConcatenate(e -> {
            if (e instanceof BatchEvent.Summary s) {
                return Multi.createFrom().item(event(sse, "summary", ((SummaryLine) line(s)).summary()));
            }
            Object payload = line(e);
            int d = done.incrementAndGet();
            return Multi.createFrom().items(event(sse, e instanceof BatchEvent.Report ? "report" : "error", payload),
                    event(sse, "progress", new Progress(d, Math.max(d, total))));
        });
    }

    private Multi<BatchEvent> start(BatchRequest request, HttpServerRequest http) {
        guards.rateLimit(http);
        // A null entry is a malformed request; a target with control bytes is refused on its own
        // line by the parser, like any other invalid target, without failing the batch.
        int nul = request.targets().indexOf(null);
        if (nul >= 0) {
            throw CheckRefusedException.invalid("targets[" + nul + "]", "must not be null");
        }
        RequestGuards.rejectControlBytes("mailDomain", request.mailDomain());
        RequestGuards.checkList("tests", request.tests());
        CheckCommand template = new CheckCommand(null, request.port() == null ? 25 : request.port(),
                request.mailDomain(), request.tests(), request.starttls() == null || request.starttls(),
                request.transcript() != null && request.transcript(), guards.timeout(request.timeoutSeconds()),
                request.fresh() != null && request.fresh());
        return runner.run(request.targets(), template);
    }

    private Object line(BatchEvent e) {
        if (e instanceof BatchEvent.Report r) {
            return r.report();
        }
        if (e instanceof BatchEvent.Error err) {
            String type = err.status() == 403 ? "target-forbidden" : "invalid-request";
            String title = err.status() == 403 ? "Target forbidden by policy" : "Invalid request";
            return new ErrorLine(err.target(), new Problem(ProblemMappers.TYPE_BASE + type, title, err.status(),
                    err.message(), null, "target", List.of(new Problem.FieldError("target", err.message()))));
        }
        BatchEvent.Summary s = (BatchEvent.Summary) e;
        Map<String, Integer> byVerdict = new java.util.LinkedHashMap<>();
        s.byVerdict().forEach((k, v) -> byVerdict.put(k.name(), v));
        return new SummaryLine(new SummaryLine.Summary(s.total(), s.checked(), s.errors(), byVerdict, s.elapsedMs()));
    }

    private OutboundSseEvent event(Sse sse, String name, Object payload) {
        try {
            return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE)
                    .data(mapper.writeValueAsString(payload)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + name, e);
        }
    }
}
