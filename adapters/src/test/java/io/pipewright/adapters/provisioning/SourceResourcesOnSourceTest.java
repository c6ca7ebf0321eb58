package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.adapters.support.LocalEndpoints;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.policy.HostPathPolicy;
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
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.PipelineResource;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Each resource class of the source on a real PostgreSQL 17: converged, it is observed as desired and the orphan
 * sweep's discovery finds it, tagged with its pipeline; removed, it is observed absent and found no more. The control
 * plane's records (replica identity changes, uncaptured tables) live in a database of the same server.
 */
class SourceResourcesOnSourceTest {

    private static final InMemoryVault VAULT = new InMemoryVault();
    private static final Path WORK = Path.of("target", "resources-stack").toAbsolutePath();
    private static final String RECORDS = "control_plane_records";

    private static LocalStack stack;
    private static ServiceRecord source;
    private static String database;
    private static ReplicationRole role;
    private static HbaEntry hba;
    private static ReplicaIdentity replicaIdentity;
    private static Publication publication;
    private static ReplicationSlot slot;

    @BeforeAll
    static void startSource() throws Exception {
        stack = LocalStack.builder().workDirectory(WORK).withControlPlaneDatabase(false)
                .withKafka(false).withConnect(false).start();
        PostgresServer server = stack.source();
        database = "resources_" + UUID.randomUUID().toString().substring(0, 8);
        server.createDatabase(database);
        server.execute(database, "CREATE TABLE public.keyless (v int); CREATE TABLE public.keyed (id int PRIMARY KEY)");
        server.createDatabase(RECORDS);
        server.execute(RECORDS, """
                CREATE TABLE IF NOT EXISTS replica_identity_change (pipeline_id UUID NOT NULL,
                    database_name TEXT NOT NULL, table_name TEXT NOT NULL, previous_identity TEXT NOT NULL,
                    PRIMARY KEY (pipeline_id, table_name));
                CREATE TABLE IF NOT EXISTS uncaptured_table (pipeline_id UUID NOT NULL, table_name TEXT NOT NULL,
                    PRIMARY KEY (pipeline_id, table_name))""");
        DriverManagerDataSource records = new DriverManagerDataSource(server.jdbcUrl(RECORDS), server.superuser(),
                server.superuserPassword());
        JdbcTemplate jdbc = new JdbcTemplate(records);
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(records);

        source = new ServiceRecord(UUID.randomUUID(), new ServiceDescription("source", ServiceType.POSTGRESQL, "17",
                "local", null, null, null, List.of()), "local", new PostgresEndpoint(
                List.of(new PostgresNode(server.host(), server.port(), NodeRole.PRIMARY)), "postgres",
                server.superuser(), VAULT.vaulted(server.superuserPassword()), HbaManagement.FILE, SslMode.REQUIRE,
                null), null, ServiceStatus.RUNNING, Map.of());
        SourceAdmin admin = new SourceAdmin(VAULT, LocalEndpoints.POLICY, ExternalCallLimits.defaults());
        role = new ReplicationRole(admin, new ConnectorCredentials(VAULT));
        hba = new HbaEntry(admin, new HostPathPolicy(List.of(WORK.toString())), Duration.ofSeconds(10));
        replicaIdentity = new ReplicaIdentity(admin, new ReplicaIdentityChanges(jdbc, transactions));
        publication = new Publication(admin, replicaIdentity, new UncapturedTables(jdbc, transactions));
        slot = new ReplicationSlot(admin);
    }

    @AfterAll
    static void stopSource() {
        stack.close();
    }

    @Test
    void theReplicationRole() {
        PipelineSpec pipeline = pipeline();
        stack.source().execute("postgres", "CREATE ROLE pipewright_not_ours NOLOGIN");
        try {
            assertThat(role.converge(pipeline)).isEqualTo(pipeline.sourceResourceName());
            assertThat(role.observe(pipeline)).hasValue(role.desired(pipeline));
            assertThat(role.discoverTagged(source)).contains(tagged(TaggedResource.ROLE, pipeline, null))
                    .noneMatch(found -> found.name().equals("pipewright_not_ours"));

            role.remove(pipeline);
            assertThat(role.observe(pipeline)).isEmpty();
            assertThat(role.discoverTagged(source)).noneMatch(found -> pipeline.pipelineId().equals(found.pipelineId()));
        } finally {
            stack.source().execute("postgres", "DROP ROLE pipewright_not_ours");
        }
    }

    @Test
    void theHbaEntry() throws Exception {
        PipelineSpec pipeline = pipeline();
        byte[] before = Files.readAllBytes(stack.source().hbaFile());

        assertThat(hba.converge(pipeline)).isEqualTo(hba.desired(pipeline));
        assertThat(hba.observe(pipeline)).hasValue(hba.desired(pipeline));
        assertThat(hba.discoverTagged(source)).contains(new TaggedResource(TaggedResource.HBA_ENTRY,
                HbaEntry.tag(pipeline), node(), null, pipeline.pipelineId()));

        hba.remove(pipeline);
        assertThat(hba.observe(pipeline)).isEmpty();
        assertThat(hba.discoverTagged(source)).noneMatch(found -> pipeline.pipelineId().equals(found.pipelineId()));
        assertThat(Files.readAllBytes(stack.source().hbaFile())).isEqualTo(before);
    }

    /** Not tagged on the source: the control plane's record is what finds it again, so discovery finds none. */
    @Test
    void theReplicaIdentityChange() throws Exception {
        PipelineSpec pipeline = pipeline();

        replicaIdentity.converge(pipeline);
        assertThat(replicaIdentity.observe(pipeline)).hasValue(List.of("public.keyless"));
        assertThat(identityOf("public.keyless")).isEqualTo("f");
        assertThat(replicaIdentity.discoverTagged(source)).isEmpty();

        replicaIdentity.remove(pipeline);
        assertThat(replicaIdentity.observe(pipeline)).isEmpty();
        assertThat(identityOf("public.keyless")).isEqualTo("d");
    }

    @Test
    void thePublication() throws Exception {
        PipelineSpec pipeline = pipeline();
        replicaIdentity.converge(pipeline);
        try {
            assertThat(publication.converge(pipeline)).isEqualTo(pipeline.sourceResourceName());
            assertThat(publication.observe(pipeline)).hasValue(publication.desired(pipeline));
            assertThat(publication.discoverTagged(source)).contains(tagged(TaggedResource.PUBLICATION, pipeline,
                    database));

            publication.remove(pipeline);
            assertThat(publication.observe(pipeline)).isEmpty();
            assertThat(publication.discoverTagged(source))
                    .noneMatch(found -> pipeline.pipelineId().equals(found.pipelineId()));
        } finally {
            replicaIdentity.remove(pipeline);
        }
        assertThat(identityOf("public.keyless")).isEqualTo("d");
    }

    /** The connector's task creates the slot: converging it creates nothing, and the test creates it as the task does. */
    @Test
    void theReplicationSlot() {
        PipelineSpec pipeline = pipeline();

        assertThat(slot.converge(pipeline)).isEqualTo(pipeline.sourceResourceName());
        assertThat(slot.observe(pipeline)).isEmpty();
        stack.source().execute(database, "SELECT pg_create_logical_replication_slot('"
                + pipeline.sourceResourceName() + "', 'pgoutput')");
        assertThat(slot.observe(pipeline)).hasValue(slot.desired(pipeline));
        assertThat(slot.discoverTagged(source)).contains(tagged(TaggedResource.REPLICATION_SLOT, pipeline, null));

        slot.remove(pipeline);
        assertThat(slot.observe(pipeline)).isEmpty();
        assertThat(slot.discoverTagged(source)).noneMatch(found -> pipeline.pipelineId().equals(found.pipelineId()));
    }

    /** What the sweep found, removed as the sweep removes it, in its order: the source keeps nothing of it. */
    @Test
    void whatDiscoveryFindsTheSweepsRemovalTakesAway() {
        PipelineSpec pipeline = pipeline();
        role.converge(pipeline);
        hba.converge(pipeline);
        replicaIdentity.converge(pipeline);
        publication.converge(pipeline);
        stack.source().execute(database, "SELECT pg_create_logical_replication_slot('"
                + pipeline.sourceResourceName() + "', 'pgoutput')");
        List<PipelineResource<?>> tagged = List.of(slot, publication, hba, role);
        for (var resource : tagged) {
            List<TaggedResource> found = resource.discoverTagged(source).stream()
                    .filter(orphan -> pipeline.pipelineId().equals(orphan.pipelineId())).toList();
            assertThat(found).as(resource.kind()).hasSize(1);
            resource.removeTagged(source, found.get(0));
        }
        for (var resource : tagged) {
            assertThat(resource.observe(pipeline)).as(resource.kind()).isEmpty();
        }
        replicaIdentity.remove(pipeline);
    }

    private static TaggedResource tagged(String kind, PipelineSpec pipeline, String inDatabase) {
        return new TaggedResource(kind, pipeline.sourceResourceName(), node(), inDatabase, pipeline.pipelineId());
    }

    private static String node() {
        return stack.source().host() + ":" + stack.source().port();
    }

    private static String identityOf(String table) throws Exception {
        try (Connection connection = stack.source().connect(database);
             Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT relreplident::text FROM pg_class WHERE oid = '"
                     + table + "'::regclass")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static PipelineSpec pipeline() {
        ServiceRecord sink = new ServiceRecord(UUID.randomUUID(), new ServiceDescription("sink", ServiceType.KAFKA,
                "4", "local", null, null, null, List.of(ServiceDescription.KAFKA_CONNECT_ADDON)), "local",
                null, new KafkaEndpoint("127.0.0.1:9092", new KafkaConnectEndpoint("http://127.0.0.1:8083",
                PluginInstallation.PREINSTALLED, null, null, null, null, null), null),
                ServiceStatus.RUNNING, Map.of());
        PipelineConfig config = new PipelineConfig(database, List.of("public.keyed", "public.keyless"), "test",
                SnapshotMode.INITIAL, true, DecimalHandlingMode.DOUBLE);
        return new PipelineSpec(UUID.randomUUID(), "resources", config, source, sink, false);
    }
}
