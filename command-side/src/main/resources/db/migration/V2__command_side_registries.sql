-- Set-wide rules the aggregates cannot check alone, written in the same transaction as the events they guard.

CREATE TABLE service_registry (
    service_id      UUID        NOT NULL PRIMARY KEY,
    organization_id UUID        NOT NULL,
    name            TEXT        NOT NULL,
    database_type   TEXT        NOT NULL,
    UNIQUE (organization_id, name)
);

-- One row per pipeline that is not deleted: its name is taken and it keeps its services in use.
CREATE TABLE pipeline_registry (
    pipeline_id       UUID NOT NULL PRIMARY KEY,
    organization_id   UUID NOT NULL,
    name              TEXT NOT NULL,
    source_service_id UUID NOT NULL,
    sink_service_id   UUID NOT NULL,
    UNIQUE (organization_id, name)
);
CREATE INDEX pipeline_registry_source ON pipeline_registry (source_service_id);
CREATE INDEX pipeline_registry_sink ON pipeline_registry (sink_service_id);

-- Secrets (service admin passwords, generated connector passwords), AES-GCM encrypted; events hold only the id.
CREATE TABLE secret (
    secret_id  UUID        NOT NULL PRIMARY KEY,
    key_id     TEXT        NOT NULL,
    nonce      BYTEA       NOT NULL,
    ciphertext BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
