-- How a pipeline's connector writes numeric values (Debezium's decimal.handling.mode). Pipelines created before the
-- field existed mean the default, double, as their PipelineCreated events read back.
ALTER TABLE pipeline_view ADD COLUMN decimal_handling_mode TEXT NOT NULL DEFAULT 'double';
