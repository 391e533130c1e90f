// Package migrations embeds the versioned SQL migrations, one directory per
// dialect. Files are goose migrations named NNNNN_what.sql; numbers are shared
// across dialects so both stores reach the same schema version.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
