-- Accounts, credentials and the audit log.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,            -- argon2id PHC string
    role           TEXT    NOT NULL CHECK (role IN ('public', 'partner', 'analyst', 'admin')),
    created_at     TEXT    NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0
);

-- API tokens for scripts and browser sessions. Only a SHA-256 of the
-- secret is stored; the secret is shown once, when the token is made.
CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('api', 'session')),
    label        TEXT    NOT NULL,
    secret_hash  TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT                            -- NULL: until revoked
);
CREATE INDEX tokens_user ON tokens(user_id);

-- Who viewed or exported what, when.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    username  TEXT,                              -- NULL: anonymous
    role      TEXT    NOT NULL,
    client    TEXT,
    method    TEXT    NOT NULL,
    path      TEXT    NOT NULL,
    query     TEXT,
    status    INTEGER NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
