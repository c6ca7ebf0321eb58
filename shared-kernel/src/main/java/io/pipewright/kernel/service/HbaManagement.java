package io.pipewright.kernel.service;

import java.util.Arrays;
import java.util.Optional;

/** How Pipewright gets a pipeline's entry into each node's pg_hba.conf. */
public enum HbaManagement {
    /** The control plane writes the file named by {@code hba_file} on each node (it runs on the same host). */
    FILE("file"),
    /** The admin role is a superuser: read and rewrite the file through SQL. */
    SUPERUSER_SQL("superuser_sql"),
    /** Someone else manages pg_hba.conf; Pipewright records what entry is needed and does nothing. */
    EXTERNAL("external");

    private final String wireName;

    HbaManagement(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<HbaManagement> fromWireName(String value) {
        return Arrays.stream(values()).filter(mode -> mode.wireName.equals(value)).findFirst();
    }
}
