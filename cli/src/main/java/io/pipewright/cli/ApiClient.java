package io.pipewright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The REST API as the CLI uses it: JSON in and out, every call bounded in time, and any answer that is not a success
 * turned into a {@link CliFailure} whose message is the problem's own words (RFC 7807 {@code title}, {@code detail},
 * and for a 400 each field with its rule), never a stack trace.
 */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final ApiTarget target;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    ApiClient(ApiTarget target) {
        this.target = target;
    }

    ApiTarget target() {
        return target;
    }

    /** An answer: its status, the next page's token if the list has more, and its JSON body (missing if none). */
    record Answer(int status, Optional<String> nextPageToken, JsonNode body) {
    }

    JsonNode get(String path, Map<String, String> query) {
        return call("GET", withQuery(path, query), null).body();
    }

    /** What a list endpoint answered: its rows, and the token of the page after the last one read, if any. */
    record Rows(ArrayNode rows, Optional<String> nextPageToken) {
    }

    /** The first page of a list, or with {@code all} every page, following {@code Next-Page-Token}. */
    Rows list(String path, Map<String, String> query, boolean all) {
        ArrayNode rows = JSON.createArrayNode();
        Map<String, String> pageQuery = new LinkedHashMap<>(query);
        Optional<String> next;
        do {
            Answer page = call("GET", withQuery(path, pageQuery), null);
            rows.addAll((ArrayNode) page.body());
            next = page.nextPageToken();
            next.ifPresent(token -> pageQuery.put("page_token", token));
        } while (all && next.isPresent());
        return new Rows(rows, next);
    }

    JsonNode send(String method, String path, Object body) {
        return call(method, path, body).body();
    }

    /** The answer whatever its status, for callers that expect a 404 (a deleted pipeline). */
    Answer exchange(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.apiUrl() + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", target.authorization())
                .header("Accept", "application/json");
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = response.body().length == 0 ? MissingNode.getInstance() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), response.headers().firstValue("Next-Page-Token"), json);
        } catch (ConnectException e) {
            throw new CliFailure(ExitCode.UNAVAILABLE, "cannot reach the API at " + target.apiUrl()
                    + " (is the control plane running?)");
        } catch (IOException e) {
            throw new CliFailure(ExitCode.UNAVAILABLE, "the API at " + target.apiUrl() + " did not answer "
                    + method + " " + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCode.UNAVAILABLE, "interrupted");
        }
    }

    private Answer call(String method, String path, Object body) {
        Answer answer = exchange(method, path, body);
        if (answer.status() >= 200 && answer.status() < 300) {
            return answer;
        }
        throw new CliFailure(answer.status() >= 500 ? ExitCode.UNAVAILABLE : ExitCode.REFUSED,
                describeProblem(answer));
    }

    static String describeProblem(Answer answer) {
        JsonNode problem = answer.body();
        StringBuilder message = new StringBuilder(Integer.toString(answer.status()));
        if (problem.hasNonNull("title")) {
            message.append(' ').append(problem.get("title").asText());
        }
        if (problem.hasNonNull("detail")) {
            message.append(": ").append(problem.get("detail").asText());
        }
        if (problem.path("errors").isArray()) {
            for (JsonNode error : problem.get("errors")) {
                message.append(System.lineSeparator()).append("  ").append(error.path("field").asText())
                        .append(": ").append(error.path("rule").asText());
            }
        }
        return message.toString();
    }

    /** A request body as JSON from a file, or from standard input for {@code -}. */
    static JsonNode readJson(Path file) {
        try {
            return "-".equals(file.toString()) ? JSON.readTree(System.in)
                    : JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new CliFailure(ExitCode.USAGE, "cannot read JSON from " + file + ": " + e.getMessage());
        }
    }

    private static String withQuery(String path, Map<String, String> query) {
        Map<String, String> present = new LinkedHashMap<>();
        query.forEach((name, value) -> {
            if (value != null) {
                present.put(name, value);
            }
        });
        if (present.isEmpty()) {
            return path;
        }
        return path + "?" + present.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
