-- +goose Up
-- The tamper-evident audit trail: every row carries the hash of the
-- previous row (prev_hash) and its own hash over its canonical JSON; seq
-- numbers the chain 1, 2, 3, …
CREATE TABLE audit_events (
    id                   TEXT PRIMARY KEY,
    seq                  INTEGER NOT NULL UNIQUE,
    created_at           DATETIME NOT NULL,
    action               TEXT NOT NULL,
    outcome              TEXT NOT NULL,
    permission           TEXT NOT NULL DEFAULT '',
    actor_id             TEXT NOT NULL DEFAULT '',
    actor_name           TEXT NOT NULL DEFAULT '',
    actor_type           TEXT NOT NULL DEFAULT '',
    actor_roles          TEXT NOT NULL DEFAULT '[]',
    ip_address           TEXT NOT NULL DEFAULT '',
    session_id           TEXT NOT NULL DEFAULT '',
    user_agent           TEXT NOT NULL DEFAULT '',
    target_type          TEXT NOT NULL DEFAULT '',
    target_id            TEXT NOT NULL DEFAULT '',
    target_name          TEXT NOT NULL DEFAULT '',
    before_json          TEXT,
    after_json           TEXT,
    details_json         TEXT NOT NULL DEFAULT '{}',
    correlation_ids_json TEXT NOT NULL DEFAULT '{}',
    reason               TEXT NOT NULL DEFAULT '',
    prev_hash            TEXT NOT NULL,
    hash                 TEXT NOT NULL
);
CREATE INDEX audit_events_action_idx ON audit_events (action);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id);
CREATE INDEX audit_events_created_at_idx ON audit_events (created_at);
CREATE INDEX audit_events_outcome_idx ON audit_events (outcome);
CREATE INDEX audit_events_permission_idx ON audit_events (permission);
CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id);

-- The chain head: seq and hash of the last row. SQLite has one writer at a
-- time, so the append transaction already owns it.
CREATE TABLE audit_chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Rows are append-only for the application. The hash chain, not these
-- triggers, is the tamper evidence: anyone with the file can drop them.
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_chain_head;
DROP TABLE audit_events;
