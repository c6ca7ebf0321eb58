package io.pipewright.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code bin/pipewright pipelines|services|tokens ...}: the REST API from a shell, for people (tables) and scripts
 * ({@code --output json}, {@link ExitCode exit codes}). It talks to the control plane {@code bin/pipewright up} started
 * (its {@code up.json}) unless told otherwise; see {@link ApiTarget} for where the URL and credentials come from.
 */
@Command(name = "pipewright", mixinStandardHelpOptions = true,
        description = "Manage Pipewright pipelines, services and API tokens through the REST API.",
        subcommands = {PipelinesCommand.class, ServicesCommand.class, TokensCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (with --wait: the pipeline reached the state asked for)",
            "1:the API refused the request (4xx: bad input, not found, conflict, no permission)",
            "2:wrong command line",
            "3:--wait ended with the pipeline Failed",
            "4:--wait gave up after --timeout",
            "5:the API could not be reached, answered 5xx, or no URL or credentials were found"})
public final class PipewrightCli {

    @Option(names = "--api-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The control plane's URL (default: PIPEWRIGHT_API_URL, else up.json's api_url).")
    String apiUrl;

    @Option(names = "--organization", scope = ScopeType.INHERIT, paramLabel = "ID",
            description = "The organization of pipelines (default: PIPEWRIGHT_ORGANIZATION, else up.json's).")
    String organization;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, defaultValue = "table", paramLabel = "FORMAT",
            description = "table (for people) or json (the API's JSON, for scripts). Default: ${DEFAULT-VALUE}.")
    Output.Format format;

    @Option(names = "--up-file", scope = ScopeType.INHERIT, defaultValue = "${sys:pipewright.up-file:-.pipewright/up.json}", paramLabel = "FILE",
            description = "The up.json of bin/pipewright up to take the URL and credentials from."
                    + " Default: ${DEFAULT-VALUE}.")
    Path upFile;

    private Map<String, String> env = Map.of();
    private ApiClient client;
    private Output output;

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        PipewrightCli root = new PipewrightCli();
        root.env = env;
        CommandLine commandLine = new CommandLine(root);
        commandLine.setExecutionExceptionHandler((failure, line, parsed) -> {
            if (failure instanceof CliFailure known) {
                line.getErr().println("error: " + known.getMessage());
                line.getErr().flush();
                return known.exitCode();
            }
            throw failure;
        });
        return commandLine.execute(args);
    }

    ApiClient client() {
        if (client == null) {
            client = new ApiClient(ApiTarget.resolve(apiUrl, organization, upFile, env));
        }
        return client;
    }

    Output output() {
        if (output == null) {
            output = new Output(format, new PrintWriter(System.out, true));
        }
        return output;
    }
}
