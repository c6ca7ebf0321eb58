-- Who may call the API: users with bcrypt password hashes, organizations, and memberships carrying permissions.
-- A member reads everything of the organization; "service:create" lets them register services and create, pause,
-- resume and delete pipelines. An operator also reaches /operator and /actuator.
CREATE TABLE organization (
    organization_id UUID        NOT NULL PRIMARY KEY,
    name            TEXT        NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE app_user (
    username      TEXT        NOT NULL PRIMARY KEY,
    password_hash TEXT        NOT NULL,
    operator      BOOLEAN     NOT NULL DEFAULT false,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE membership (
    username        TEXT        NOT NULL REFERENCES app_user ON DELETE CASCADE,
    organization_id UUID        NOT NULL REFERENCES organization ON DELETE CASCADE,
    permissions     TEXT[]      NOT NULL DEFAULT '{}',
    joined_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (username, organization_id)
);
