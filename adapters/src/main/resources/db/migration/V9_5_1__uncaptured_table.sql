-- Tables a pipeline capturing all tables leaves out of its publication: without a primary key and with replica
-- identity DEFAULT or NOTHING, publishing them would make the application's UPDATE and DELETE on them fail. The status
-- view names them in its warnings. Rewritten each time the publication is converged; emptied by the delete.
CREATE TABLE uncaptured_table (
    pipeline_id UUID NOT NULL,
    table_name  TEXT NOT NULL,
    PRIMARY KEY (pipeline_id, table_name)
);
