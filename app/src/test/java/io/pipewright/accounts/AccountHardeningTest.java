package io.pipewright.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.PipewrightApplication;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Accounts refuse what bcrypt cannot take as a 400 naming the field; an unknown username costs the same bcrypt
 * verification as a wrong password; a state-changing request a browser could send from another site's page (a form's
 * content type, or marked cross-site) is refused and changes nothing, while curl without a body still works.
 */
@SpringBootTest(classes = PipewrightApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class AccountHardeningTest {

    private static final String ADMIN = "test-admin";
    private static final String ADMIN_PASSWORD = "test-admin-password";

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;
    @MockitoSpyBean
    PasswordEncoder encoder;

    @Test
    void aPasswordLongerThanBcryptReadsIsA400NamingTheField() {
        String username = "long-" + suffix();
        JsonNode asciiProblem = post("/operator/users", json(Map.of("username", username, "password",
                "a".repeat(73))), 400);
        assertThat(asciiProblem.get("field").asText()).isEqualTo("password");
        assertThat(asciiProblem.get("rule").asText()).contains("72 bytes");
        JsonNode multibyteProblem = post("/operator/users", json(Map.of("username", username, "password",
                "é".repeat(37))), 400);
        assertThat(multibyteProblem.get("field").asText()).isEqualTo("password");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM app_user WHERE username = ?", Long.class, username))
                .isZero();

        post("/operator/users", json(Map.of("username", username, "password", "a".repeat(72))), 201);
    }

    @Test
    void aNullPermissionIsA400NamingTheField() {
        String username = "nullperm-" + suffix();
        post("/operator/users", json(Map.of("username", username, "password", "a-long-enough-password")), 201);

        JsonNode problem = put("/operator/organizations/" + PipewrightClient.ORGANIZATION + "/members/" + username,
                "{\"permissions\": [null]}", 400);

        assertThat(problem.get("field").asText()).isEqualTo("permissions");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM membership WHERE username = ?", Long.class, username))
                .isZero();
    }

    @Test
    void anUnknownUserCostsTheSameBcryptVerificationAsAWrongPassword() {
        clearInvocations(encoder);
        unauthorized("nobody-" + suffix(), "some-password");
        ArgumentCaptor<String> unknownHash = ArgumentCaptor.forClass(String.class);
        verify(encoder, times(1)).matches(any(), unknownHash.capture());

        clearInvocations(encoder);
        unauthorized(ADMIN, "a-wrong-password");
        ArgumentCaptor<String> knownHash = ArgumentCaptor.forClass(String.class);
        verify(encoder, times(1)).matches(any(), knownHash.capture());

        String storedHash = jdbc.queryForObject("SELECT password_hash FROM app_user WHERE username = ?",
                String.class, ADMIN);
        assertThat(knownHash.getValue()).isEqualTo(storedHash);
        assertThat(unknownHash.getValue()).as("a bcrypt hash of the same cost")
                .startsWith(storedHash.substring(0, 7)).hasSameSizeAs(storedHash).isNotEqualTo(storedHash);
    }

    /**
     * A form can reach an endpoint that reads no body (a rebuild, a pause): that one would otherwise run, whatever the
     * form carries.
     */
    @Test
    void aFormPostOrACrossSiteRequestIsRefusedAndChangesNothing(CapturedOutput log) {
        String name = "csrf-" + suffix();
        for (MediaType form : List.of(MediaType.APPLICATION_FORM_URLENCODED, MediaType.TEXT_PLAIN,
                MediaType.MULTIPART_FORM_DATA)) {
            for (String path : List.of("/operator/projections/rebuild", "/operator/organizations")) {
                JsonNode problem = PipewrightClient.read(web.post().uri(path)
                        .headers(headers -> headers.setBasicAuth(ADMIN, ADMIN_PASSWORD))
                        .contentType(form).bodyValue(json(Map.of("name", name)))
                        .exchange().expectStatus().isEqualTo(415)
                        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody().returnResult().getResponseBody());
                assertThat(problem.get("status").asInt()).isEqualTo(415);
            }
        }
        assertThat(log.getAll()).doesNotContain("Projection rebuild requested");
        web.post().uri("/operator/organizations")
                .headers(headers -> {
                    headers.setBasicAuth(ADMIN, ADMIN_PASSWORD);
                    headers.set("Sec-Fetch-Site", "cross-site");
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json(Map.of("name", name)))
                .exchange().expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        web.delete().uri("/managed-services/" + UUID.randomUUID())
                .headers(headers -> {
                    headers.setBasicAuth(ADMIN, ADMIN_PASSWORD);
                    headers.set("Sec-Fetch-Site", "cross-site");
                })
                .exchange().expectStatus().isForbidden();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM organization WHERE name = ?", Long.class, name))
                .isZero();

        web.post().uri("/operator/orphans/sweep").headers(headers -> headers.setBasicAuth(ADMIN, ADMIN_PASSWORD))
                .exchange().expectStatus().isOk();
        web.post().uri("/operator/organizations")
                .headers(headers -> {
                    headers.setBasicAuth(ADMIN, ADMIN_PASSWORD);
                    headers.set("Sec-Fetch-Site", "same-origin");
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json(Map.of("name", name)))
                .exchange().expectStatus().isCreated();
    }

    private void unauthorized(String username, String password) {
        web.get().uri("/organizations").headers(headers -> headers.setBasicAuth(username, password))
                .exchange().expectStatus().isUnauthorized();
    }

    private JsonNode post(String path, String body, int expected) {
        return PipewrightClient.read(web.post().uri(path).headers(headers -> headers.setBasicAuth(ADMIN,
                        ADMIN_PASSWORD)).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isEqualTo(expected).expectBody().returnResult().getResponseBody());
    }

    private JsonNode put(String path, String body, int expected) {
        return PipewrightClient.read(web.put().uri(path).headers(headers -> headers.setBasicAuth(ADMIN,
                        ADMIN_PASSWORD)).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isEqualTo(expected).expectBody().returnResult().getResponseBody());
    }

    private static String json(Map<String, Object> body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
