-- The query side's views, built from the event store by the projections in io.pipewright.query and rebuilt from
-- scratch by POST /operator/projections/rebuild. Columns hold wire values ("Running", "create_connector").
-- last_sequence is the aggregate sequence number of the last event applied; every write is guarded by it, so an
-- event delivered twice changes nothing.

-- A deleted pipeline keeps its row with status 'Deleted' and is left out of every answer.
CREATE TABLE pipeline_view (
    id                   UUID        NOT NULL PRIMARY KEY,
    organization_id      UUID        NOT NULL,
    name                 TEXT        NOT NULL,
    pipeline_type        TEXT        NOT NULL,
    source_service_id    UUID        NOT NULL,
    sink_service_id      UUID        NOT NULL,
    status               TEXT        NOT NULL,
    provision_step       TEXT,
    database_name        TEXT        NOT NULL,
    tables               TEXT[]      NOT NULL,
    topic_prefix         TEXT        NOT NULL,
    snapshot_mode        TEXT        NOT NULL,
    error_message        TEXT,
    connector_name       TEXT,
    connector_state      TEXT,
    task_states          JSONB,
    source_lag_bytes     BIGINT,
    last_health_check_at TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    last_sequence        BIGINT      NOT NULL
);
CREATE INDEX pipeline_view_live_by_organization ON pipeline_view (organization_id, created_at)
    WHERE status <> 'Deleted';

-- Connection details (jsonb) never include the admin password or its reference. A deregistered service keeps its
-- row, marked by deregistered_at, and is left out of every answer.
CREATE TABLE managed_service_view (
    id              UUID        NOT NULL PRIMARY KEY,
    organization_id UUID        NOT NULL,
    name            TEXT        NOT NULL,
    database_type   TEXT        NOT NULL,
    version         TEXT,
    zone            TEXT,
    peering_region  TEXT,
    plan_name       TEXT,
    storage_size_gb INTEGER,
    storage_tier    TEXT,
    addons          TEXT[]      NOT NULL,
    status          TEXT        NOT NULL,
    status_reason   TEXT,
    addon_status    JSONB       NOT NULL,
    postgresql      JSONB,
    kafka           JSONB,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    deregistered_at TIMESTAMPTZ,
    last_sequence   BIGINT      NOT NULL
);
CREATE INDEX managed_service_view_registered_by_organization ON managed_service_view (organization_id, created_at)
    WHERE deregistered_at IS NULL;
