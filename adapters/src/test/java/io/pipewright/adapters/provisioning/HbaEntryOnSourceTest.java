package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pipeline's pg_hba.conf line on a real PostgreSQL, in both ways Pipewright can edit the file. */
class HbaEntryOnSourceTest {

    private static final int PIPELINES = 6;
    private static final InMemoryVault VAULT = new InMemoryVault();

    private static LocalStack stack;
    private static HbaEntry hba;

    @BeforeAll
    static void startSource() {
        stack = LocalStack.builder().workDirectory(Path.of("target", "hba-stack")).withControlPlaneDatabase(false)
                .withKafka(false).withConnect(false).start();
        hba = new HbaEntry(new SourceAdmin(VAULT, ExternalCallLimits.defaults()));
    }

    @AfterAll
    static void stopSource() {
        stack.close();
    }

    @Test
    void pipelinesProvisionedTogetherEachKeepTheirLineAndLeaveTheFileAsItWas() throws Exception {
        byte[] before = Files.readAllBytes(stack.source().hbaFile());
        List<PipelineSpec> pipelines = pipelines(HbaManagement.FILE);

        inParallel(pipelines, pipeline -> hba.converge(pipeline, pipeline.sourceResourceName()));
        List<String> lines = Files.readAllLines(stack.source().hbaFile());
        for (PipelineSpec pipeline : pipelines) {
            assertThat(lines).filteredOn(line -> line.endsWith(HbaEntry.tag(pipeline))).hasSize(1);
        }
        assertThat(loadedRulesFor(pipelines)).isEqualTo(PIPELINES);

        inParallel(pipelines, pipeline -> {
            hba.remove(pipeline);
            return null;
        });
        assertThat(Files.readAllBytes(stack.source().hbaFile())).isEqualTo(before);
    }

    @Test
    void aSuperuserWithoutFileAccessEditsThroughSql() throws Exception {
        byte[] before = Files.readAllBytes(stack.source().hbaFile());
        List<PipelineSpec> pipelines = pipelines(HbaManagement.SUPERUSER_SQL);

        inParallel(pipelines, pipeline -> hba.converge(pipeline, pipeline.sourceResourceName()));
        assertThat(loadedRulesFor(pipelines)).isEqualTo(PIPELINES);

        inParallel(pipelines, pipeline -> {
            hba.remove(pipeline);
            return null;
        });
        assertThat(Files.readAllBytes(stack.source().hbaFile())).isEqualTo(before);
    }

    @Test
    void anExternallyManagedFileIsNeverTouched() throws Exception {
        byte[] before = Files.readAllBytes(stack.source().hbaFile());
        PipelineSpec pipeline = pipelines(HbaManagement.EXTERNAL).get(0);

        assertThat(hba.converge(pipeline, pipeline.sourceResourceName())).startsWith("external: host defaultdb ");
        hba.remove(pipeline);
        assertThat(Files.readAllBytes(stack.source().hbaFile())).isEqualTo(before);
    }

    /** Valid rules of the node's file, as PostgreSQL parses it, that carry one of the pipelines' roles. */
    private static int loadedRulesFor(List<PipelineSpec> pipelines) throws Exception {
        String roles = String.join("','", pipelines.stream().map(PipelineSpec::sourceResourceName).toList());
        try (var connection = stack.source().connect("postgres");
             var query = connection.createStatement();
             var rows = query.executeQuery("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NULL AND user_name[1] IN ('"
                     + roles + "')")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static <T> void inParallel(List<PipelineSpec> pipelines, Step<T> step) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(pipelines.size());
        try {
            List<Callable<T>> calls = pipelines.stream().<Callable<T>>map(pipeline -> () -> step.run(pipeline))
                    .toList();
            for (Future<T> result : threads.invokeAll(calls)) {
                result.get();
            }
        } finally {
            threads.shutdown();
        }
    }

    private interface Step<T> {
        T run(PipelineSpec pipeline) throws Exception;
    }

    private static List<PipelineSpec> pipelines(HbaManagement management) {
        PostgresServer server = stack.source();
        PostgresEndpoint postgres = new PostgresEndpoint(
                List.of(new PostgresNode(server.host(), server.port(), NodeRole.PRIMARY)), "postgres",
                server.superuser(), VAULT.vaulted(server.superuserPassword()), management);
        ServiceRecord source = new ServiceRecord(UUID.randomUUID(), new ServiceDescription("source",
                ServiceType.POSTGRESQL, "17", "local", null, null, null, List.of()), "local", postgres, null,
                ServiceStatus.RUNNING, Map.of());
        ServiceRecord sink = new ServiceRecord(UUID.randomUUID(), new ServiceDescription("sink", ServiceType.KAFKA,
                "4", "local", null, null, null, List.of(ServiceDescription.KAFKA_CONNECT_ADDON)), "local",
                null, new KafkaEndpoint("127.0.0.1:9092", new KafkaConnectEndpoint("http://127.0.0.1:8083",
                PluginInstallation.PREINSTALLED, null, null)), ServiceStatus.RUNNING, Map.of());
        PipelineConfig config = new PipelineConfig(LocalStack.SOURCE_DATABASE, List.of(), "test",
                SnapshotMode.INITIAL, false);
        return IntStream.range(0, PIPELINES)
                .mapToObj(unused -> new PipelineSpec(UUID.randomUUID(), "hba", config, source, sink, false)).toList();
    }
}
