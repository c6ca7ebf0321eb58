-- Healing: a pipeline's own retry window (NULL: the control plane's pipewright.healing.retry-window), and, while its
-- connector is being restarted, the restarts of the current outage and when the reconciler looks again. Written by
-- the pipeline projection; pipelines recorded before start with no window of their own and no outage.
ALTER TABLE pipeline_view ADD COLUMN retry_window_minutes INTEGER;
ALTER TABLE pipeline_view ADD COLUMN restart_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pipeline_view ADD COLUMN next_attempt_at TIMESTAMPTZ;
