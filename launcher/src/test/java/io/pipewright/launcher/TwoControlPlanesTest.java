package io.pipewright.launcher;

import static io.pipewright.launcher.ControlPlaneProcesses.ORGANIZATION;
import static io.pipewright.launcher.ControlPlaneProcesses.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The design allows several control-plane nodes on one database; this proves it on the real stack. Two control-plane
 * processes share one control-plane database; 20 pipelines, each over a tiny table of its own, are created and some of
 * them deleted through either node in a seeded random order, while one node is SIGKILLed mid-way and started again on
 * the same database. Once everything has settled, each live pipeline has exactly one role, pg_hba line, publication,
 * slot, connector and secret file, a deleted one has none, pg_hba.conf without the live lines is line for line what
 * it was, and both nodes' views (list, GET, status) agree with the event store. A failure names the seed; run again with
 * {@code -Dpipewright.two-control-planes.seed=<seed>} to replay the same order.
 */
class TwoControlPlanesTest {

    private static final int PIPELINES = 20;
    private static final int DELETED = 8;
    private static final String SEED_PROPERTY = "pipewright.two-control-planes.seed";
    private static final String[] QUICK_CHECKS = {"--pipewright.health.check-interval=PT5S",
            "--pipewright.health.tick=PT1S"};

    static LocalStack stack;

    /** The control planes' logs, kept for a failure's diagnosis. */
    private final Path work = Path.of("target", "two-control-planes", UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().workDirectory(Path.of("target", "two-control-planes-stack")).start();
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    @Test
    void twoNodesOneKilledAndRestartedLeaveExactlyTheLivePipelinesResources() throws Exception {
        long seed = Long.getLong(SEED_PROPERTY, new SecureRandom().nextLong());
        System.out.println("TwoControlPlanesTest seed " + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + ")");
        Files.createDirectories(work);
        try (ControlPlaneProcesses controlPlanes = new ControlPlaneProcesses(stack, work)) {
            runWith(new Random(seed), controlPlanes);
        } catch (Throwable failure) {
            throw new AssertionError("failed with seed " + seed + "; replay with -D" + SEED_PROPERTY + "=" + seed
                    + "; control-plane logs in " + work, failure);
        }
    }

    private void runWith(Random random, ControlPlaneProcesses controlPlanes) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> tables = createTinyTables(run);
        List<String> hbaBefore = Files.readAllLines(stack.source().hbaFile());
        String database = "control_plane_" + run;
        stack.controlPlaneDatabase().createDatabase(database);
        Path holds = Files.createDirectories(work.resolve("holds"));

        Map<String, String> nodes = new LinkedHashMap<>();
        nodes.put("a", controlPlanes.start(database, holds, "a", QUICK_CHECKS));
        nodes.put("b", controlPlanes.start(database, holds, "b", QUICK_CHECKS));
        List<String> services = controlPlanes.registerServices(nodes.get("a"), run);

        List<Operation> operations = plan(random);
        int killAt = PIPELINES / 2 + random.nextInt(PIPELINES / 2);
        String victim = random.nextBoolean() ? "a" : "b";
        String restarted = victim + "-restarted";
        int restartAt = killAt + 3;
        System.out.println("TwoControlPlanesTest operations " + operations + "; " + victim + " killed before "
                + killAt + ", restarted before " + restartAt);

        String pipelines = "/organizations/" + ORGANIZATION + "/pipelines";
        List<String> ids = new ArrayList<>();
        Set<String> deleted = new HashSet<>();
        for (int index = 0; index < operations.size(); index++) {
            if (index == killAt) {
                controlPlanes.kill(victim);
                nodes.remove(victim);
            }
            if (index == restartAt) {
                nodes.put(restarted, controlPlanes.start(database, holds, restarted, QUICK_CHECKS));
            }
            List<String> up = new ArrayList<>(nodes.values());
            String api = up.get(random.nextInt(up.size()));
            Operation operation = operations.get(index);
            if (operation.create()) {
                int number = operation.pipeline();
                ids.add(call(api, "POST", pipelines, Map.of(
                        "name", "two-nodes-" + run + "-" + number,
                        "pipeline_type", "cdc_pg_to_kafka", "source_service_id", services.get(0),
                        "sink_service_id", services.get(1),
                        "config", Map.of("tables", List.of(tables.get(number)),
                                "topic_prefix", "twonodes" + run + number)), 202).get("id").asText());
            } else {
                String id = ids.get(operation.pipeline());
                call(api, "DELETE", pipelines + "/" + id, null, 202);
                deleted.add(id);
            }
            // A seeded pause, not a wait for anything: the next operation meets the others at another step.
            Thread.sleep(random.nextInt(1500));
        }
        Set<String> live = ids.stream().filter(id -> !deleted.contains(id)).collect(Collectors.toSet());

        String anyNode = nodes.values().iterator().next();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                .failFast("a pipeline failed", () -> failed(anyNode, pipelines))
                .untilAsserted(() -> {
                    assertThat(statuses(anyNode, pipelines)).as("the views of the live pipelines")
                            .isEqualTo(live.stream().collect(Collectors.toMap(id -> id, id -> "Running")));
                    for (String id : deleted) {
                        assertThat(types(call(anyNode, "GET", pipelines + "/" + id + "/events", null, 200)))
                                .as("events of deleted pipeline %s", id).endsWith("PipelineDeleted");
                    }
                });

        assertSourceAndWorkerHoldExactly(ids, live, hbaBefore);
        for (String api : nodes.values()) {
            assertViewsMatchTheEventStore(api, database, pipelines, live, deleted);
        }
    }

    /** Creates of all pipelines in order, and deletes of some, each placed at a random point after its create. */
    private static List<Operation> plan(Random random) {
        List<Operation> operations = new ArrayList<>();
        IntStream.range(0, PIPELINES).forEach(number -> operations.add(new Operation(true, number)));
        List<Integer> numbers = new ArrayList<>(IntStream.range(0, PIPELINES).boxed().toList());
        Collections.shuffle(numbers, random);
        for (int number : numbers.subList(0, DELETED)) {
            int created = operations.indexOf(new Operation(true, number));
            operations.add(created + 1 + random.nextInt(operations.size() - created), new Operation(false, number));
        }
        return operations;
    }

    private static List<String> createTinyTables(String run) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             Statement statement = connection.createStatement()) {
            for (int number = 0; number < PIPELINES; number++) {
                String table = "two_nodes_" + run + "_" + number;
                statement.execute("CREATE TABLE public." + table + " (id integer PRIMARY KEY, note text)");
                statement.execute("INSERT INTO public." + table + " VALUES (1, 'one row')");
                tables.add(table);
            }
        }
        return tables;
    }

    private static boolean failed(String api, String pipelines) throws Exception {
        return statuses(api, pipelines).containsValue("Failed");
    }

    private static Map<String, String> statuses(String api, String pipelines) throws Exception {
        Map<String, String> statuses = new LinkedHashMap<>();
        call(api, "GET", pipelines, null, 200).forEach(view ->
                statuses.put(view.get("id").asText(), view.get("status").asText()));
        return statuses;
    }

    private static List<String> types(JsonNode events) {
        List<String> types = new ArrayList<>();
        events.forEach(event -> types.add(event.get("type").asText()));
        return types;
    }

    private static void assertSourceAndWorkerHoldExactly(List<String> ids, Set<String> live, List<String> hbaBefore)
            throws Exception {
        Set<String> tags = live.stream().map(id -> "pipewright_" + id.replace("-", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(namesOnSource("SELECT rolname FROM pg_roles WHERE rolname LIKE 'pipewright\\_%'"))
                .as("roles").containsExactlyElementsOf(tags);
        assertThat(namesOnSource("SELECT pubname FROM pg_publication WHERE pubname LIKE 'pipewright\\_%'"))
                .as("publications").containsExactlyElementsOf(tags);
        assertThat(namesOnSource("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'pipewright\\_%'"))
                .as("slots").containsExactlyElementsOf(tags);
        List<String> hba = Files.readAllLines(stack.source().hbaFile());
        List<String> tagged = hba.stream().filter(line -> line.contains("# pipewright:"))
                .map(line -> line.substring(line.indexOf("# pipewright:") + "# pipewright:".length())).sorted()
                .toList();
        assertThat(tagged).as("pg_hba.conf lines").containsExactlyElementsOf(new TreeSet<>(live));
        assertThat(hba.stream().filter(line -> !line.contains("# pipewright:")).toList())
                .as("pg_hba.conf without the live pipelines' lines").isEqualTo(hbaBefore);

        List<String> connectors = new ArrayList<>();
        ControlPlaneProcesses.get(stack.connect().restUrl() + "/connectors")
                .forEach(name -> connectors.add(name.asText()));
        assertThat(connectors).as("connectors on the worker").containsExactlyInAnyOrderElementsOf(
                live.stream().map(id -> "mdb-pipeline-" + id.substring(0, 8)).toList());
        Set<String> ofThisRun = ids.stream().map(id -> "pipewright_" + id.replace("-", ""))
                .collect(Collectors.toSet());
        try (var files = Files.list(stack.connect().secretsPath())) {
            assertThat(files.map(file -> file.getFileName().toString()).filter(ofThisRun::contains).sorted()
                    .toList()).as("connector secret files of this run's pipelines").containsExactlyElementsOf(tags);
        }
    }

    private static List<String> namesOnSource(String sql) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * The event history a node shows is the event store's, and the status, connector state and presence its views
     * show are what those events lead to.
     */
    private static void assertViewsMatchTheEventStore(String api, String database, String pipelines, Set<String> live,
                                                      Set<String> deleted) throws Exception {
        assertThat(statuses(api, pipelines).keySet()).as("list on %s", api).containsExactlyInAnyOrderElementsOf(live);
        for (String id : live) {
            JsonNode events = call(api, "GET", pipelines + "/" + id + "/events", null, 200);
            assertThat(types(events)).as("events of %s on %s", id, api).isEqualTo(storedTypes(database, id));
            String connectorState = null;
            for (JsonNode event : events) {
                if (event.path("payload").path("connector_state").isTextual()) {
                    connectorState = event.get("payload").get("connector_state").asText();
                }
            }
            JsonNode view = call(api, "GET", pipelines + "/" + id, null, 200);
            assertThat(view.get("status").asText()).as("status of %s on %s", id, api)
                    .isEqualTo(statusAfter(types(events)));
            JsonNode status = call(api, "GET", "/pipelines/" + id + "/status", null, 200);
            assertThat(status.get("status").asText()).as("status view of %s on %s", id, api)
                    .isEqualTo(statusAfter(types(events)));
            assertThat(status.path("connector_state").asText(null)).as("connector state of %s on %s", id, api)
                    .isEqualTo(connectorState);
        }
        for (String id : deleted) {
            JsonNode events = call(api, "GET", pipelines + "/" + id + "/events", null, 200);
            assertThat(types(events)).as("events of %s on %s", id, api).isEqualTo(storedTypes(database, id))
                    .endsWith("PipelineDeleted");
            call(api, "GET", pipelines + "/" + id, null, 404);
            call(api, "GET", "/pipelines/" + id + "/status", null, 404);
        }
    }

    /** The lifecycle events fold into the status the reference names; the others leave it as it was. */
    private static String statusAfter(List<String> types) {
        String status = null;
        for (String type : types) {
            status = switch (type) {
                case "PipelineCreated" -> "Pending";
                case "ProvisionStepStarted" -> "Provisioning";
                case "PipelineRunning", "PipelineResumed" -> "Running";
                case "PipelinePaused" -> "Paused";
                case "PipelineFailed" -> "Failed";
                case "PipelineDeletionRequested" -> "Deleting";
                case "PipelineDeleted" -> "Deleted";
                default -> status;
            };
        }
        return status;
    }

    /** The pipeline's events as the control-plane database stores them, by sequence number. */
    private static List<String> storedTypes(String database, String id) throws Exception {
        List<String> types = new ArrayList<>();
        try (Connection connection = stack.controlPlaneDatabase().connect(database);
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ?
                     ORDER BY sequence_number""")) {
            statement.setString(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String payloadType = rows.getString(1);
                    types.add(payloadType.substring(payloadType.lastIndexOf('.') + 1));
                }
            }
        }
        return types;
    }

    /** A create of pipeline number {@code pipeline}, or a delete of it. */
    private record Operation(boolean create, int pipeline) {

        @Override
        public String toString() {
            return (create ? "create " : "delete ") + pipeline;
        }
    }
}
