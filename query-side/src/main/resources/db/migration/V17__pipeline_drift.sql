-- What a health round does with a pipeline's resources altered past Pipewright (repair, or report only); pipelines
-- created before the field existed repair, as their PipelineCreated events read back.
ALTER TABLE pipeline_view ADD COLUMN drift_policy TEXT NOT NULL DEFAULT 'repair';

-- The drifts of each pipeline that are open (detected, neither repaired nor cleared since), for the status warnings
-- and for the health round, which clears those it no longer sees. Written by the pipeline projection.
CREATE TABLE pipeline_drift (
    pipeline_id UUID        NOT NULL,
    resource    TEXT        NOT NULL,
    expected    TEXT        NOT NULL,
    actual      TEXT        NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pipeline_id, resource)
);
