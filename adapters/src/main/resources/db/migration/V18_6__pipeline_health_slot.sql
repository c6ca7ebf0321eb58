-- What the health rounds know of each pipeline's replication slot, to tell a lost slot (a data gap) and to warn before
-- the source invalidates it: whether the pipeline should have one (its connector was created, or a check saw it, since
-- the last re-snapshot was asked for), the primary it was last seen on and what it had confirmed there, whether a data
-- gap is open, and the WAL that can still be written before max_slot_wal_keep_size invalidates it.
ALTER TABLE pipeline_health
    ADD COLUMN slot_expected            BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN slot_host                TEXT,
    ADD COLUMN slot_port                INTEGER,
    ADD COLUMN slot_confirmed_lsn       TEXT,
    ADD COLUMN data_gap_open            BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN resnapshot_requested_at  TIMESTAMPTZ,
    ADD COLUMN safe_wal_bytes           BIGINT,
    ADD COLUMN max_slot_wal_keep_bytes  BIGINT;
-- Pipelines provisioned before: their connector was created.
UPDATE pipeline_health SET slot_expected = true WHERE recorded_state IS NOT NULL;
