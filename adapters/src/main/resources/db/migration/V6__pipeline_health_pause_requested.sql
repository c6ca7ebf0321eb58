-- The desired state next to the observed one: a connector running while its pipeline was paused through Pipewright is
-- reported on every check, even when the pause in between was never recorded.
ALTER TABLE pipeline_health ADD COLUMN pause_requested BOOLEAN NOT NULL DEFAULT false;
