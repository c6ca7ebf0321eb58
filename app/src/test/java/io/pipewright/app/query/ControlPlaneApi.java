package io.pipewright.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The REST API as the test admin, a member of {@link Fixtures#ORGANIZATION} only, sees it. */
final class ControlPlaneApi {

    private final WebTestClient web;

    /** Generous: a request's bcrypt check alone can take seconds on a busy two-core machine. */
    ControlPlaneApi(WebTestClient web) {
        this.web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    JsonNode get(String uri) {
        return web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    /** The body as the server wrote it. */
    String getText(String uri) {
        return new String(web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .returnResult()
                .getResponseBodyContent(), StandardCharsets.UTF_8);
    }

    /** A problem body that says no more than "not found", whether the thing is absent or foreign. */
    void expectNotFound(String uri) {
        web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.NOT_FOUND)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).endsWith(" not found"));
    }

    JsonNode postExpectingAccepted(String uri) {
        return web.post().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    /** In the order the server wrote them. */
    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
