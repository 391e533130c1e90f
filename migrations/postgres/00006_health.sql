-- +goose Up
-- Health events: alerts raised by agents, the watchdog, the scheduler, the
-- switcher or the controller, with their lifecycle. Node, recording,
-- schedule and interface ids are plain references (no foreign keys): an
-- event outlives what it is about. Agent events keep the agent's id, so a
-- retried post is idempotent.
CREATE TABLE health_events (
    id                   TEXT PRIMARY KEY,
    type                 TEXT NOT NULL,
    severity             TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    status               TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'suppressed', 'resolved')),
    node_id              TEXT NOT NULL DEFAULT '',
    recording_id         TEXT NOT NULL DEFAULT '',
    schedule_id          TEXT NOT NULL DEFAULT '',
    interface_id         TEXT NOT NULL DEFAULT '',
    opened_at            TIMESTAMPTZ NOT NULL,
    acknowledged_at      TIMESTAMPTZ,
    acknowledged_by      TEXT NOT NULL DEFAULT '',
    suppressed_at        TIMESTAMPTZ,
    suppressed_by        TEXT NOT NULL DEFAULT '',
    suppressed_until     TIMESTAMPTZ,
    resolved_at          TIMESTAMPTZ,
    resolved_by          TEXT NOT NULL DEFAULT '',
    resolved_by_event_id TEXT NOT NULL DEFAULT '',
    details_json         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX health_events_opened_idx ON health_events (opened_at, id);
CREATE INDEX health_events_node_status_idx ON health_events (node_id, status, severity);
CREATE INDEX health_events_node_type_idx ON health_events (node_id, type, status);
CREATE INDEX health_events_status_idx ON health_events (status);
CREATE INDEX health_events_recording_idx ON health_events (recording_id);
CREATE INDEX health_events_schedule_idx ON health_events (schedule_id);

-- +goose Down
DROP TABLE health_events;
