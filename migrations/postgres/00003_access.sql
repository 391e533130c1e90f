-- +goose Up
-- The Casbin policy (adapters/casbinauthz/model.conf): the permission
-- catalog (p), the built-in scope rules (p2), user → role/group (g),
-- resource → parent and type root (g2), resource grants (g3), allow and
-- deny access policies with their reasons (g4, g5).
-- Columns and the unique index are gorm-adapter v3.39.0's own (the adapter
-- runs with auto-migrate off); two deliberate differences: the value columns
-- hold up to 512 characters (resource ids may have 200, policy reasons 500,
-- where the adapter would make VARCHAR(100)), and they are NOT NULL DEFAULT
-- '' (the adapter scans them into strings and always writes '' for unused
-- columns, so NULL could only break loading and the unique index).
CREATE TABLE casbin_rule (
    id    BIGSERIAL PRIMARY KEY,
    ptype VARCHAR(100) NOT NULL DEFAULT '',
    v0    VARCHAR(512) NOT NULL DEFAULT '',
    v1    VARCHAR(512) NOT NULL DEFAULT '',
    v2    VARCHAR(512) NOT NULL DEFAULT '',
    v3    VARCHAR(512) NOT NULL DEFAULT '',
    v4    VARCHAR(512) NOT NULL DEFAULT '',
    v5    VARCHAR(512) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_casbin_rule ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);
-- Lookups by the second value: a subject's members, a resource's children,
-- the grants on a resource.
CREATE INDEX casbin_rule_ptype_v1_idx ON casbin_rule (ptype, v1);

-- +goose Down
DROP TABLE casbin_rule;
