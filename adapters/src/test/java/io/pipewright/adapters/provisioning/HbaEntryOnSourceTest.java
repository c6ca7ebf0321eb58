package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.adapters.support.LocalEndpoints;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
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
import io.pipewright.kernel.service.SslMode;
import io.pipewright.localstack.HbaPolicy;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.StepFailed;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's pg_hba.conf line on a real PostgreSQL, in both ways Pipewright can edit the file, on a source with a
 * hot standby too.
 */
class HbaEntryOnSourceTest {

    private static final int PIPELINES = 6;
    private static final InMemoryVault VAULT = new InMemoryVault();
    private static final Path WORK = Path.of("target", "hba-stack").toAbsolutePath();
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(2);

    private static LocalStack stack;
    private static PostgresServer primary;
    private static PostgresServer standby;
    private static HbaEntry hba;

    @BeforeAll
    static void startSource() {
        stack = LocalStack.builder().workDirectory(WORK).withControlPlaneDatabase(false)
                .withKafka(false).withConnect(false).start();
        Path pair = WORK.resolve("with-standby-" + UUID.randomUUID());
        primary = PostgresServer.builder().name("hba-primary").dataDirectory(pair.resolve("primary"))
                .workDirectory(WORK).hbaPolicy(HbaPolicy.SUPERUSER_ONLY).start();
        primary.createDatabase(LocalStack.SOURCE_DATABASE);
        standby = primary.createStandby(pair.resolve("standby"));
        hba = hbaEntry(WORK);
    }

    @AfterAll
    static void stopSource() {
        standby.stop();
        primary.stop();
        stack.close();
    }

    private static HbaEntry hbaEntry(Path allowedRoot) {
        return new HbaEntry(new SourceAdmin(VAULT, LocalEndpoints.POLICY, ExternalCallLimits.defaults()),
                new HostPathPolicy(List.of(allowedRoot.toString())), LOCK_TIMEOUT);
    }

    @Test
    void pipelinesProvisionedTogetherEachKeepTheirLineAndLeaveTheFileAsItWas() throws Exception {
        byte[] before = Files.readAllBytes(stack.source().hbaFile());
        List<PipelineSpec> pipelines = pipelines(HbaManagement.FILE);

        inParallel(pipelines, pipeline -> hba.converge(pipeline));
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

        inParallel(pipelines, pipeline -> hba.converge(pipeline));
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

        assertThat(hba.converge(pipeline)).startsWith("external: host defaultdb ");
        hba.remove(pipeline);
        assertThat(Files.readAllBytes(stack.source().hbaFile())).isEqualTo(before);
    }

    @Test
    void aSuperuserEditsEveryNodeThroughSqlAHotStandbyIncluded() throws Exception {
        for (PostgresServer node : List.of(primary, standby)) {
            Files.writeString(node.hbaFile(), "#\ta comment with a tab\n\n", StandardOpenOption.APPEND);
        }
        byte[] primaryBefore = Files.readAllBytes(primary.hbaFile());
        byte[] standbyBefore = Files.readAllBytes(standby.hbaFile());
        List<PipelineSpec> pipelines = pipelines(HbaManagement.SUPERUSER_SQL, primaryAndStandby(),
                LocalStack.SOURCE_DATABASE);

        inParallel(pipelines, pipeline -> hba.converge(pipeline));
        for (PostgresServer node : List.of(primary, standby)) {
            assertThat(loadedRulesFor(node, pipelines)).isEqualTo(PIPELINES);
            assertThat(Files.readString(node.hbaFile())).contains("#\ta comment with a tab\n\n");
        }

        inParallel(pipelines, pipeline -> {
            hba.remove(pipeline);
            return null;
        });
        assertThat(Files.readAllBytes(primary.hbaFile())).isEqualTo(primaryBefore);
        assertThat(Files.readAllBytes(standby.hbaFile())).isEqualTo(standbyBefore);
    }

    @Test
    void aSymlinkedFileIsEditedAtItsTargetAndKeepsItsMode() throws Exception {
        Path configured = stack.source().hbaFile();
        Path target = Files.createDirectories(WORK.resolve("elsewhere-" + UUID.randomUUID())).resolve("pg_hba.conf");
        Files.move(configured, target);
        Files.createSymbolicLink(configured, target);
        Set<PosixFilePermission> mode = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(target, mode);
        try {
            byte[] before = Files.readAllBytes(target);
            PipelineSpec pipeline = pipelines(HbaManagement.FILE).get(0);

            hba.converge(pipeline);
            assertThat(Files.isSymbolicLink(configured)).isTrue();
            assertThat(Files.readAllLines(target)).filteredOn(line -> line.endsWith(HbaEntry.tag(pipeline))).hasSize(1);
            assertThat(Files.getPosixFilePermissions(target)).isEqualTo(mode);
            assertThat(loadedRulesFor(stack.source(), List.of(pipeline))).isEqualTo(1);

            hba.remove(pipeline);
            assertThat(Files.readAllBytes(target)).isEqualTo(before);
            assertThat(Files.getPosixFilePermissions(target)).isEqualTo(mode);
        } finally {
            Files.delete(configured);
            Files.move(target, configured);
        }
    }

    @Test
    void aSymlinkPlantedAtTheOldStagingNameIsNeverFollowed() throws Exception {
        Path victim = Files.writeString(WORK.resolve("victim-" + UUID.randomUUID()), "not pg_hba.conf\n");
        Path planted = stack.source().hbaFile().resolveSibling("pg_hba.conf.pipewright");
        Files.createSymbolicLink(planted, victim);
        try {
            PipelineSpec pipeline = pipelines(HbaManagement.FILE).get(0);
            hba.converge(pipeline);
            hba.remove(pipeline);

            assertThat(Files.readString(victim)).isEqualTo("not pg_hba.conf\n");
            assertThat(Files.isSymbolicLink(planted)).isTrue();
        } finally {
            Files.delete(planted);
        }
    }

    @Test
    void aFileOutsideTheAllowedRootsIsNotEdited() throws Exception {
        byte[] before = Files.readAllBytes(stack.source().hbaFile());
        PipelineSpec pipeline = pipelines(HbaManagement.FILE).get(0);
        HbaEntry confined = hbaEntry(Files.createDirectories(WORK.resolve("another-root")));

        assertThatThrownBy(() -> confined.converge(pipeline))
                .isInstanceOf(StepFailed.class).hasMessageContaining("not under one of the allowed roots");
        assertThat(Files.readAllBytes(stack.source().hbaFile())).isEqualTo(before);
    }

    @Test
    void aFileThatWasInvalidBeforeIsReportedAndLeftAsItIs() throws Exception {
        Path file = stack.source().hbaFile();
        byte[] valid = Files.readAllBytes(file);
        Files.writeString(file, "hostnonsense all all all trust\n", StandardOpenOption.APPEND);
        try {
            byte[] invalid = Files.readAllBytes(file);
            for (HbaManagement management : List.of(HbaManagement.FILE, HbaManagement.SUPERUSER_SQL)) {
                PipelineSpec pipeline = pipelines(management).get(0);
                assertThatThrownBy(() -> hba.converge(pipeline))
                        .isInstanceOf(StepFailed.class).hasMessageContaining("was invalid before Pipewright's edit");
                assertThat(Files.readAllBytes(file)).isEqualTo(invalid);
            }
        } finally {
            Files.write(file, valid);
        }
    }

    @Test
    void anEditWaitsForAnotherSessionsLockOnlyUpToTheLockTimeout() throws Exception {
        byte[] before = Files.readAllBytes(stack.source().hbaFile());
        PipelineSpec pipeline = pipelines(HbaManagement.FILE).get(0);
        try (Connection holder = stack.source().connect("postgres");
             Statement lock = holder.createStatement()) {
            lock.execute("SELECT pg_advisory_lock(" + 0x70775f686261L + ")");

            assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                    assertThatThrownBy(() -> hba.converge(pipeline))
                            .hasMessageContaining("is being edited by another session"));
        }
        assertThat(Files.readAllBytes(stack.source().hbaFile())).isEqualTo(before);
    }

    @Test
    void aDatabaseNamedLikeAKeywordIsQuotedSoItAdmitsToThatDatabaseOnly() throws Exception {
        PostgresServer source = stack.source();
        source.execute("postgres", "CREATE DATABASE \"all\"");
        PipelineSpec pipeline = pipelines(HbaManagement.FILE, source, "all").get(0);
        String role = pipeline.sourceResourceName();
        source.execute("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'keyword-test-password'");
        try {
            hba.converge(pipeline);
            assertThat(Files.readAllLines(source.hbaFile())).contains(HbaEntry.desiredLine(pipeline, role))
                    .anyMatch(line -> line.startsWith("host \"all\" " + role + " "));

            connectAs(source, role, "all").close();
            assertThatThrownBy(() -> connectAs(source, role, "postgres").close()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("pg_hba.conf");
        } finally {
            hba.remove(pipeline);
            source.execute("postgres", "DROP DATABASE \"all\"");
            source.execute("postgres", "DROP ROLE " + role);
        }
    }

    private static Connection connectAs(PostgresServer server, String role, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database,
                role, "keyword-test-password");
    }

    /** Valid rules of the node's file, as PostgreSQL parses it, that carry one of the pipelines' roles. */
    private static int loadedRulesFor(List<PipelineSpec> pipelines) throws Exception {
        return loadedRulesFor(stack.source(), pipelines);
    }

    private static int loadedRulesFor(PostgresServer node, List<PipelineSpec> pipelines) throws Exception {
        String roles = String.join("','", pipelines.stream().map(PipelineSpec::sourceResourceName).toList());
        try (var connection = node.connect("postgres");
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
        return pipelines(management, stack.source(), LocalStack.SOURCE_DATABASE);
    }

    private static List<PipelineSpec> pipelines(HbaManagement management, PostgresServer server, String database) {
        return pipelines(management, List.of(new PostgresNode(server.host(), server.port(), NodeRole.PRIMARY)),
                server, database);
    }

    private static List<PipelineSpec> pipelines(HbaManagement management, List<PostgresNode> nodes, String database) {
        return pipelines(management, nodes, primary, database);
    }

    private static List<PostgresNode> primaryAndStandby() {
        return List.of(new PostgresNode(primary.host(), primary.port(), NodeRole.PRIMARY),
                new PostgresNode(standby.host(), standby.port(), NodeRole.STANDBY));
    }

    private static List<PipelineSpec> pipelines(HbaManagement management, List<PostgresNode> nodes,
                                                PostgresServer server, String database) {
        PostgresEndpoint postgres = new PostgresEndpoint(nodes, "postgres",
                server.superuser(), VAULT.vaulted(server.superuserPassword()), management, SslMode.REQUIRE, null);
        ServiceRecord source = new ServiceRecord(UUID.randomUUID(), new ServiceDescription("source",
                ServiceType.POSTGRESQL, "17", "local", null, null, null, List.of()), "local", postgres, null,
                ServiceStatus.RUNNING, Map.of());
        ServiceRecord sink = new ServiceRecord(UUID.randomUUID(), new ServiceDescription("sink", ServiceType.KAFKA,
                "4", "local", null, null, null, List.of(ServiceDescription.KAFKA_CONNECT_ADDON)), "local",
                null, new KafkaEndpoint("127.0.0.1:9092", new KafkaConnectEndpoint("http://127.0.0.1:8083",
                PluginInstallation.PREINSTALLED, null, null, null, null, null), null),
                ServiceStatus.RUNNING, Map.of());
        PipelineConfig config = new PipelineConfig(database, List.of(), "test",
                SnapshotMode.INITIAL, false, DecimalHandlingMode.DOUBLE);
        return IntStream.range(0, PIPELINES)
                .mapToObj(unused -> new PipelineSpec(UUID.randomUUID(), "hba", config, source, sink, false)).toList();
    }
}
