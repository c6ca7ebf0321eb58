-- The data gap of each pipeline that has one open (its slot was lost, no re-snapshot asked for since), for the status
-- warnings. Written by the pipeline views' data gap projection.
CREATE TABLE pipeline_data_gap (
    pipeline_id UUID        NOT NULL PRIMARY KEY,
    from_lsn    TEXT,
    reason      TEXT        NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL
);
