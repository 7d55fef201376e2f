package io.relaycheck.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Posts one batch to {@code POST /api/v1/relay-check/batch} with {@code Accept: application/x-ndjson}
 * and reads the stream line by line as it arrives: each line is a report, an error line for a
 * target that could not be checked, or the final summary.
 */
public final class BatchClient {

    /** One report line, reduced to what the benchmark needs. */
    public record Report(String target, long durationMs, String verdict, String reason, long arrivedMs,
                         Long connectMs, Long bannerMs, Long ehloMs, Long transactionMs, int connections) {
    }

    /** An error line: a target the service could not check. */
    public record ErrorLine(String target, String detail) {
    }

    /**
     * Everything one batch produced. {@code status} is the HTTP status; for a non-200 answer
     * {@code problem} holds the body. {@code summary} is null when the stream ended without one.
     */
    public record Result(int status, String problem, List<Report> reports, List<ErrorLine> errors, JsonObject summary,
                         List<String> unparsed, long firstLineMs, long elapsedMs, String streamError) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI uri;

    public BatchClient(String baseUrl) {
        this.uri = URI.create(baseUrl.replaceAll("/+$", "") + "/api/v1/relay-check/batch");
    }

    /** The request body for the contract of issue #6. */
    public static JsonObject body(List<String> targets, int port, boolean startTls, int timeoutSeconds) {
        return new JsonObject().put("targets", new JsonArray(new ArrayList<>(targets))).put("port", port)
                .put("starttls", startTls).put("transcript", false).put("timeoutSeconds", timeoutSeconds)
                .put("fresh", true);
    }

    public Result post(JsonObject body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return new Result(-1, null, List.of(), List.of(), null, List.of(), -1, ms(start), String.valueOf(e));
        }
        List<Report> reports = new ArrayList<>();
        List<ErrorLine> errors = new ArrayList<>();
        List<String> unparsed = new ArrayList<>();
        JsonObject summary = null;
        long firstLine = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                StringBuilder sb = new StringBuilder();
                String l;
                while ((l = in.readLine()) != null) {
                    sb.append(l).append('\n');
                }
                return new Result(response.statusCode(), sb.toString().strip(), reports, errors, null, unparsed, -1,
                        ms(start), null);
            }
            String line;
            while ((line = readLine(in)) != null) {
                if (line.isBlank()) {
                    continue;
                }
                long at = ms(start);
                if (firstLine < 0) {
                    firstLine = at;
                }
                JsonObject json;
                try {
                    json = new JsonObject(line);
                } catch (RuntimeException e) {
                    unparsed.add(line.length() > 300 ? line.substring(0, 300) + "…" : line);
                    continue;
                }
                // A report has a "summary" too (its one sentence): the verdict tells them apart.
                if (json.containsKey("verdict")) {
                    reports.add(report(json, at));
                } else if (json.containsKey("error")) {
                    Object e = json.getValue("error");
                    String detail = e instanceof JsonObject p ? p.getString("detail", p.encode()) : String.valueOf(e);
                    errors.add(new ErrorLine(json.getString("target"), detail));
                } else if (json.getValue("summary") instanceof JsonObject s) {
                    summary = s;
                } else {
                    unparsed.add(line.length() > 300 ? line.substring(0, 300) + "…" : line);
                }
            }
        } catch (StreamBroken e) {
            // The service died or hung up mid-stream: keep what arrived; the rest counts as lost.
            return new Result(200, null, reports, errors, summary, unparsed, firstLine, ms(start),
                    String.valueOf(e.getCause()));
        }
        return new Result(200, null, reports, errors, summary, unparsed, firstLine, ms(start), null);
    }

    /** Several small batches as one: every line kept, the times their medians. */
    public static Result merge(List<Result> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<Report> reports = new ArrayList<>();
        List<ErrorLine> errors = new ArrayList<>();
        List<String> unparsed = new ArrayList<>();
        String broken = null;
        String problem = null;
        int status = 200;
        for (Result p : parts) {
            reports.addAll(p.reports());
            errors.addAll(p.errors());
            unparsed.addAll(p.unparsed());
            broken = broken != null ? broken : p.streamError();
            if (p.status() != 200) {
                status = p.status();
                problem = p.problem();
            }
        }
        Percentiles elapsed = new Percentiles(parts.stream().map(Result::elapsedMs).toList());
        Percentiles first = new Percentiles(parts.stream().map(Result::firstLineMs).toList());
        return new Result(status, problem, reports, errors, parts.get(parts.size() - 1).summary(), unparsed,
                first.at(50), elapsed.at(50), broken);
    }

    private static final class StreamBroken extends RuntimeException {
        StreamBroken(IOException cause) {
            super(cause);
        }
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new StreamBroken(e);
        }
    }

    static Report report(JsonObject json, long arrivedMs) {
        JsonArray servers = json.getJsonArray("servers", new JsonArray());
        JsonObject first = servers.isEmpty() ? new JsonObject() : servers.getJsonObject(0);
        JsonObject t = first.getJsonObject("timings", new JsonObject());
        return new Report(json.getString("target"), json.getLong("durationMs", -1L), json.getString("verdict"),
                json.getString("reason"), arrivedMs, t.getLong("connectMs"), t.getLong("bannerMs"), t.getLong("ehloMs"),
                t.getLong("transactionMs"), first.getInteger("connections", 0));
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
