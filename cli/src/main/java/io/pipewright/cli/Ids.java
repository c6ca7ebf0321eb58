package io.pipewright.cli;

import java.util.UUID;

/** Ids go into URL paths: only a UUID does, so a typo is a usage error here, not a strange request. */
final class Ids {

    private Ids() {
    }

    static String checked(String id) {
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CliFailure(ExitCode.USAGE, "not an id (a UUID): " + id);
        }
    }
}
