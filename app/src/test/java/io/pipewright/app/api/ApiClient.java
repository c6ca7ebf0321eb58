package io.pipewright.app.api;

import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Calls the API as the bootstrap admin of the test configuration (app/src/test/resources/config/application.yml). */
final class ApiClient {

    static final String USERNAME = "test-admin";
    static final String PASSWORD = "test-admin-password";
    static final String ORGANIZATION = "5b1c6a8e-0a3f-4f4e-9d1c-2f1e7c0d9a11";

    private ApiClient() {
    }

    static WebTestClient.ResponseSpec post(WebTestClient web, String path, Object body) {
        return web.post().uri(path)
                .headers(headers -> headers.setBasicAuth(USERNAME, PASSWORD))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    static WebTestClient.ResponseSpec get(WebTestClient web, String path) {
        return web.get().uri(path).headers(headers -> headers.setBasicAuth(USERNAME, PASSWORD)).exchange();
    }

    static WebTestClient.ResponseSpec delete(WebTestClient web, String path) {
        return web.delete().uri(path).headers(headers -> headers.setBasicAuth(USERNAME, PASSWORD)).exchange();
    }

    static Map<String, Object> postgresService(String name, String host, int port, String user, String password) {
        return Map.of(
                "name", name,
                "database_type", "postgresql",
                "version", "17",
                "zone", "se-sto1",
                "postgresql", Map.of(
                        "hosts", List.of(Map.of("host", host, "port", port, "role", "primary")),
                        "admin_user", user,
                        "admin_password", password,
                        "hba_management", "superuser_sql"));
    }

    static Map<String, Object> kafkaService(String name, String bootstrapServers, String connectUrl) {
        return Map.of(
                "name", name,
                "database_type", "kafka",
                "version", "4.3.1",
                "zone", "fi-hel1",
                "addons", List.of("kafka-connect"),
                "kafka", Map.of(
                        "bootstrap_servers", bootstrapServers,
                        "kafka_connect", Map.of("url", connectUrl, "secrets_directory", "/run/connect-secrets")));
    }

    @SuppressWarnings("unchecked")
    static String registeredId(WebTestClient web, Map<String, Object> registration) {
        Map<String, Object> body = post(web, "/managed-services", registration)
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        return (String) body.get("id");
    }
}
