-- +goose Up
-- The tamper-evident audit trail: every row carries the hash of the
-- previous row (prev_hash) and its own hash over its canonical JSON; seq
-- numbers the chain 1, 2, 3, … JSON columns are text so the stored bytes
-- round-trip exactly (jsonb would reorder keys and reformat numbers).
CREATE TABLE audit_events (
    id                   TEXT PRIMARY KEY,
    seq                  BIGINT NOT NULL UNIQUE,
    created_at           TIMESTAMPTZ NOT NULL,
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

-- The chain head: seq and hash of the last row. Appends lock it
-- (SELECT … FOR UPDATE), so seq is gap-free under concurrency.
CREATE TABLE audit_chain_head (
    id   SMALLINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Rows are append-only for the application. The hash chain, not this
-- trigger, is the tamper evidence: a database owner can disable it.
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_chain_head;
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
