-- Since when the health round got no answer from a monitored pipeline's source (its slot query failed or hung), null
-- while it answers: the status view shows the pipeline degraded meanwhile, since nothing may flow and nothing is
-- measured. Kept in the monitored row, not in events: it is an observation, written with the round's measurements.
ALTER TABLE pipeline_health ADD COLUMN source_unanswered_since TIMESTAMPTZ;
