-- +goose Up
-- Recordings: profiles (the three built-ins are seeded), recordings with their
-- tags (JSON text for reading, recording_tags rows for filters and facets),
-- capture jobs, stored chunks, chunk uploads in progress, channel-map
-- templates and their assignments. Jobs, chunks, uploads and tags go with
-- their recording. Commands, channel maps, peaks and waveforms are JSON text.
CREATE TABLE recording_profiles (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    codec         TEXT NOT NULL CHECK (codec IN ('wav', 'flac', 'mp3')),
    bitrate_kbps  INTEGER NOT NULL DEFAULT 0,
    vbr           BOOLEAN NOT NULL DEFAULT FALSE,
    bit_depth     INTEGER NOT NULL DEFAULT 0,
    channel_mode  TEXT NOT NULL,
    chunk_seconds INTEGER NOT NULL DEFAULT 0,
    builtin       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
INSERT INTO recording_profiles (id, name, codec, bitrate_kbps, vbr, bit_depth, channel_mode, chunk_seconds, builtin, created_at, updated_at) VALUES
    ('voice-mp3-vbr', 'Voice (MP3 VBR ~128 kb/s)', 'mp3', 128, TRUE, 0, 'mono_to_stereo_mix', 300, TRUE, now(), now()),
    ('archive-flac', 'Archive (FLAC 24-bit, every channel)', 'flac', 0, FALSE, 24, 'multichannel', 300, TRUE, now(), now()),
    ('raw-wav', 'Raw (WAV 24-bit, every channel)', 'wav', 0, FALSE, 24, 'multichannel', 300, TRUE, now(), now());

CREATE TABLE recordings (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    search_text      TEXT NOT NULL DEFAULT '',
    folder           TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '[]',
    notes            TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL,
    status           TEXT NOT NULL,
    health           TEXT NOT NULL DEFAULT 'unknown',
    node_id          TEXT NOT NULL DEFAULT '',
    interface_id     TEXT NOT NULL DEFAULT '',
    room_id          TEXT NOT NULL DEFAULT '',
    profile_id       TEXT NOT NULL DEFAULT '',
    channels         TEXT NOT NULL DEFAULT '[]',
    channel_mode     TEXT NOT NULL DEFAULT '',
    codec            TEXT NOT NULL DEFAULT '',
    sample_rate      INTEGER NOT NULL DEFAULT 0,
    output_channels  INTEGER NOT NULL DEFAULT 0,
    chunk_seconds    INTEGER NOT NULL DEFAULT 0,
    chunk_total      INTEGER NOT NULL DEFAULT 0,
    frames           BIGINT NOT NULL DEFAULT 0,
    duration_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
    size_bytes       BIGINT NOT NULL DEFAULT 0,
    checksum         TEXT NOT NULL DEFAULT '',
    waveform         TEXT,
    failure_reason   TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    started_at       TIMESTAMPTZ,
    ended_at         TIMESTAMPTZ
);
CREATE INDEX recordings_created_idx ON recordings (created_at, id);
CREATE INDEX recordings_status_idx ON recordings (status, created_at);
CREATE INDEX recordings_node_idx ON recordings (node_id, created_at);
CREATE INDEX recordings_room_idx ON recordings (room_id, created_at);
CREATE INDEX recordings_folder_idx ON recordings (folder);
CREATE INDEX recordings_name_idx ON recordings (name_key, id);
CREATE INDEX recordings_duration_idx ON recordings (duration_seconds, id);
CREATE INDEX recordings_size_idx ON recordings (size_bytes, id);
-- Text search ("contains", any case) is a trigram index on search_text when
-- the pg_trgm extension can be created (trusted since Postgres 13: the
-- database owner may); without it the search scans.
-- +goose StatementBegin
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): recording text search will scan', SQLERRM;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX recordings_search_idx ON recordings USING gin (search_text gin_trgm_ops);
    END IF;
END $$;
-- +goose StatementEnd

-- tag_key is the lower-cased tag: filters and facets ignore case.
CREATE TABLE recording_tags (
    recording_id TEXT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    tag_key      TEXT NOT NULL,
    tag          TEXT NOT NULL,
    PRIMARY KEY (recording_id, tag_key)
);
CREATE INDEX recording_tags_key_idx ON recording_tags (tag_key, recording_id);

CREATE TABLE recording_jobs (
    id                TEXT PRIMARY KEY,
    node_id           TEXT NOT NULL,
    recording_id      TEXT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'stop_requested', 'completed', 'failed', 'cancelled')),
    claimed_by        TEXT NOT NULL DEFAULT '',
    command           TEXT NOT NULL DEFAULT '{}',
    capture_group_id  TEXT NOT NULL DEFAULT '',
    retry_of          TEXT NOT NULL DEFAULT '',
    failure_reason    TEXT NOT NULL DEFAULT '',
    chunk_total       INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ NOT NULL,
    started_at        TIMESTAMPTZ,
    last_heartbeat_at TIMESTAMPTZ,
    lease_expires_at  TIMESTAMPTZ,
    stop_requested_at TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ
);
CREATE INDEX recording_jobs_created_idx ON recording_jobs (created_at, id);
CREATE INDEX recording_jobs_status_idx ON recording_jobs (status, node_id);
CREATE INDEX recording_jobs_node_idx ON recording_jobs (node_id, created_at);
CREATE INDEX recording_jobs_recording_idx ON recording_jobs (recording_id);
-- The claim reads the oldest queued job of a node.
CREATE INDEX recording_jobs_queued_idx ON recording_jobs (node_id, created_at, id) WHERE status = 'queued';

CREATE TABLE recording_chunks (
    id            TEXT PRIMARY KEY,
    recording_id  TEXT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    job_id        TEXT NOT NULL DEFAULT '',
    idx           INTEGER NOT NULL,
    offset_frames BIGINT NOT NULL DEFAULT 0,
    frames        BIGINT NOT NULL DEFAULT 0,
    sample_rate   INTEGER NOT NULL DEFAULT 0,
    channels      INTEGER NOT NULL DEFAULT 0,
    codec         TEXT NOT NULL DEFAULT '',
    size_bytes    BIGINT NOT NULL DEFAULT 0,
    sha256        TEXT NOT NULL,
    path          TEXT NOT NULL DEFAULT '',
    final         BOOLEAN NOT NULL DEFAULT FALSE,
    peaks         TEXT NOT NULL DEFAULT '[]',
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX recording_chunks_idx_key ON recording_chunks (recording_id, idx);

-- An upload keeps the declared chunk as JSON; idx and sha256 repeat it.
CREATE TABLE recording_uploads (
    id           TEXT PRIMARY KEY,
    recording_id TEXT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    job_id       TEXT NOT NULL DEFAULT '',
    node_id      TEXT NOT NULL DEFAULT '',
    idx          INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    chunk        TEXT NOT NULL DEFAULT '{}',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX recording_uploads_idx_key ON recording_uploads (recording_id, idx);

CREATE TABLE channel_map_templates (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    map        TEXT NOT NULL DEFAULT '{}',
    revision   INTEGER NOT NULL DEFAULT 1,
    tags       TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- A template with assignments cannot be deleted (unassign first).
CREATE TABLE channel_map_assignments (
    id          TEXT PRIMARY KEY,
    target_type TEXT NOT NULL CHECK (target_type IN ('interface', 'node')),
    target_id   TEXT NOT NULL,
    template_id TEXT NOT NULL REFERENCES channel_map_templates (id),
    assigned_at TIMESTAMPTZ NOT NULL,
    assigned_by TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX channel_map_assignments_target_key ON channel_map_assignments (target_type, target_id);
CREATE INDEX channel_map_assignments_template_idx ON channel_map_assignments (template_id);

-- +goose Down
DROP TABLE channel_map_assignments;
DROP TABLE channel_map_templates;
DROP TABLE recording_uploads;
DROP TABLE recording_chunks;
DROP TABLE recording_jobs;
DROP TABLE recording_tags;
DROP TABLE recordings;
DROP TABLE recording_profiles;
