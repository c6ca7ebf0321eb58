package io.pipewright.localstack;

/** The signal that asks a child to shut down cleanly: INT is PostgreSQL's fast shutdown, TERM a JVM's orderly exit. */
enum StopSignal {
    INT,
    TERM
}
