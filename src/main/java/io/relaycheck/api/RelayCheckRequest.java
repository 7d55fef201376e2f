package io.relaycheck.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** The body of {@code POST /api/v1/relay-check} (DESIGN.md §2). */
@Schema(name = "RelayCheckRequest", description = "What to check and how.")
public record RelayCheckRequest(
        @Schema(description = "A domain, a host name, or an IPv4/IPv6 literal. Internationalised names are accepted "
                + "and checked in their ASCII form.", example = "mx.example.org", required = true)
        @NotBlank(message = "must not be empty")
        @Size(max = 255, message = "must be at most 255 characters")
        String target,

        @Schema(description = "25 or 587 (plain, upgraded with STARTTLS when offered), 465 (implicit TLS). Other ports "
                + "only if the operator allowed them.", defaultValue = "25", example = "25")
        @Min(value = 1, message = "must be between 1 and 65535")
        @Max(value = 65535, message = "must be between 1 and 65535")
        Integer port,

        @Schema(description = "The domain the server is responsible for, used by the control probes and the "
                + "local-sender tests. Defaults to the target domain; for a host or IP, derived from the server's "
                + "greeting name and marked as derived.", example = "example.org", nullable = true)
        @Size(max = 253, message = "must be at most 253 characters")
        String mailDomain,

        @Schema(description = "A subset of the relay battery by variant id; default all 26.",
                example = "[\"external-sender\", \"null-sender\", \"percent-hack-host\"]", nullable = true)
        @Size(max = 64, message = "must list at most 64 ids")
        List<String> tests,

        @Schema(description = "Upgrade with STARTTLS when the server offers it.", defaultValue = "true")
        Boolean starttls,

        @Schema(description = "Include the per-line transcript of every connection.", defaultValue = "true")
        Boolean transcript,

        @Schema(description = "Deadline for the whole check in seconds (1–120). What is unfinished then is reported "
                + "as TIMEOUT, never dropped.", defaultValue = "90", example = "30")
        @Min(value = 1, message = "must be between 1 and 120")
        @Max(value = 120, message = "must be between 1 and 120")
        Integer timeoutSeconds,

        @Schema(description = "Check again even if a recent report for the same target and options is cached "
                + "(by default reports are reused for a few minutes, so the service cannot hammer a server). "
                + "Refused with 429 if the same check finished less than a minute ago.", defaultValue = "false")
        Boolean fresh) {
}
