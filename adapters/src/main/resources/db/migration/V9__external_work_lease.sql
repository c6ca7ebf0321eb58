-- Work on a tenant's external services in flight, one row per subject (a pipeline or a service): serializes a
-- subject's work across control-plane nodes and bounds the work per organization and per service. A node renews
-- the leases it holds; a dead node's leases expire.
CREATE TABLE external_work_lease (
    subject_id      UUID        NOT NULL PRIMARY KEY,
    organization_id UUID        NOT NULL,
    service_ids     UUID[]      NOT NULL,
    holder          UUID        NOT NULL,
    node_id         UUID        NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX external_work_lease_organization ON external_work_lease (organization_id);
CREATE INDEX external_work_lease_node ON external_work_lease (node_id);

-- Written with PipelineDeletionRequested: from then on, only the teardown may call the pipeline's services.
ALTER TABLE pipeline_registry ADD COLUMN deletion_requested BOOLEAN NOT NULL DEFAULT false;
