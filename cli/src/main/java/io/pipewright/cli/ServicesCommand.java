package io.pipewright.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pipewright services ...}: the PostgreSQL and Kafka services registered, and registering one. */
@Command(name = "services", mixinStandardHelpOptions = true, description = "Managed services (PostgreSQL, Kafka).")
final class ServicesCommand {

    private static final List<Output.Column> COLUMNS = List.of(new Output.Column("ID", "/id"),
            new Output.Column("NAME", "/name"), new Output.Column("TYPE", "/database_type"),
            new Output.Column("ZONE", "/zone"), new Output.Column("STATUS", "/status"),
            new Output.Column("REASON", "/status_reason"));

    @ParentCommand
    PipewrightCli root;

    @Command(name = "list", description = "Services you can see.")
    int list(@Option(names = "--limit", description = "Services per page (1 to 1000; default 100).") Integer limit,
             @Option(names = "--all", description = "Follow the pages to the end.") boolean all) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", limit == null ? null : limit.toString());
        ApiClient.Rows services = root.client().list("/managed-services", query, all);
        root.output().rows(services.rows(), COLUMNS);
        if (services.nextPageToken().isPresent()) {
            root.output().note("(more: --all)");
        }
        return ExitCode.OK;
    }

    @Command(name = "get", description = "One service: its endpoints (never its password) and probe status.")
    int get(@Parameters(paramLabel = "ID") String id) {
        root.output().object(root.client().get("/managed-services/" + Ids.checked(id), Map.of()));
        return ExitCode.OK;
    }

    @Command(name = "register", description = {"Register a service from its JSON registration (see the README).",
        "The password travels in the file, never on the command line."})
    int register(@Option(names = "--file", required = true, paramLabel = "FILE",
                         description = "The registration as JSON ('-': stdin).") Path file) {
        root.output().object(root.client().send("POST", "/managed-services", ApiClient.readJson(file)));
        return ExitCode.OK;
    }
}
