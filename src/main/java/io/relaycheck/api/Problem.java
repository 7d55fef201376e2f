package io.relaycheck.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** RFC 9457 problem details, with the offending fields named. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json).")
public record Problem(
        @Schema(example = "https://relay-check.dev/problems/invalid-request") String type,
        @Schema(example = "Invalid request") String title,
        @Schema(example = "400") int status,
        @Schema(example = "target: must not contain control characters") String detail,
        @Schema(example = "/api/v1/relay-check") String instance,
        @Schema(description = "The first offending field", example = "target") String field,
        @Schema(description = "Every offending field with its message") List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One offending field. */
    public record FieldError(@Schema(example = "port") String field,
                             @Schema(example = "must be between 1 and 65535") String message) {
    }
}
