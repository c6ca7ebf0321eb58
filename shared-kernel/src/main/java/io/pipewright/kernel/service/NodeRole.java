package io.pipewright.kernel.service;

/** The role a PostgreSQL node had when it was registered; the primary watch finds the current one. */
public enum NodeRole {
    PRIMARY,
    STANDBY
}
