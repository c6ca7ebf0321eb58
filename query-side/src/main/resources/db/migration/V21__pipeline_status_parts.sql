-- One pipeline's status as GET /pipelines/{id}/status reads it (PipelineViews.STATUS_QUERY), in one table: the parts
-- it is made of, one row for each row of the five tables it shows (its view row, its health row, its open data gap,
-- each uncaptured table, each open drift), found together on one index. The view of V19 joined the five tables, and
-- PostgreSQL's work to start a plan over five tables (a lock, an index and an executor node each, and two
-- aggregates) was most of the query's cost, about twice that of reading one index (docs/benchmarks.md).
--
-- Each part is written by a trigger on its own table only, in the transaction that changes that table's row, and
-- holds that row's values and nothing else: a part row is only ever locked by the writers of the one row it mirrors,
-- who already wait for each other on that row. So the writers of different tables (the projections, the health
-- rounds, the provisioning steps) never wait for each other here, and no order of their writes can deadlock. A
-- replay that deletes and rewrites a table rewrites its parts the same way.
CREATE TABLE pipeline_status_part (
    pipeline_id              UUID        NOT NULL,
    -- view, health, gap, uncaptured or drift.
    kind                     TEXT        NOT NULL,
    -- The uncaptured table or the drifted resource, in the order the status lists them; '' for the other kinds.
    item                     TEXT        NOT NULL DEFAULT '',
    organization_id          UUID,
    status                   TEXT,
    connector_name           TEXT,
    connector_state          TEXT,
    task_states              JSONB,
    topic_prefix             TEXT,
    error_message            TEXT,
    restart_attempts         INTEGER,
    next_attempt_at          TIMESTAMPTZ,
    source_lag_bytes         BIGINT,
    retained_wal_bytes       BIGINT,
    safe_wal_bytes           BIGINT,
    max_slot_wal_keep_bytes  BIGINT,
    last_health_check_at     TIMESTAMPTZ,
    source_unanswered_since  TIMESTAMPTZ,
    gap_from_lsn             TEXT,
    gap_reason               TEXT,
    gap_detected_at          TIMESTAMPTZ,
    -- An open drift as the status shows it: "resource: expected ..., found ...".
    drift                    TEXT,
    PRIMARY KEY (pipeline_id, kind, item)
);

CREATE FUNCTION pipeline_status_view_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id <> OLD.id THEN
        DELETE FROM pipeline_status_part WHERE pipeline_id = OLD.id AND kind = 'view';
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO pipeline_status_part (pipeline_id, kind, organization_id, status, connector_name, connector_state,
                                          task_states, topic_prefix, error_message, restart_attempts, next_attempt_at)
        VALUES (NEW.id, 'view', NEW.organization_id, NEW.status, NEW.connector_name, NEW.connector_state,
                NEW.task_states, NEW.topic_prefix, NEW.error_message, NEW.restart_attempts, NEW.next_attempt_at)
        ON CONFLICT (pipeline_id, kind, item) DO UPDATE SET organization_id = EXCLUDED.organization_id,
            status = EXCLUDED.status, connector_name = EXCLUDED.connector_name,
            connector_state = EXCLUDED.connector_state, task_states = EXCLUDED.task_states,
            topic_prefix = EXCLUDED.topic_prefix, error_message = EXCLUDED.error_message,
            restart_attempts = EXCLUDED.restart_attempts, next_attempt_at = EXCLUDED.next_attempt_at;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER pipeline_status_view_part AFTER INSERT OR DELETE ON pipeline_view
    FOR EACH ROW EXECUTE FUNCTION pipeline_status_view_part();
-- Only when a value the status shows changed: the projection updates other columns (the name, the step, the
-- sequence) far more often.
CREATE TRIGGER pipeline_status_view_part_changed
    AFTER UPDATE OF id, organization_id, status, connector_name, connector_state, task_states, topic_prefix,
        error_message, restart_attempts, next_attempt_at ON pipeline_view
    FOR EACH ROW
    WHEN ((OLD.id, OLD.organization_id, OLD.status, OLD.connector_name, OLD.connector_state, OLD.task_states,
           OLD.topic_prefix, OLD.error_message, OLD.restart_attempts, OLD.next_attempt_at)
          IS DISTINCT FROM (NEW.id, NEW.organization_id, NEW.status, NEW.connector_name, NEW.connector_state,
           NEW.task_states, NEW.topic_prefix, NEW.error_message, NEW.restart_attempts, NEW.next_attempt_at))
    EXECUTE FUNCTION pipeline_status_view_part();

CREATE FUNCTION pipeline_status_health_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.pipeline_id <> OLD.pipeline_id THEN
        DELETE FROM pipeline_status_part WHERE pipeline_id = OLD.pipeline_id AND kind = 'health';
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO pipeline_status_part (pipeline_id, kind, source_lag_bytes, retained_wal_bytes, safe_wal_bytes,
                                          max_slot_wal_keep_bytes, last_health_check_at, source_unanswered_since)
        VALUES (NEW.pipeline_id, 'health', NEW.source_lag_bytes, NEW.retained_wal_bytes, NEW.safe_wal_bytes,
                NEW.max_slot_wal_keep_bytes, NEW.last_health_check_at, NEW.source_unanswered_since)
        ON CONFLICT (pipeline_id, kind, item) DO UPDATE SET source_lag_bytes = EXCLUDED.source_lag_bytes,
            retained_wal_bytes = EXCLUDED.retained_wal_bytes, safe_wal_bytes = EXCLUDED.safe_wal_bytes,
            max_slot_wal_keep_bytes = EXCLUDED.max_slot_wal_keep_bytes,
            last_health_check_at = EXCLUDED.last_health_check_at,
            source_unanswered_since = EXCLUDED.source_unanswered_since;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER pipeline_status_health_part AFTER INSERT OR DELETE ON pipeline_health
    FOR EACH ROW EXECUTE FUNCTION pipeline_status_health_part();
-- Only when a measurement the status shows changed: each round also moves every checked row's next_check_at.
CREATE TRIGGER pipeline_status_health_part_changed
    AFTER UPDATE OF pipeline_id, source_lag_bytes, retained_wal_bytes, safe_wal_bytes, max_slot_wal_keep_bytes,
        last_health_check_at, source_unanswered_since ON pipeline_health
    FOR EACH ROW
    WHEN ((OLD.pipeline_id, OLD.source_lag_bytes, OLD.retained_wal_bytes, OLD.safe_wal_bytes,
           OLD.max_slot_wal_keep_bytes, OLD.last_health_check_at, OLD.source_unanswered_since)
          IS DISTINCT FROM (NEW.pipeline_id, NEW.source_lag_bytes, NEW.retained_wal_bytes, NEW.safe_wal_bytes,
           NEW.max_slot_wal_keep_bytes, NEW.last_health_check_at, NEW.source_unanswered_since))
    EXECUTE FUNCTION pipeline_status_health_part();

CREATE FUNCTION pipeline_status_gap_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM pipeline_status_part WHERE pipeline_id = OLD.pipeline_id AND kind = 'gap';
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO pipeline_status_part (pipeline_id, kind, gap_from_lsn, gap_reason, gap_detected_at)
        VALUES (NEW.pipeline_id, 'gap', NEW.from_lsn, NEW.reason, NEW.detected_at);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER pipeline_status_gap_part AFTER INSERT OR UPDATE OR DELETE ON pipeline_data_gap
    FOR EACH ROW EXECUTE FUNCTION pipeline_status_gap_part();

CREATE FUNCTION pipeline_status_uncaptured_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM pipeline_status_part
        WHERE pipeline_id = OLD.pipeline_id AND kind = 'uncaptured' AND item = OLD.table_name;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO pipeline_status_part (pipeline_id, kind, item)
        VALUES (NEW.pipeline_id, 'uncaptured', NEW.table_name);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER pipeline_status_uncaptured_part AFTER INSERT OR UPDATE OR DELETE ON uncaptured_table
    FOR EACH ROW EXECUTE FUNCTION pipeline_status_uncaptured_part();

CREATE FUNCTION pipeline_status_drift_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM pipeline_status_part
        WHERE pipeline_id = OLD.pipeline_id AND kind = 'drift' AND item = OLD.resource;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO pipeline_status_part (pipeline_id, kind, item, drift)
        VALUES (NEW.pipeline_id, 'drift', NEW.resource,
                NEW.resource || ': expected ' || NEW.expected || ', found ' || NEW.actual);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER pipeline_status_drift_part AFTER INSERT OR UPDATE OR DELETE ON pipeline_drift
    FOR EACH ROW EXECUTE FUNCTION pipeline_status_drift_part();

-- The parts of the rows already there.
INSERT INTO pipeline_status_part (pipeline_id, kind, organization_id, status, connector_name, connector_state,
                                  task_states, topic_prefix, error_message, restart_attempts, next_attempt_at)
SELECT id, 'view', organization_id, status, connector_name, connector_state, task_states, topic_prefix, error_message,
       restart_attempts, next_attempt_at
FROM pipeline_view;
INSERT INTO pipeline_status_part (pipeline_id, kind, source_lag_bytes, retained_wal_bytes, safe_wal_bytes,
                                  max_slot_wal_keep_bytes, last_health_check_at, source_unanswered_since)
SELECT pipeline_id, 'health', source_lag_bytes, retained_wal_bytes, safe_wal_bytes, max_slot_wal_keep_bytes,
       last_health_check_at, source_unanswered_since
FROM pipeline_health;
INSERT INTO pipeline_status_part (pipeline_id, kind, gap_from_lsn, gap_reason, gap_detected_at)
SELECT pipeline_id, 'gap', from_lsn, reason, detected_at FROM pipeline_data_gap;
INSERT INTO pipeline_status_part (pipeline_id, kind, item)
SELECT pipeline_id, 'uncaptured', table_name FROM uncaptured_table;
INSERT INTO pipeline_status_part (pipeline_id, kind, item, drift)
SELECT pipeline_id, 'drift', resource, resource || ': expected ' || expected || ', found ' || actual
FROM pipeline_drift;

DROP VIEW pipeline_status;
