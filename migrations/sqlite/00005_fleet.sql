-- +goose Up
-- Fleet: rooms, nodes with their audio interfaces and channels, one-time
-- bootstrap tokens and long-lived node credentials (hashes only).
CREATE TABLE rooms (
    id          TEXT PRIMARY KEY,
    site        TEXT NOT NULL,
    name        TEXT NOT NULL,
    building    TEXT NOT NULL DEFAULT '',
    floor       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX rooms_site_name_key ON rooms (site, lower(name));

CREATE TABLE nodes (
    id                        TEXT PRIMARY KEY,
    alias                     TEXT NOT NULL,
    hostname                  TEXT NOT NULL DEFAULT '',
    site                      TEXT NOT NULL DEFAULT '',
    room_id                   TEXT REFERENCES rooms (id),
    notes                     TEXT NOT NULL DEFAULT '',
    tags                      TEXT NOT NULL DEFAULT '[]',
    agent_version             TEXT NOT NULL DEFAULT '',
    runtime                   TEXT NOT NULL DEFAULT '{}',
    last_seen_at              DATETIME,
    enrolled_at               DATETIME NOT NULL,
    reported_status           TEXT NOT NULL,
    capturing                 BOOLEAN NOT NULL DEFAULT FALSE,
    max_concurrent_recordings INTEGER NOT NULL DEFAULT 1,
    config_version            BIGINT NOT NULL DEFAULT 1,
    updated_at                DATETIME NOT NULL
);
CREATE INDEX nodes_site_idx ON nodes (site);
CREATE INDEX nodes_room_id_idx ON nodes (room_id);

CREATE TABLE audio_interfaces (
    id            TEXT PRIMARY KEY,
    node_id       TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    system_ref    TEXT NOT NULL,
    system_name   TEXT NOT NULL DEFAULT '',
    alias         TEXT NOT NULL DEFAULT '',
    backend       TEXT NOT NULL DEFAULT 'unknown',
    channel_count INTEGER NOT NULL DEFAULT 0,
    sample_rates  TEXT NOT NULL DEFAULT '[]',
    hardware_path TEXT NOT NULL DEFAULT '',
    serial_number TEXT NOT NULL DEFAULT '',
    absent        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX audio_interfaces_node_ref_key ON audio_interfaces (node_id, system_ref);

CREATE TABLE audio_channels (
    interface_id TEXT NOT NULL REFERENCES audio_interfaces (id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    alias        TEXT NOT NULL DEFAULT '',
    room_id      TEXT REFERENCES rooms (id),
    PRIMARY KEY (interface_id, idx)
);
CREATE INDEX audio_channels_room_id_idx ON audio_channels (room_id);

CREATE TABLE node_bootstrap_tokens (
    id         TEXT PRIMARY KEY,
    node_id    TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    revoked_at DATETIME
);
CREATE UNIQUE INDEX node_bootstrap_tokens_hash_key ON node_bootstrap_tokens (token_hash);
CREATE INDEX node_bootstrap_tokens_node_idx ON node_bootstrap_tokens (node_id);

CREATE TABLE node_credentials (
    id         TEXT PRIMARY KEY,
    node_id    TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    prefix     TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    revoked_at DATETIME
);
CREATE UNIQUE INDEX node_credentials_hash_key ON node_credentials (token_hash);
CREATE INDEX node_credentials_node_idx ON node_credentials (node_id);

-- +goose Down
DROP TABLE node_credentials;
DROP TABLE node_bootstrap_tokens;
DROP TABLE audio_channels;
DROP TABLE audio_interfaces;
DROP TABLE nodes;
DROP TABLE rooms;
