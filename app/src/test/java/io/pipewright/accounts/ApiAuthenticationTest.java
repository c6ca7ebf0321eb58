package io.pipewright.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.pipewright.app.PipewrightApplication;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A verified password or token is remembered: repeated requests run no bcrypt and read no memberships, until the
 * user's password, operator flag or memberships change (at once on this node, within seconds when changed through
 * another node on the same database). Failed logins are throttled with a 429 and Retry-After. API tokens: created
 * once with their secret, used as Bearer, listed without it, revoked; invalid, expired and revoked tokens are told
 * apart; read-only and organization-scoped tokens grant no more than that.
 */
@SpringBootTest(classes = PipewrightApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
        "pipewright.security.throttle.failures-per-user=3",
        "pipewright.security.throttle.failures-per-address=1000",
        "pipewright.security.throttle.window=PT3S"})
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
class ApiAuthenticationTest {

    private static final String ADMIN = "test-admin";
    private static final String ADMIN_PASSWORD = "test-admin-password";
    private static final String ORGANIZATION = PipewrightClient.ORGANIZATION;
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    Environment environment;
    @MockitoSpyBean
    PasswordEncoder encoder;
    @MockitoSpyBean
    Users users;

    @Test
    void aRepeatedRequestRunsNoBcryptAndReadsNoMemberships() {
        String user = member("repeat", List.of());
        clearInvocations(encoder, users);

        call(basic(user), "GET", "/organizations/" + ORGANIZATION + "/pipelines", null, 200);
        verify(encoder, times(1)).matches(any(), anyString());
        verify(users, times(1)).callerNamed(user);

        clearInvocations(encoder, users);
        for (int request = 0; request < 3; request++) {
            call(basic(user), "GET", "/organizations/" + ORGANIZATION + "/pipelines", null, 200);
        }
        verify(encoder, never()).matches(any(), anyString());
        verify(users, never()).callerNamed(any());

        call(basic(user, "a-wrong-password-1"), "GET", "/organizations", null, 401);
        call(basic(user, "a-wrong-password-1"), "GET", "/organizations", null, 401);
        verify(encoder, times(2)).matches(any(), anyString());
    }

    @Test
    void aChangedPasswordIsRequiredAtOnce() {
        String user = member("password", List.of());
        call(basic(user), "GET", "/organizations", null, 200);

        call(basic(ADMIN, ADMIN_PASSWORD), "PATCH", "/operator/users/" + user,
                Map.of("password", "a-new-password-of-" + user), 200);

        call(basic(user), "GET", "/organizations", null, 401);
        call(basic(user, "a-new-password-of-" + user), "GET", "/organizations", null, 200);
    }

    @Test
    void aRemovedOperatorFlagTakesEffectAtOnce() {
        String user = newUser("operator", true);
        call(basic(user), "GET", "/operator/projections", null, 200);

        call(basic(ADMIN, ADMIN_PASSWORD), "PATCH", "/operator/users/" + user, Map.of("operator", false), 200);

        call(basic(user), "GET", "/operator/projections", null, 403);
    }

    @Test
    void aNewMembershipTakesEffectAtOnce() {
        String user = newUser("joins", false);
        call(basic(user), "GET", "/organizations/" + ORGANIZATION + "/pipelines", null, 404);

        join(user, ORGANIZATION, List.of());

        call(basic(user), "GET", "/organizations/" + ORGANIZATION + "/pipelines", null, 200);
    }

    @Test
    void changesMadeThroughAnotherNodeAreSeenWithinSeconds() {
        String user = member("remote", List.of());
        String token = createToken(basic(user), Map.of("name", "remote", "expires_at", inDays(1))).get("token")
                .asText();
        call(basic(user), "GET", "/organizations", null, 200);
        call(bearer(token), "GET", "/organizations", null, 200);
        String tokenId = call(basic(user), "GET", "/tokens", null, 200).get(0).get("id").asText();

        try (ConfigurableApplicationContext otherNode = otherNode()) {
            int port = ((WebServerApplicationContext) otherNode).getWebServer().getPort();
            WebTestClient other = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                    .responseTimeout(Duration.ofSeconds(60)).build();
            call(other, basic(ADMIN, ADMIN_PASSWORD), "PATCH", "/operator/users/" + user,
                    Map.of("password", "changed-elsewhere-" + user), 200);
            call(other, basic(user, "changed-elsewhere-" + user), "DELETE", "/tokens/" + tokenId, null, 204);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> status(basic(user), "/organizations") == 401);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(bearer(token), "/organizations") == 401);
        assertThat(call(bearer(token), "GET", "/organizations", null, 401).get("title").asText())
                .isEqualTo("Revoked token");
        call(basic(user, "changed-elsewhere-" + user), "GET", "/organizations", null, 200);
    }

    @Test
    void repeatedFailuresAreThrottledWithRetryAfterAndACorrectLoginPassesAfterTheWindow() {
        String user = member("throttled", List.of());
        for (int attempt = 0; attempt < 3; attempt++) {
            call(basic(user, "wrong-password-" + attempt), "GET", "/organizations", null, 401);
        }
        clearInvocations(encoder);

        WebTestClient.ResponseSpec throttled = web.get().uri("/organizations").headers(basic(user)).exchange();
        throttled.expectStatus().isEqualTo(429)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, retryAfter ->
                        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 3L));
        verify(encoder, never()).matches(any(), anyString());
        call(basic(ADMIN, ADMIN_PASSWORD), "GET", "/organizations", null, 200);

        await().atMost(Duration.ofSeconds(30)).until(() -> status(basic(user), "/organizations") == 200);
    }

    @Test
    void aTokenIsCreatedOnceUsedListedRevokedAndToldApartWhenRefused() {
        String user = member("tokens", List.of("service:create"));
        JsonNode created = createToken(basic(user), Map.of("name", "ci", "expires_at", inDays(30)));
        String token = created.get("token").asText();
        String tokenId = created.get("id").asText();

        assertThat(call(bearer(token), "GET", "/organizations", null, 200).get(0).get("id").asText())
                .isEqualTo(ORGANIZATION);
        JsonNode listed = call(basic(user), "GET", "/tokens", null, 200);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("name").asText()).isEqualTo("ci");
        assertThat(listed.get(0).has("token")).as("the secret is shown once").isFalse();
        assertThat(listed.toString()).doesNotContain(token);
        call(bearer(token), "POST", "/tokens", Map.of("name", "minted", "expires_at", inDays(1)), 403);

        call(basic(user), "DELETE", "/tokens/" + tokenId, null, 204);
        assertThat(call(bearer(token), "GET", "/organizations", null, 401).get("title").asText())
                .isEqualTo("Revoked token");
        assertThat(call(bearer("pwt_" + "x".repeat(43)), "GET", "/organizations", null, 401).get("title").asText())
                .isEqualTo("Invalid token");
        call(basic(user), "DELETE", "/tokens/" + UUID.randomUUID(), null, 404);

        String shortLived = createToken(basic(user), Map.of("name", "short", "expires_at",
                Instant.now().plusSeconds(10).toString())).get("token").asText();
        call(bearer(shortLived), "GET", "/organizations", null, 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(bearer(shortLived), "/organizations") == 401);
        assertThat(call(bearer(shortLived), "GET", "/organizations", null, 401).get("title").asText())
                .isEqualTo("Expired token");
    }

    @Test
    void aTokenRequestOutsideTheRulesIsA400NamingTheField() {
        String user = newUser("badtoken", false);
        assertThat(call(basic(user), "POST", "/tokens", Map.of("name", "x", "expires_at", "tomorrow"), 400)
                .get("field").asText()).isEqualTo("expires_at");
        assertThat(call(basic(user), "POST", "/tokens", Map.of("name", "x", "expires_at",
                Instant.now().minusSeconds(60).toString()), 400).get("field").asText()).isEqualTo("expires_at");
        assertThat(call(basic(user), "POST", "/tokens", Map.of("name", "x", "expires_at", inDays(1),
                "organization_id", ORGANIZATION), 400).get("field").asText()).isEqualTo("organization_id");
        assertThat(call(basic(user), "GET", "/tokens", null, 200)).isEmpty();
    }

    @Test
    void aReadOnlyTokenReadsButChangesNothing() {
        String token = createToken(basic(ADMIN, ADMIN_PASSWORD), Map.of("name", "dashboard", "expires_at",
                inDays(1), "read_only", true)).get("token").asText();
        String organizationName = "readonly-" + suffix();

        call(bearer(token), "GET", "/organizations/" + ORGANIZATION + "/pipelines", null, 200);
        call(bearer(token), "GET", "/operator/projections", null, 200);
        JsonNode refused = call(bearer(token), "POST", "/operator/organizations", Map.of("name", organizationName),
                403);
        assertThat(refused.get("detail").asText()).contains("read-only");
        call(bearer(token), "POST", "/managed-services", Map.of("name", "x"), 403);

        String writer = createToken(basic(ADMIN, ADMIN_PASSWORD), Map.of("name", "iac", "expires_at", inDays(1)))
                .get("token").asText();
        call(bearer(writer), "POST", "/operator/organizations", Map.of("name", organizationName), 201);
    }

    @Test
    void anOrganizationScopedTokenSeesOnlyItsOrganization() {
        String user = member("scoped", List.of("service:create"));
        String other = call(basic(ADMIN, ADMIN_PASSWORD), "POST", "/operator/organizations",
                Map.of("name", "scoped-" + suffix()), 201).get("id").asText();
        join(user, other, List.of("service:create"));
        String token = createToken(basic(user), Map.of("name", "one-org", "expires_at", inDays(1),
                "organization_id", other)).get("token").asText();

        JsonNode organizations = call(bearer(token), "GET", "/organizations", null, 200);
        assertThat(organizations).hasSize(1);
        assertThat(organizations.get(0).get("id").asText()).isEqualTo(other);
        call(bearer(token), "GET", "/organizations/" + other + "/pipelines", null, 200);
        call(bearer(token), "GET", "/organizations/" + ORGANIZATION + "/pipelines", null, 404);

        String operatorToken = createToken(basic(ADMIN, ADMIN_PASSWORD), Map.of("name", "admin-one-org",
                "expires_at", inDays(1), "organization_id", ORGANIZATION)).get("token").asText();
        call(bearer(operatorToken), "GET", "/operator/projections", null, 403);
    }

    private ConfigurableApplicationContext otherNode() {
        Map<String, Object> properties = new HashMap<>();
        for (String key : List.of("spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
                "pipewright.plugins.debezium-postgres-archive", "pipewright.host-paths.allowed-roots")) {
            properties.put(key, environment.getProperty(key));
        }
        properties.put("server.port", "0");
        return new SpringApplicationBuilder(PipewrightApplication.class).properties(properties).run();
    }

    private String member(String prefix, List<String> permissions) {
        String user = newUser(prefix, false);
        join(user, ORGANIZATION, permissions);
        return user;
    }

    private String newUser(String prefix, boolean operator) {
        String user = prefix + "-" + suffix();
        call(basic(ADMIN, ADMIN_PASSWORD), "POST", "/operator/users", Map.of("username", user,
                "password", passwordOf(user), "operator", operator), 201);
        return user;
    }

    private void join(String user, String organization, List<String> permissions) {
        call(basic(ADMIN, ADMIN_PASSWORD), "PUT", "/operator/organizations/" + organization + "/members/" + user,
                Map.of("permissions", permissions), 200);
    }

    private JsonNode createToken(Consumer<HttpHeaders> credentials, Map<String, Object> request) {
        return call(credentials, "POST", "/tokens", request, 201);
    }

    private JsonNode call(Consumer<HttpHeaders> credentials, String method, String path, Object body, int expected) {
        return call(web, credentials, method, path, body, expected);
    }

    private static JsonNode call(WebTestClient client, Consumer<HttpHeaders> credentials, String method, String path,
                                 Object body, int expected) {
        WebTestClient.RequestBodySpec request = client.method(HttpMethod.valueOf(method)).uri(path)
                .headers(credentials).contentType(MediaType.APPLICATION_JSON);
        WebTestClient.ResponseSpec response = body == null ? request.exchange() : request.bodyValue(json(body))
                .exchange();
        byte[] answer = response.expectStatus().isEqualTo(expected).expectBody().returnResult().getResponseBody();
        return answer == null ? MissingNode.getInstance() : PipewrightClient.read(answer);
    }

    private int status(Consumer<HttpHeaders> credentials, String path) {
        return web.get().uri(path).headers(credentials).exchange().returnResult(String.class).getStatus().value();
    }

    private static Consumer<HttpHeaders> basic(String user) {
        return basic(user, passwordOf(user));
    }

    private static Consumer<HttpHeaders> basic(String user, String password) {
        return headers -> headers.setBasicAuth(user, password);
    }

    private static Consumer<HttpHeaders> bearer(String token) {
        return headers -> headers.setBearerAuth(token);
    }

    private static String passwordOf(String user) {
        return "the-password-of-" + user;
    }

    private static String inDays(int days) {
        return Instant.now().plus(Duration.ofDays(days)).toString();
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
