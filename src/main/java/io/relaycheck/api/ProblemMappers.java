package io.relaycheck.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.Priorities;
import io.relaycheck.check.CheckRefusedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every error leaves as RFC 9457 {@code application/problem+json} naming the field at fault, and
 * nothing leaks a stack trace or an exception class name.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final String TYPE_BASE = "https://relay-check.dev/problems/";

    @jakarta.inject.Inject
    io.relaycheck.check.CheckMetrics metrics;

    @ServerExceptionMapper
    public Response refused(CheckRefusedException e, UriInfo uri) {
        metrics.refused(e.kind());
        return switch (e.kind()) {
            case INVALID -> problem(400, "invalid-request", "Invalid request", e.field() + ": " + e.getMessage(),
                    uri, List.of(new Problem.FieldError(e.field(), e.getMessage())));
            case FORBIDDEN -> problem(403, "target-forbidden", "Target forbidden by policy", e.getMessage(), uri,
                    List.of(new Problem.FieldError(e.field(), e.getMessage())));
            case OVERLOADED -> Response.fromResponse(problem(503, "overloaded", "Service saturated", e.getMessage(),
                    uri, List.of())).header("Retry-After", Math.max(1, e.retryAfterSeconds())).build();
            case RATE_LIMITED -> Response.fromResponse(problem(429, "rate-limited", "Too many requests", e.getMessage(),
                    uri, e.field() == null ? List.of() : List.of(new Problem.FieldError(e.field(), e.getMessage()))))
                    .header("Retry-After", Math.max(1, e.retryAfterSeconds())).build();
        };
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(fieldName(v.getPropertyPath()), v.getMessage()));
        }
        errors.sort(Comparator.comparing(Problem.FieldError::field));
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return problem(400, "invalid-request", "Invalid request", detail, uri, errors);
    }

    /**
     * Wrong types and unknown fields. Quarkus has a built-in mapper for this exact type that
     * answers plain JSON; ours takes precedence so every error is problem+json.
     */
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    /** Malformed JSON, wrong types, unknown fields: Jackson knows the path to the culprit. */
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response json(JsonProcessingException e, UriInfo uri) {
        String field = "body";
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            field = u.getPropertyName();
            message = "unknown field";
        } else if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            field = path(m.getPath());
            message = "has the wrong type or format";
        } else if (e instanceof MismatchedInputException) {
            message = "must be a JSON object with the fields of RelayCheckRequest";
        } else {
            message = "is not valid JSON" + (e.getLocation() != null
                    ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : "");
        }
        return problem(400, "invalid-request", "Invalid request", field + ": " + message, uri,
                List.of(new Problem.FieldError(field, message)));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException j) {
            return json(j, uri);
        }
        int status = e.getResponse() != null ? e.getResponse().getStatus() : 500;
        Response.Status s = Response.Status.fromStatusCode(status);
        String title = s != null ? s.getReasonPhrase() : "Error";
        String detail = switch (status) {
            case 400 -> "the request body could not be read";
            case 404 -> "no such resource";
            case 405 -> "method not allowed here";
            case 406 -> "cannot produce the requested media type";
            case 413 -> "the request body is too large";
            case 415 -> "send the request as application/json";
            default -> title;
        };
        return problem(status, status == 400 ? "invalid-request" : "http-" + status, title, detail, uri,
                status == 400 ? List.of(new Problem.FieldError("body", detail)) : List.of());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        // Our bug, never a target's doing: log it for us, tell the client nothing internal.
        LOG.error("unexpected error serving " + uri.getPath(), e);
        return problem(500, "internal-error", "Internal error", "the check failed unexpectedly; it has been logged",
                uri, List.of());
    }

    static Response problem(int status, String type, String title, String detail, UriInfo uri,
                            List<Problem.FieldError> errors) {
        Problem p = new Problem(TYPE_BASE + type, title, status, detail, uri == null ? null : uri.getPath(),
                errors.isEmpty() ? null : errors.get(0).field(), errors.isEmpty() ? null : errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    /** {@code check.request.tests[2].<list element>} → {@code tests[2]}. */
    static String fieldName(Path path) {
        StringBuilder sb = new StringBuilder();
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case METHOD, PARAMETER, RETURN_VALUE, CONSTRUCTOR, CROSS_PARAMETER -> {
                    continue;
                }
                default -> {
                }
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(node.getName());
            }
            if (node.getIndex() != null) {
                sb.append('[').append(node.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "body" : sb.toString();
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "body" : sb.toString();
    }
}
