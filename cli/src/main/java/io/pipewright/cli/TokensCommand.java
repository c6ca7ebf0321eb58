package io.pipewright.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pipewright tokens ...}: API tokens for automation; a new token's secret is shown once, at creation. */
@Command(name = "tokens", mixinStandardHelpOptions = true, description = "Your API tokens.")
final class TokensCommand {

    private static final List<Output.Column> COLUMNS = List.of(new Output.Column("ID", "/id"),
            new Output.Column("NAME", "/name"), new Output.Column("ORGANIZATION", "/organization_id"),
            new Output.Column("READ ONLY", "/read_only"), new Output.Column("EXPIRES", "/expires_at"),
            new Output.Column("REVOKED", "/revoked_at"));

    @ParentCommand
    PipewrightCli root;

    @Command(name = "create", description = "Create a token; its secret is printed once and never again.")
    int create(@Option(names = "--name", required = true) String name,
               @Option(names = "--expires-at", required = true, paramLabel = "INSTANT",
                       description = "ISO-8601, e.g. 2030-01-31T00:00:00Z; at most 366 days ahead.")
               String expiresAt,
               @Option(names = "--token-organization", paramLabel = "ID",
                       description = "Limit the token to this organization.") String organization,
               @Option(names = "--read-only", description = "The token may only read.") boolean readOnly) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", name);
        request.put("expires_at", expiresAt);
        if (organization != null) {
            request.put("organization_id", Ids.checked(organization));
        }
        if (readOnly) {
            request.put("read_only", true);
        }
        root.output().object(root.client().send("POST", "/tokens", request));
        return ExitCode.OK;
    }

    @Command(name = "list", description = "Your tokens (never their secrets).")
    int list() {
        root.output().rows(root.client().get("/tokens", Map.of()), COLUMNS);
        return ExitCode.OK;
    }

    @Command(name = "revoke", description = "Revoke a token at once.")
    int revoke(@Parameters(paramLabel = "ID") String id) {
        root.client().send("DELETE", "/tokens/" + Ids.checked(id), null);
        root.output().note("Revoked " + id);
        return ExitCode.OK;
    }
}
