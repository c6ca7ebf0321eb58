-- The health monitor's own table: which pipelines it checks and when next, what their events last recorded of the
-- connector (so a check sends a command only when something changed), and what the last check measured. Measurements
-- are not events (a healthy day must add O(1) events): the status view reads them from here.
CREATE TABLE pipeline_health (
    pipeline_id         UUID        NOT NULL PRIMARY KEY,
    source_service_id   UUID        NOT NULL,
    sink_service_id     UUID        NOT NULL,
    monitored           BOOLEAN     NOT NULL DEFAULT false,
    next_check_at       TIMESTAMPTZ,
    recorded_state      TEXT,
    recorded_tasks      TEXT,
    recorded_error      TEXT,
    connected_host      TEXT,
    connected_port      INTEGER,
    source_lag_bytes    BIGINT,
    retained_wal_bytes  BIGINT,
    last_health_check_at TIMESTAMPTZ
);
CREATE INDEX pipeline_health_due ON pipeline_health (next_check_at) WHERE monitored;
CREATE INDEX pipeline_health_by_source ON pipeline_health (source_service_id) WHERE monitored;

ALTER TABLE pipeline_view DROP COLUMN source_lag_bytes;
ALTER TABLE pipeline_view DROP COLUMN last_health_check_at;
