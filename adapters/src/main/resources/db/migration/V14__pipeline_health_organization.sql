-- The organization of each monitored pipeline, so the health round's commands and log lines name it (they are not
-- message handlers: nothing else would). Filled for existing rows from the pipeline view; a rebuild writes it again.
ALTER TABLE pipeline_health ADD COLUMN organization_id UUID;
UPDATE pipeline_health h SET organization_id = v.organization_id FROM pipeline_view v WHERE v.id = h.pipeline_id;
