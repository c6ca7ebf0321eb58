-- What the last orphan sweep found on each service: tagged by Pipewright, owned by no live pipeline. The API lists it,
-- the metric counts it, a removal request acts on it after looking again.
CREATE TABLE orphan_resource (
    service_id    UUID        NOT NULL,
    kind          TEXT        NOT NULL,
    name          TEXT        NOT NULL,
    node          TEXT        NOT NULL,
    database_name TEXT,
    pipeline_id   UUID,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service_id, kind, name, node)
);
