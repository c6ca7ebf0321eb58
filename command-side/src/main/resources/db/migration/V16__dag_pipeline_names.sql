-- One row per DAG pipeline that is not deleted: its name is taken in its organization, and the API finds the
-- organization of a pipeline id here (written in the same transaction as the pipeline's events). The services it
-- runs on are counted when one is deregistered, as the CDC pipelines' are.
CREATE TABLE dag_pipeline_registry (
    pipeline_id         UUID NOT NULL PRIMARY KEY,
    organization_id     UUID NOT NULL,
    name                TEXT NOT NULL,
    postgres_service_id UUID,
    kafka_service_id    UUID,
    UNIQUE (organization_id, name)
);
CREATE INDEX dag_pipeline_registry_postgres ON dag_pipeline_registry (postgres_service_id);
CREATE INDEX dag_pipeline_registry_kafka ON dag_pipeline_registry (kafka_service_id);
