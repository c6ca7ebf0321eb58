package io.pipewright.app.teardown;

import static io.pipewright.app.support.PipewrightClient.PIPELINES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A DROP ROLE that cannot run where the teardown first tries it. A role someone granted a privilege in another
 * database: the delete still completes, the role's password stays in the vault while the role exists, the orphan sweep
 * reports the role, and removing the orphan drops it (its grants revoked in every database) and only then erases the
 * password. A role whose captured database is gone: dropped from the admin database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
class UndroppableRoleTest {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;

    private final LocalStack stack = ControlPlaneDatabase.stack();

    @Test
    void aRoleThatCannotBeDroppedKeepsItsPasswordAndIsReportedAsAnOrphan() throws Exception {
        PipewrightClient api = new PipewrightClient(web, stack);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String source = api.register(api.source("undroppable-source-" + suffix, "local"));
        String sink = api.register(api.sink("undroppable-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        String id = api.call("POST", PIPELINES, Map.of("name", "undroppable-" + suffix, "pipeline_type",
                "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "u" + suffix)), 202).get("id").asText();
        api.awaitStatus(id, "Running", Duration.ofMinutes(4));
        String role = "pipewright_" + id.replace("-", "");
        UUID password = UUID.nameUUIDFromBytes(("connector-password " + id).getBytes(StandardCharsets.UTF_8));
        assertThat(secretExists(password)).as("the connector's password in the vault").isTrue();

        PostgresServer postgres = stack.source();
        String elsewhere = "elsewhere_" + suffix;
        postgres.createDatabase(elsewhere);
        postgres.execute(elsewhere, "CREATE TABLE kept (n int); GRANT SELECT ON kept TO " + role);

        api.call("DELETE", PIPELINES + "/" + id, null, 202);
        api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));

        assertThat(roleExists(postgres, role)).isTrue();
        assertThat(secretExists(password)).as("the password of a role that still exists").isTrue();
        List<JsonNode> orphans = ofPipeline(api.call("POST", "/operator/orphans/sweep", null, 200), id);
        assertThat(orphans).extracting(row -> row.get("kind").asText() + " " + row.get("name").asText())
                .containsExactly("role " + role);

        JsonNode remaining = api.call("DELETE", "/operator/orphans?pipeline_id=" + id, null, 200);

        assertThat(ofPipeline(remaining, id)).isEmpty();
        assertThat(roleExists(postgres, role)).isFalse();
        assertThat(secretExists(password)).as("the password once the role is gone").isFalse();
        postgres.execute("postgres", "DROP DATABASE " + elsewhere);
    }

    /**
     * The captured database dropped under a pipeline (created paused, so no slot holds the database): the role is
     * cluster-wide and outlives it, so the teardown drops it from the admin database, then erases its password.
     */
    @Test
    void theRoleOfAPipelineWhoseDatabaseWasDroppedIsDroppedAllTheSame() {
        PipewrightClient api = new PipewrightClient(web, stack);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        PostgresServer postgres = stack.source();
        String database = "dropped_" + suffix;
        postgres.createDatabase(database);
        postgres.execute(database, "CREATE TABLE captured (id int PRIMARY KEY)");
        String source = api.register(api.source("dropped-source-" + suffix, "local"));
        String sink = api.register(api.sink("dropped-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        String id = api.call("POST", PIPELINES, Map.of("name", "dropped-" + suffix, "pipeline_type",
                "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink, "paused", true,
                "config", Map.of("database_name", database, "tables", List.of("captured"),
                        "topic_prefix", "d" + suffix)), 202).get("id").asText();
        api.awaitStatus(id, "Paused", Duration.ofMinutes(4));
        String role = "pipewright_" + id.replace("-", "");
        UUID password = UUID.nameUUIDFromBytes(("connector-password " + id).getBytes(StandardCharsets.UTF_8));

        postgres.execute("postgres", "DROP DATABASE " + database + " WITH (FORCE)");
        api.call("DELETE", PIPELINES + "/" + id, null, 202);
        api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));

        assertThat(roleExists(postgres, role)).as("the role outlives its database").isFalse();
        assertThat(secretExists(password)).isFalse();
    }

    private boolean secretExists(UUID secretId) {
        return jdbc.queryForObject("SELECT count(*) FROM secret WHERE secret_id = ?", Long.class, secretId) > 0;
    }

    private static boolean roleExists(PostgresServer postgres, String role) {
        try (Connection connection = postgres.connect("postgres");
             PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> ofPipeline(JsonNode orphans, String pipelineId) {
        List<JsonNode> rows = new ArrayList<>();
        orphans.forEach(row -> {
            if (pipelineId.equals(row.get("pipeline_id").asText())) {
                rows.add(row);
            }
        });
        return rows;
    }
}
