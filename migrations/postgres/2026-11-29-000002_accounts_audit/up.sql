-- Accounts, roles per site, tokens, API keys and the audit chain (Điều 12.2, 17.4, 21.4).
-- Kept in step with ../../sqlite/2026-11-29-000002_accounts_audit/up.sql.

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'locked')),
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    token_version BIGINT NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    totp_secret TEXT,
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE INDEX users_agency_id ON users (agency_id);

CREATE TABLE role_grants (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    role TEXT NOT NULL CHECK (role IN ('contributor', 'editor', 'chief_editor', 'operator')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, site_id, role)
);
CREATE INDEX role_grants_site_id ON role_grants (site_id);

-- Điều 19.4: an editor may answer for assigned sections only; none assigned means the whole site.
CREATE TABLE editor_sections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    section_id BIGINT NOT NULL REFERENCES sections (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, section_id)
);
CREATE INDEX editor_sections_section_id ON editor_sections (section_id);

CREATE TABLE refresh_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    family_started_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);

CREATE TABLE api_keys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);

-- Failed logins per client address, counted in fixed windows, shared by every server replica.
CREATE TABLE login_throttle (
    client_ip TEXT PRIMARY KEY,
    window_started_at TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    at TIMESTAMP NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    agency TEXT,
    client_ip TEXT,
    user_agent TEXT,
    action TEXT NOT NULL,
    target TEXT,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_actor ON audit_log (actor);

-- The head of the chain, one row. Appending updates it first, which serialises appenders on both
-- backends (a row lock in PostgreSQL, the write lock in SQLite) so the chain never forks.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
