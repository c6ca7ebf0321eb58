package io.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the CLI's URL, credentials and organization come from, in which order, and that none of it is printed. */
class ApiTargetTest {

    @TempDir
    Path directory;

    @Test
    void upJsonIsTheDefaultAndTheEnvironmentAndOptionsComeFirst() throws IOException {
        Path up = upFile();

        ApiTarget fromUp = ApiTarget.resolve(null, null, up, Map.of());
        assertThat(fromUp.apiUrl()).hasToString("http://127.0.0.1:8080");
        assertThat(fromUp.authorization()).isEqualTo(basic("admin", "up-password"));
        assertThat(fromUp.organizationId()).isEqualTo("5b1c6a8e-0a3f-4f4e-9d1c-2f1e7c0d9a11");

        ApiTarget fromEnv = ApiTarget.resolve(null, null, up, Map.of("PIPEWRIGHT_API_URL", "https://pw.example/",
                "PIPEWRIGHT_USERNAME", "ci", "PIPEWRIGHT_PASSWORD", "ci-password",
                "PIPEWRIGHT_ORGANIZATION", "0b0c0d0e-0000-4000-8000-000000000001"));
        assertThat(fromEnv.apiUrl()).hasToString("https://pw.example");
        assertThat(fromEnv.authorization()).isEqualTo(basic("ci", "ci-password"));
        assertThat(fromEnv.organizationId()).isEqualTo("0b0c0d0e-0000-4000-8000-000000000001");

        ApiTarget fromToken = ApiTarget.resolve("http://other:9000", "0b0c0d0e-0000-4000-8000-000000000002", up,
                Map.of("PIPEWRIGHT_TOKEN", "pwt_secret", "PIPEWRIGHT_USERNAME", "ci"));
        assertThat(fromToken.apiUrl()).hasToString("http://other:9000");
        assertThat(fromToken.authorization()).isEqualTo("Bearer pwt_secret");
        assertThat(fromToken.organizationId()).isEqualTo("0b0c0d0e-0000-4000-8000-000000000002");
        assertThat(fromToken.toString()).doesNotContain("pwt_secret");
    }

    @Test
    void withoutAnyUrlOrCredentialsItSaysWhereToGetThem() {
        Path missing = directory.resolve("missing.json");

        assertThatThrownBy(() -> ApiTarget.resolve(null, null, missing, Map.of()))
                .isInstanceOf(CliFailure.class).hasMessageContaining("--api-url")
                .satisfies(failure -> assertThat(((CliFailure) failure).exitCode()).isEqualTo(ExitCode.UNAVAILABLE));
        assertThatThrownBy(() -> ApiTarget.resolve("http://127.0.0.1:8080", null, missing, Map.of()))
                .isInstanceOf(CliFailure.class).hasMessageContaining("PIPEWRIGHT_TOKEN");
    }

    private Path upFile() throws IOException {
        Path up = directory.resolve("up.json");
        Files.writeString(up, """
                {"api_url": "http://127.0.0.1:8080", "username": "admin", "password": "up-password",
                 "organization_id": "5b1c6a8e-0a3f-4f4e-9d1c-2f1e7c0d9a11"}""");
        return up;
    }

    private static String basic(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }
}
