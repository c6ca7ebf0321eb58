-- How many times each pipeline's connector was restarted (its ConnectorRestarted events), for the metric
-- pipewright_pipeline_connector_restarts_total. The projection counts the events after a row's last_sequence, so the
-- rows that exist already start with the restarts up to their last_sequence, counted in the event store.
ALTER TABLE pipeline_view ADD COLUMN connector_restarts BIGINT NOT NULL DEFAULT 0;

UPDATE pipeline_view v
SET connector_restarts = restarted.restarts
FROM (SELECT p.id, count(*) AS restarts
      FROM domain_event_entry e
      JOIN pipeline_view p ON e.aggregate_identifier = p.id::text AND e.sequence_number <= p.last_sequence
      WHERE e.payload_type = 'io.pipewright.kernel.pipeline.ConnectorRestarted'
      GROUP BY p.id) restarted
WHERE v.id = restarted.id;
