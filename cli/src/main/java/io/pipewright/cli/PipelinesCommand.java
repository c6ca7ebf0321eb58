package io.pipewright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pipewright pipelines ...}: list, read, create, pause, resume, restart and delete pipelines of one
 * organization.
 */
@Command(name = "pipelines", mixinStandardHelpOptions = true, description = "Pipelines of an organization.")
final class PipelinesCommand {

    private static final List<Output.Column> LIST_COLUMNS = List.of(new Output.Column("ID", "/id"),
            new Output.Column("NAME", "/name"), new Output.Column("STATUS", "/status"),
            new Output.Column("STEP", "/provision_step"), new Output.Column("TOPIC PREFIX", "/config/topic_prefix"),
            new Output.Column("TABLES", "/config/tables"), new Output.Column("CREATED", "/created_at"));
    private static final List<Output.Column> EVENT_COLUMNS = List.of(new Output.Column("SEQ", "/sequence"),
            new Output.Column("TIME", "/timestamp"), new Output.Column("EVENT", "/type"),
            new Output.Column("BY", "/caused_by"));

    @ParentCommand
    PipewrightCli root;

    @Command(name = "list", description = "Live pipelines in creation order.")
    int list(@Option(names = "--status", description = "Only pipelines with this status (e.g. Running).")
             String status,
             @Option(names = "--name-prefix", description = "Only pipelines whose name starts with this.")
             String namePrefix,
             @Option(names = "--limit", description = "Pipelines per page (1 to 1000; default 100).") Integer limit,
             @Option(names = "--all", description = "Follow the pages to the end.") boolean all) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("status", status);
        query.put("name_prefix", namePrefix);
        query.put("limit", limit == null ? null : limit.toString());
        ApiClient.Rows pipelines = root.client().list(pipelinesPath(), query, all);
        root.output().rows(pipelines.rows(), LIST_COLUMNS);
        if (pipelines.nextPageToken().isPresent()) {
            root.output().note("(more: --all, or narrow with --status / --name-prefix)");
        }
        return ExitCode.OK;
    }

    @Command(name = "get", description = "One pipeline: its configuration, status and step.")
    int get(@Parameters(paramLabel = "ID") String id) {
        root.output().object(root.client().get(pipelinesPath() + "/" + Ids.checked(id), Map.of()));
        return ExitCode.OK;
    }

    @Command(name = "status", description = "A pipeline's status, connector and health (lag, retained WAL).")
    int status(@Parameters(paramLabel = "ID") String id) {
        root.output().object(root.client().get("/pipelines/" + Ids.checked(id) + "/status", Map.of()));
        return ExitCode.OK;
    }

    @Command(name = "events", description = "A pipeline's audit trail, oldest first.")
    int events(@Parameters(paramLabel = "ID") String id,
               @Option(names = "--after-sequence", description = "Only events after this sequence number.")
               Long afterSequence,
               @Option(names = "--limit", description = "Events per page (1 to 1000; default 100).") Integer limit) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("after_sequence", afterSequence == null ? null : afterSequence.toString());
        query.put("limit", limit == null ? null : limit.toString());
        root.output().rows(root.client().get(pipelinesPath() + "/" + Ids.checked(id) + "/events", query),
                EVENT_COLUMNS);
        return ExitCode.OK;
    }

    @Command(name = "create", description = {"Create a pipeline (answers at once, Pending).",
        "Either --file with the request's JSON, or --name, --source, --sink and --table."})
    int create(@Option(names = "--file", paramLabel = "FILE", description = "The request body as JSON ('-': stdin).")
               Path file,
               @Option(names = "--name") String name,
               @Option(names = "--source", paramLabel = "SERVICE_ID") String source,
               @Option(names = "--sink", paramLabel = "SERVICE_ID") String sink,
               @Option(names = "--table", paramLabel = "TABLE", description = "A table to capture (repeat it).")
               List<String> tables,
               @Option(names = "--topic-prefix") String topicPrefix,
               @Option(names = "--snapshot-mode") String snapshotMode,
               @Option(names = "--decimal-handling-mode") String decimalHandlingMode,
               @Option(names = "--paused", description = "Provision it, but leave its connector paused.")
               boolean paused,
               @Option(names = "--wait", description = "Show each step, end when Running (or Paused) or Failed.")
               boolean wait,
               @Option(names = "--timeout", defaultValue = "PT10M", description = "How long --wait waits"
                       + " (ISO-8601 duration). Default: ${DEFAULT-VALUE}.") Duration timeout) {
        Object request = file != null ? ApiClient.readJson(file)
                : pipelineRequest(name, source, sink, tables, topicPrefix, snapshotMode, decimalHandlingMode, paused);
        JsonNode created = root.client().send("POST", pipelinesPath(), request);
        if (!wait) {
            root.output().object(created);
            return ExitCode.OK;
        }
        String id = created.get("id").asText();
        root.output().note("Created pipeline " + id + "; waiting for it to run...");
        boolean createdPaused = created.path("paused").asBoolean(paused) || paused;
        return waitFor(id, createdPaused ? "Paused" : "Running", timeout);
    }

    @Command(name = "pause", description = "Pause a Running pipeline's connector.")
    int pause(@Parameters(paramLabel = "ID") String id, @Option(names = "--wait") boolean wait,
              @Option(names = "--timeout", defaultValue = "PT5M") Duration timeout) {
        return act(id, "/pause", "Paused", wait, timeout);
    }

    @Command(name = "resume", description = "Resume a Paused pipeline.")
    int resume(@Parameters(paramLabel = "ID") String id, @Option(names = "--wait") boolean wait,
               @Option(names = "--timeout", defaultValue = "PT5M") Duration timeout) {
        return act(id, "/resume", "Running", wait, timeout);
    }

    @Command(name = "restart", description = {"Restart a Failed or degraded pipeline from where it stopped: the failed "
            + "step again, or its connector resumed on the same slot from its committed offsets.",
            "--resnapshot starts the capture over with a new snapshot of the same tables."})
    int restart(@Parameters(paramLabel = "ID") String id,
                @Option(names = "--resnapshot", description = "Drop the connector's offsets and slot and snapshot "
                        + "the tables again.") boolean resnapshot,
                @Option(names = "--wait", description = "End when the pipeline runs.") boolean wait,
                @Option(names = "--timeout", defaultValue = "PT10M") Duration timeout) {
        JsonNode answer = root.client().send("POST", pipelinesPath() + "/" + Ids.checked(id) + "/restart",
                Map.of("resnapshot", resnapshot));
        if (!wait) {
            root.output().object(answer);
            return ExitCode.OK;
        }
        return waitFor(id, "Running", timeout);
    }

    @Command(name = "delete", description = "Delete a pipeline and everything it created on the source and worker.")
    int delete(@Parameters(paramLabel = "ID") String id,
               @Option(names = "--wait", description = "End when everything is removed.") boolean wait,
               @Option(names = "--timeout", defaultValue = "PT10M") Duration timeout) {
        String path = pipelinesPath() + "/" + Ids.checked(id);
        JsonNode answer = root.client().send("DELETE", path, null);
        if (!wait) {
            root.output().object(answer);
            return ExitCode.OK;
        }
        return new PipelineWait(root.client(), root.output(), pipelinesPath(), id).untilGone(timeout);
    }

    private int act(String id, String action, String expected, boolean wait, Duration timeout) {
        JsonNode answer = root.client().send("POST", pipelinesPath() + "/" + Ids.checked(id) + action, null);
        if (!wait) {
            root.output().object(answer);
            return ExitCode.OK;
        }
        return waitFor(id, expected, timeout);
    }

    private int waitFor(String id, String expected, Duration timeout) {
        return new PipelineWait(root.client(), root.output(), pipelinesPath(), id).until(expected, timeout);
    }

    private String pipelinesPath() {
        return "/organizations/" + Ids.checked(root.client().target().requireOrganization()) + "/pipelines";
    }

    private static Map<String, Object> pipelineRequest(String name, String source, String sink, List<String> tables,
                                                       String topicPrefix, String snapshotMode,
                                                       String decimalHandlingMode, boolean paused) {
        if (name == null || source == null || sink == null) {
            throw new CliFailure(ExitCode.USAGE, "create needs --file, or --name, --source and --sink");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        Optional.ofNullable(tables).ifPresent(list -> config.put("tables", list));
        Optional.ofNullable(topicPrefix).ifPresent(prefix -> config.put("topic_prefix", prefix));
        Optional.ofNullable(snapshotMode).ifPresent(mode -> config.put("snapshot_mode", mode));
        Optional.ofNullable(decimalHandlingMode).ifPresent(mode -> config.put("decimal_handling_mode", mode));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", name);
        request.put("pipeline_type", "cdc_pg_to_kafka");
        request.put("source_service_id", source);
        request.put("sink_service_id", sink);
        request.put("config", config);
        if (paused) {
            request.put("paused", true);
        }
        return request;
    }
}
