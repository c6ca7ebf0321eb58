-- Once deletion was requested a pipeline is never checked again, whatever event arrives after (a re-pointing that
-- completes late must not turn its monitoring back on).
ALTER TABLE pipeline_health ADD COLUMN deletion_requested BOOLEAN NOT NULL DEFAULT false;
