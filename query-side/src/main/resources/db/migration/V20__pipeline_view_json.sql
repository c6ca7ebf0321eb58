-- Each pipeline's view as the JSON of its PipelineView that GET /pipelines/{id} answers (the same keys in the same
-- order, compact, timestamps as Java's Instant prints them), kept by the database whenever a column it shows changes.
-- A page of GET /organizations/{org}/pipelines is these texts joined (PipelineViews.page): decoding a page's 2,000
-- column values and writing them again with Jackson was most of the list's cost, and a view row is read far more
-- often than it is written. PipelineViewsTest holds the two renderings equal.

-- A timestamp as java.time.Instant#toString prints it: UTC, its fraction in groups of three digits, or none.
CREATE FUNCTION pipewright_instant_text(t TIMESTAMPTZ) RETURNS TEXT
    LANGUAGE sql STABLE STRICT AS $$
SELECT CASE
           WHEN right(s, 6) = '000000' THEN left(s, 19)
           WHEN right(s, 3) = '000' THEN left(s, 23)
           ELSE s
       END || 'Z'
FROM (SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS s) AS rendered
$$;

CREATE FUNCTION pipeline_view_json() RETURNS TRIGGER
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.view_json := row_to_json(p) FROM (SELECT NEW.id AS id, NEW.organization_id AS organization_id,
        NEW.name AS name, NEW.pipeline_type AS pipeline_type, NEW.source_service_id AS source_service_id,
        NEW.sink_service_id AS sink_service_id, NEW.status AS status, NEW.provision_step AS provision_step,
        (SELECT c FROM (SELECT NEW.database_name AS database_name, NEW.tables AS tables,
            NEW.topic_prefix AS topic_prefix, NEW.snapshot_mode AS snapshot_mode,
            NEW.replica_identity_full AS replica_identity_full, NEW.decimal_handling_mode AS decimal_handling_mode,
            NEW.drift_policy AS drift_policy, NEW.heartbeat_interval_ms AS heartbeat_interval_ms,
            NEW.retry_window_minutes AS retry_window_minutes) AS c) AS config,
        NEW.error_message AS error_message, pipewright_instant_text(NEW.created_at) AS created_at,
        pipewright_instant_text(NEW.updated_at) AS updated_at) AS p;
    RETURN NEW;
END
$$;

ALTER TABLE pipeline_view ADD COLUMN view_json JSON;

CREATE TRIGGER pipeline_view_json
    BEFORE INSERT OR UPDATE OF id, organization_id, name, pipeline_type, source_service_id, sink_service_id, status,
        provision_step, database_name, tables, topic_prefix, snapshot_mode, replica_identity_full,
        decimal_handling_mode, drift_policy, heartbeat_interval_ms, retry_window_minutes, error_message, created_at,
        updated_at
    ON pipeline_view
    FOR EACH ROW
EXECUTE FUNCTION pipeline_view_json();

UPDATE pipeline_view SET id = id;
ALTER TABLE pipeline_view ALTER COLUMN view_json SET NOT NULL;
