package io.relaycheck.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** The body of {@code POST /api/v1/relay-check/batch}: many targets, the options of a single check. */
@Schema(name = "BatchRequest", description = "Many targets checked with the same options; results stream back as each "
        + "check finishes.")
public record BatchRequest(
        @Schema(description = "Domains, host names or IP literals; duplicates are checked once, invalid entries are "
                + "reported on their own line without failing the batch. At most relay-check.batch.max-targets.",
                example = "[\"example.org\", \"mx.example.net\", \"192.0.2.25\"]", required = true)
        @NotEmpty(message = "must list at least one target")
        List<String> targets,

        @Schema(description = "25, 465 or 587; as for a single check", defaultValue = "25")
        @Min(value = 1, message = "must be between 1 and 65535")
        @Max(value = 65535, message = "must be between 1 and 65535")
        Integer port,

        @Schema(description = "The mail domain for every target; usually left out so each is derived", nullable = true)
        @Size(max = 253, message = "must be at most 253 characters")
        String mailDomain,

        @Schema(description = "A subset of the relay battery; default all", nullable = true)
        @Size(max = 64, message = "must list at most 64 ids")
        List<String> tests,

        @Schema(defaultValue = "true") Boolean starttls,

        @Schema(description = "Include transcripts (large for big batches)", defaultValue = "false") Boolean transcript,

        @Schema(description = "Deadline of each check in seconds (1–120)", defaultValue = "90")
        @Min(value = 1, message = "must be between 1 and 120")
        @Max(value = 120, message = "must be between 1 and 120")
        Integer timeoutSeconds,

        @Schema(description = "Skip the cache of recent results", defaultValue = "false") Boolean fresh) {
}
