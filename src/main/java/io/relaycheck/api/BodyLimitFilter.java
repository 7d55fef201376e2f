package io.relaycheck.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body over {@code quarkus.http.limits.max-body-size} is refused before it is read, as Quarkus
 * does, but with the same problem+json as every other 4xx (Quarkus' own 413 has no body). Runs
 * first on every route and looks only at the declared Content-Length; a chunked body without one
 * still meets Quarkus' limit, with its bare 413.
 */
@ApplicationScoped
public class BodyLimitFilter {

    void install(@Observes Router router,
                 @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        long max = limit.asLongValue();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long length;
            try {
                length = declared == null ? -1 : Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length > max) {
                String detail = "body: the request body is " + length + " bytes; at most " + max + " are accepted";
                String json = "{\"type\":\"" + ProblemMappers.TYPE_BASE + "too-large\",\"title\":\"Request body too large\","
                        + "\"status\":413,\"detail\":\"" + detail + "\",\"instance\":\"" + jsonEscape(ctx.request().path())
                        + "\",\"field\":\"body\",\"errors\":[{\"field\":\"body\",\"message\":\"" + detail + "\"}]}";
                ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close").end(json);
                return;
            }
            ctx.next();
        });
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
