-- How a pipeline's connector writes numeric values (Debezium's decimal.handling.mode). Pipelines created before the
-- field existed keep string, what their connectors run with, as their PipelineCreated events read back.
ALTER TABLE pipeline_view ADD COLUMN decimal_handling_mode TEXT NOT NULL DEFAULT 'string';
