-- One row per DAG pipeline that is not deleted: its name is taken in its organization, and the API finds the
-- organization of a pipeline id here (written in the same transaction as the pipeline's events).
CREATE TABLE dag_pipeline_registry (
    pipeline_id     UUID NOT NULL PRIMARY KEY,
    organization_id UUID NOT NULL,
    name            TEXT NOT NULL,
    UNIQUE (organization_id, name)
);
