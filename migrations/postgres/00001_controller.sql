-- +goose Up
CREATE TABLE controller_info (
    id          SMALLINT PRIMARY KEY CHECK (id = 1),
    instance_id TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE controller_info;
