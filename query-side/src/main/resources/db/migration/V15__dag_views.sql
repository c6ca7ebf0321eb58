-- DAG pipelines (issue 14): the views GET /api/v1/pipelines... answer, built by io.pipewright.query.dag.DagProjection
-- from the DAG pipelines' and runs' events and rebuilt with the other projections. As in V3, last_sequence is the
-- aggregate sequence number of the last event applied to a row; every write is guarded by it, so an event delivered
-- twice changes nothing. Columns hold wire values ("running", "pending", "none").

-- A deleted pipeline keeps its row, marked by deleted_at, and is left out of every answer, its runs with it.
-- The schedule is the one configured (or the definition's at creation), NULL cron when it has none.
CREATE TABLE dag_pipeline (
    id                 UUID        NOT NULL PRIMARY KEY,
    organization_id    UUID        NOT NULL,
    name               TEXT        NOT NULL,
    latest_version     INTEGER     NOT NULL,
    schedule_cron      TEXT,
    schedule_time_zone TEXT,
    schedule_enabled   BOOLEAN     NOT NULL,
    schedule_catch_up  TEXT,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    deleted_at         TIMESTAMPTZ,
    last_sequence      BIGINT      NOT NULL
);
-- The list: the live pipelines of an organization by name (code-point order) and id, as the page token's keyset.
CREATE INDEX dag_pipeline_live_by_name ON dag_pipeline (organization_id, name COLLATE "C", id)
    WHERE deleted_at IS NULL;

-- Every version of a pipeline as it was written; a version never changes once created.
CREATE TABLE dag_pipeline_version (
    pipeline_id UUID        NOT NULL,
    version     INTEGER     NOT NULL,
    definition  JSONB       NOT NULL,
    author      TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pipeline_id, version)
);

-- A run from its start: the version it pinned, its status and when it ended. error: why it failed or was cancelled.
CREATE TABLE dag_run (
    id              UUID        NOT NULL PRIMARY KEY,
    pipeline_id     UUID        NOT NULL,
    organization_id UUID        NOT NULL,
    version         INTEGER     NOT NULL,
    status          TEXT        NOT NULL,
    execution_date  TEXT,
    trigger         TEXT,
    sla_missed      BOOLEAN     NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ,
    error           TEXT,
    last_sequence   BIGINT      NOT NULL
);
-- A pipeline's runs newest first, all of them or in one status; keyset (started_at, id) descending.
CREATE INDEX dag_run_by_pipeline ON dag_run (pipeline_id, started_at DESC, id DESC);
CREATE INDEX dag_run_by_pipeline_and_status ON dag_run (pipeline_id, status, started_at DESC, id DESC);

-- Each task of a run, in the definition's order (position). Written by the run's events, so last_sequence counts in
-- the run's stream like dag_run's. attempts: the number of the latest attempt started; error: of the latest failed
-- attempt, or why the task was skipped.
CREATE TABLE dag_run_task (
    run_id          UUID        NOT NULL,
    task_id         TEXT        NOT NULL,
    position        INTEGER     NOT NULL,
    type            TEXT        NOT NULL,
    depends_on      TEXT[]      NOT NULL,
    status          TEXT        NOT NULL,
    attempts        INTEGER     NOT NULL,
    started_at      TIMESTAMPTZ,
    ended_at        TIMESTAMPTZ,
    next_attempt_at TIMESTAMPTZ,
    rows_written    BIGINT,
    checks          JSONB,
    error           TEXT,
    last_sequence   BIGINT      NOT NULL,
    PRIMARY KEY (run_id, task_id)
);
