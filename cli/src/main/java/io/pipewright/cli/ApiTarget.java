package io.pipewright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Where the CLI sends its requests and as whom, in this order: {@code --api-url} or {@code PIPEWRIGHT_API_URL}, else
 * the {@code api_url} of {@code bin/pipewright up}'s {@code up.json}; a token from {@code PIPEWRIGHT_TOKEN} (Bearer),
 * else {@code PIPEWRIGHT_USERNAME} and {@code PIPEWRIGHT_PASSWORD}, else up.json's admin credentials; the organization
 * from {@code --organization}, {@code PIPEWRIGHT_ORGANIZATION} or up.json. Credentials are never taken from the command
 * line, where other users of the machine could read them.
 */
record ApiTarget(URI apiUrl, String authorization, String organizationId) {

    static ApiTarget resolve(String apiUrlOption, String organizationOption, Path upFile, Map<String, String> env) {
        JsonNode up = readUpFile(upFile);
        String apiUrl = firstOf(apiUrlOption, env.get("PIPEWRIGHT_API_URL"), text(up, "api_url"));
        if (apiUrl == null) {
            throw new CliFailure(ExitCode.UNAVAILABLE, "no API URL: pass --api-url, set PIPEWRIGHT_API_URL, or run"
                    + " bin/pipewright up (which writes " + upFile + ")");
        }
        String authorization;
        String token = env.get("PIPEWRIGHT_TOKEN");
        String username = firstOf(env.get("PIPEWRIGHT_USERNAME"), text(up, "username"));
        String password = env.get("PIPEWRIGHT_USERNAME") != null ? env.get("PIPEWRIGHT_PASSWORD")
                : text(up, "password");
        if (token != null && !token.isBlank()) {
            authorization = "Bearer " + token.strip();
        } else if (username != null && password != null) {
            authorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        } else {
            throw new CliFailure(ExitCode.UNAVAILABLE, "no credentials: set PIPEWRIGHT_TOKEN, or PIPEWRIGHT_USERNAME"
                    + " and PIPEWRIGHT_PASSWORD, or run bin/pipewright up");
        }
        String organization = firstOf(organizationOption, env.get("PIPEWRIGHT_ORGANIZATION"),
                text(up, "organization_id"));
        try {
            return new ApiTarget(URI.create(apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1)
                    : apiUrl), authorization, organization);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCode.USAGE, "not a URL: " + apiUrl);
        }
    }

    /** Never the credentials, wherever a target ends up printed. */
    @Override
    public String toString() {
        return "ApiTarget[" + apiUrl + ", organization " + organizationId + "]";
    }

    /** The organization pipelines live in; commands on pipelines need one. */
    String requireOrganization() {
        if (organizationId == null) {
            throw new CliFailure(ExitCode.USAGE, "no organization: pass --organization or set"
                    + " PIPEWRIGHT_ORGANIZATION");
        }
        return organizationId;
    }

    private static JsonNode readUpFile(Path upFile) {
        if (upFile == null || !Files.isReadable(upFile)) {
            return null;
        }
        try {
            return new ObjectMapper().readTree(upFile.toFile());
        } catch (IOException e) {
            throw new CliFailure(ExitCode.UNAVAILABLE, "cannot read " + upFile + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        return node == null || !node.hasNonNull(field) ? null : node.get(field).asText();
    }

    private static String firstOf(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }
}
