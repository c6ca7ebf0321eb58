package io.pipewright.app.support;

import static org.awaitility.Awaitility.await;

import io.pipewright.localstack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The test JVM shares one Connect worker and one source between its test classes, and a class's pipelines outlive its
 * Spring context: without this, every connector a class left Running keeps a task polling and a walsender decoding on
 * the shared stack for the rest of the suite, and the later classes' "noticed within" waits run on an ever busier
 * machine. Registered for every class (META-INF/services, autodetection on), its {@code afterAll} runs after the
 * class's context was closed (global extensions close last), so no saga of that class re-creates what it removes: the
 * worker's connectors, then the source's inactive replication slots.
 */
public class LeftoverConnectors implements AfterAllCallback {

    private static final Duration REMOVED_WITHIN = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!ControlPlaneDatabase.started()
                || context.getRequiredTestClass().isAnnotationPresent(OnOutageStack.class)) {
            return;
        }
        LocalStack stack = ControlPlaneDatabase.stack();
        String worker = stack.connect().restUrl();
        for (var name : PipewrightClient.read(get(worker + "/connectors"))) {
            HTTP.send(HttpRequest.newBuilder(URI.create(worker + "/connectors/"
                            + URLEncoder.encode(name.asText(), StandardCharsets.UTF_8).replace("+", "%20")))
                    .timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        dropInactiveSlots(stack);
    }

    /**
     * A deleted connector's walsender ends a moment later; its slot is dropped once inactive. A slot still held after
     * the bound is left (it costs the source disk, not the next classes' time).
     */
    private static void dropInactiveSlots(LocalStack stack) throws SQLException {
        try (var connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             var statement = connection.createStatement()) {
            await().atMost(REMOVED_WITHIN).pollInterval(Duration.ofMillis(250)).until(() -> {
                statement.execute("""
                        SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                        WHERE NOT active AND database = current_database()""");
                try (var left = statement.executeQuery("""
                        SELECT count(*) FROM pg_replication_slots WHERE database = current_database()""")) {
                    left.next();
                    return left.getLong(1) == 0;
                }
            });
        } catch (ConditionTimeoutException stillHeld) {
            // See above: left in place.
        }
    }

    private static byte[] get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }
}
