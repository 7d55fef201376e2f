package io.relaycheck.api;

import io.relaycheck.check.CheckRefusedException;
import io.relaycheck.config.RelayCheckConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;

/** The checks every endpoint makes before the check layer sees a request. */
@ApplicationScoped
public class RequestGuards {

    @Inject
    ClientRateLimiter rateLimiter;

    @Inject
    RelayCheckConfig config;

    /** 429 when this client has used up its requests. */
    public void rateLimit(HttpServerRequest http) {
        String client = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        rateLimiter.take(client).ifPresent(wait -> {
            throw new CheckRefusedException(CheckRefusedException.Kind.RATE_LIMITED, null,
                    "too many requests from " + client + "; try again in " + wait + " s", wait);
        });
    }

    /** Every element present and free of control bytes; {@code field[i]} names the culprit. */
    public static void checkList(String field, List<String> values) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                throw CheckRefusedException.invalid(field + "[" + i + "]", "must not be null");
            }
            rejectControlBytes(field + "[" + i + "]", values.get(i));
        }
    }

    /** Nothing sent to a server is built from input with control bytes (CR/LF would inject commands). */
    public static void rejectControlBytes(String field, String value) {
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

    /** The request's deadline, or the configured default (at most 120 s, the API's maximum). */
    public Duration timeout(Integer seconds) {
        return Duration.ofSeconds(seconds != null ? seconds : Math.min(120, config.limits().checkDeadline().toSeconds()));
    }
}
