-- Paginated lists (issue 12): every page is a keyset read, "after (created_at, id) in that order, LIMIT n", served by
-- an index that ends in the same columns, so a page costs the same at any depth and whatever the organization's size.

-- The pipelines of an organization, optionally by status, optionally by name prefix (a range on the "C" collation,
-- whose order is the code-point order the query's bounds are computed in).
DROP INDEX pipeline_view_live_by_organization;
CREATE INDEX pipeline_view_live_page ON pipeline_view (organization_id, created_at, id)
    WHERE status <> 'Deleted';
CREATE INDEX pipeline_view_live_page_by_status ON pipeline_view (organization_id, status, created_at, id)
    WHERE status <> 'Deleted';
CREATE INDEX pipeline_view_live_by_name ON pipeline_view (organization_id, name COLLATE "C")
    WHERE status <> 'Deleted';

-- The registered services of an organization.
DROP INDEX managed_service_view_registered_by_organization;
CREATE INDEX managed_service_view_registered_page ON managed_service_view (organization_id, created_at, id)
    WHERE deregistered_at IS NULL;

-- The key that signs page tokens (HMAC-SHA256), shared by every control-plane node and kept across restarts: 32
-- bytes from two random UUIDs (gen_random_uuid draws from PostgreSQL's strong random source; 244 random bits).
CREATE TABLE page_token_key (
    id     SMALLINT NOT NULL PRIMARY KEY CHECK (id = 1),
    secret BYTEA    NOT NULL
);
INSERT INTO page_token_key (id, secret)
VALUES (1, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
