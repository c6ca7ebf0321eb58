ALTER TABLE pipeline_view ADD COLUMN replica_identity_full BOOLEAN NOT NULL DEFAULT false;

-- Tables of a source whose replica identity a pipeline set to FULL, with what it was, so the delete can restore it.
-- Written before the ALTER TABLE, so a crash between the two leaves the record, never an unrecorded change.
CREATE TABLE replica_identity_change (
    pipeline_id       UUID NOT NULL,
    database_name     TEXT NOT NULL,
    table_name        TEXT NOT NULL,
    previous_identity TEXT NOT NULL,
    PRIMARY KEY (pipeline_id, table_name)
);
