package io.pipewright.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The REST API as the test admin, a member of {@link Fixtures#ORGANIZATION} only, sees it. */
final class ControlPlaneApi {

    private final WebTestClient web;

    ControlPlaneApi(WebTestClient web) {
        this.web = web;
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

    void expectNotFound(String uri) {
        web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.NOT_FOUND);
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
}
