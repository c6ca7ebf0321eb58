package io.pipewright.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class ConnectWorkerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void seesTheDebeziumPluginAfterARestartRequestedThroughTheMarkerFile(LocalStack stack) throws Exception {
        ConnectWorker connect = stack.connect();
        assertThat(connectorPlugins(connect)).doesNotContain(DebeziumPostgresPlugin.CONNECTOR_CLASS);
        long pidBefore = connect.pid();

        DebeziumPostgresPlugin.extractInto(connect.pluginPath());
        Files.createFile(connect.pluginPath().resolve(".restart-requested"));

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> connectorPlugins(connect).contains(DebeziumPostgresPlugin.CONNECTOR_CLASS));
        assertThat(connect.pid()).isNotEqualTo(pidBefore);
        assertThat(connect.restartMarker()).doesNotExist();
        assertThat(ProcessHandle.of(pidBefore).filter(ProcessHandle::isAlive)).isEmpty();
    }

    private String connectorPlugins(ConnectWorker connect) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(connect.restUrl() + "/connector-plugins")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
