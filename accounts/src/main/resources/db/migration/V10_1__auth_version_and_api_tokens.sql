-- auth_version: raised whenever what a user's credentials grant changes (password, operator flag, memberships, a
-- revoked token); every node drops its cached verifications of a user whose version differs from the one it cached.
ALTER TABLE app_user ADD COLUMN auth_version BIGINT NOT NULL DEFAULT 0;

-- API tokens for automation: only the SHA-256 of the random token is stored. A token may be limited to one
-- organization and to reading; a revoked token keeps its row, so a request with it is told it was revoked.
CREATE TABLE api_token (
    token_id        UUID        NOT NULL PRIMARY KEY,
    username        TEXT        NOT NULL REFERENCES app_user ON DELETE CASCADE,
    name            TEXT        NOT NULL,
    token_sha256    BYTEA       NOT NULL UNIQUE,
    organization_id UUID        REFERENCES organization ON DELETE CASCADE,
    read_only       BOOLEAN     NOT NULL DEFAULT false,
    expires_at      TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at      TIMESTAMPTZ
);

CREATE INDEX api_token_of_user ON api_token (username, created_at);
