-- How often a pipeline's connector sends a heartbeat (and writes a logical message on the source); pipelines created
-- before the field existed get the default, as their PipelineCreated events read back.
ALTER TABLE pipeline_view ADD COLUMN heartbeat_interval_ms INTEGER NOT NULL DEFAULT 10000;
