-- One pipeline's status as GET /pipelines/{id}/status reads it (PipelineViews.STATUS_QUERY): its view row, its health
-- row, its open data gap, its uncaptured tables and its open drifts, each found by primary key once the query names an
-- id. A view, so the request sends a short text: the R2DBC driver parses the SQL of every statement it is given, which
-- for the whole join was a measurable part of the endpoint's cost.
CREATE VIEW pipeline_status AS
SELECT v.id, v.organization_id, v.status, v.connector_name, v.connector_state, v.task_states, v.topic_prefix,
       v.error_message, v.restart_attempts, v.next_attempt_at,
       h.source_lag_bytes, h.retained_wal_bytes, h.safe_wal_bytes, h.max_slot_wal_keep_bytes, h.last_health_check_at,
       h.source_unanswered_since,
       g.from_lsn AS gap_from_lsn, g.reason AS gap_reason, g.detected_at AS gap_detected_at,
       (SELECT array_agg(u.table_name ORDER BY u.table_name) FROM uncaptured_table u
         WHERE u.pipeline_id = v.id) AS uncaptured_tables,
       (SELECT array_agg(d.resource || ': expected ' || d.expected || ', found ' || d.actual ORDER BY d.resource)
          FROM pipeline_drift d WHERE d.pipeline_id = v.id) AS drifts
FROM pipeline_view v
LEFT JOIN pipeline_health h ON h.pipeline_id = v.id
LEFT JOIN pipeline_data_gap g ON g.pipeline_id = v.id;
