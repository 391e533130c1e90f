// Package settings reads the RAKKR_* configuration shared by the two
// composition roots: every setting is an environment variable and a flag.
package settings

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Setting is one configuration value: an environment variable that is also
// a flag of the command, with a default and a description for the docs.
type Setting struct {
	Env     string
	Flag    string
	Default string
	Help    string
	// Secret settings are never logged or printed.
	Secret bool
}

// Version is the build's version, set by the linker (make build).
var Version = "0.0.0-dev"

// ControllerSettings lists every setting of `rakkr serve`; docs/configuration.md
// documents each (a test keeps the two in step).
var ControllerSettings = []Setting{
	{Env: "RAKKR_LISTEN", Flag: "listen", Default: "127.0.0.1:8787", Help: "address the HTTP server listens on"},
	{Env: "RAKKR_DATABASE_URL", Flag: "database-url", Help: "Postgres DSN; unset uses SQLite at RAKKR_DATA_DIR/rakkr.db", Secret: true},
	{Env: "RAKKR_DATA_DIR", Flag: "data-dir", Default: "./data", Help: "directory for the SQLite database and the recording cache"},
	{Env: "RAKKR_DEV", Flag: "dev", Default: "false", Help: "development mode: allows running without RAKKR_SECRET_KEY (an ephemeral key is used, with a warning)"},
	{Env: "RAKKR_SECRET_KEY", Flag: "secret-key", Help: "AES-256-GCM key for stored secrets: 32 bytes as standard base64 or 64 hex characters; required unless RAKKR_DEV=true", Secret: true},
	{Env: "RAKKR_ADMIN_EMAIL", Flag: "admin-email", Default: "admin@rakkr.local", Help: "email of the owner created on first start"},
	{Env: "RAKKR_ADMIN_PASSWORD", Flag: "admin-password", Help: "password of the owner created on first start; unset generates one and prints it once", Secret: true},
	{Env: "RAKKR_ADMIN_NAME", Flag: "admin-name", Default: "Administrator", Help: "display name of the owner created on first start"},
	{Env: "RAKKR_SESSION_TTL", Flag: "session-ttl", Default: "12h", Help: "lifetime of a console login session"},
	{Env: "RAKKR_LOG_FORMAT", Flag: "log-format", Default: "text", Help: "log format: text or json"},
	{Env: "RAKKR_LOG_LEVEL", Flag: "log-level", Default: "info", Help: "log level: debug, info, warn or error"},
	{Env: "RAKKR_MAX_BODY_BYTES", Flag: "max-body-bytes", Default: "1MiB", Help: "largest accepted JSON request body (larger bodies get 413)"},
	{Env: "RAKKR_CORS_ORIGINS", Flag: "cors-origins", Help: "comma-separated origins allowed by CORS; empty disables CORS"},
	{Env: "RAKKR_TLS_CERT", Flag: "tls-cert", Help: "PEM certificate file; with RAKKR_TLS_KEY serves HTTPS"},
	{Env: "RAKKR_TLS_KEY", Flag: "tls-key", Help: "PEM private key file for RAKKR_TLS_CERT"},
	{Env: "RAKKR_METRICS_TOKEN", Flag: "metrics-token", Help: "static bearer token accepted by GET /metrics (besides a metrics:read user)", Secret: true},
	{Env: "RAKKR_TRUSTED_PROXIES", Flag: "trusted-proxies", Help: "comma-separated proxy addresses whose X-Forwarded-For is trusted; empty trusts none"},
	{Env: "RAKKR_NODE_OFFLINE_AFTER", Flag: "node-offline-after", Default: "120s", Help: "a node without a heartbeat for this long is offline; 0 disables offline detection"},
	{Env: "RAKKR_METER_HISTORY", Flag: "meter-history", Default: "600", Help: "live meter frames kept in memory per interface (600 = 60 s at 10 frames/s)"},
	{Env: "RAKKR_LOGIN_MAX_FAILURES", Flag: "login-max-failures", Default: "5", Help: "failed logins per account or client address before back-off starts"},
}

// Values is a parsed set of settings keyed by env name.
type Values map[string]string

// Parse reads settings from flags (highest precedence), then the environment,
// then defaults.
func Parse(settings []Setting, args []string, name string) (Values, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	ptrs := map[string]*string{}
	for _, s := range settings {
		def := s.Default
		if v, ok := os.LookupEnv(s.Env); ok {
			def = v
		}
		help := fmt.Sprintf("%s (env %s)", s.Help, s.Env)
		if s.Secret {
			// Never print a secret as a flag default in -h output.
			ptrs[s.Env] = fs.String(s.Flag, "", help)
			if def != "" {
				*ptrs[s.Env] = def
			}
			continue
		}
		if s.Default == "true" || s.Default == "false" {
			// Boolean settings work as bare flags too: --dev means --dev=true.
			b := &boolText{v: def}
			fs.Var(b, s.Flag, help)
			ptrs[s.Env] = &b.v
			continue
		}
		ptrs[s.Env] = fs.String(s.Flag, def, help)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	v := Values{}
	for env, p := range ptrs {
		v[env] = strings.TrimSpace(*p)
	}
	return v, nil
}

// Bool parses a boolean setting.
func (v Values) Bool(env string) (bool, error) {
	s := v[env]
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%s: %q is not a boolean", env, s)
	}
	return b, nil
}

// Duration parses a Go duration setting ("120s", "5m").
func (v Values) Duration(env string) (time.Duration, error) {
	d, err := time.ParseDuration(v[env])
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: %q is not a duration like 120s or 5m", env, v[env])
	}
	return d, nil
}

// Int parses an integer setting.
func (v Values) Int(env string) (int, error) {
	n, err := strconv.Atoi(v[env])
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not an integer", env, v[env])
	}
	return n, nil
}

// Size parses a byte size such as "512MiB", "1MB" or "4096".
func (v Values) Size(env string) (int64, error) {
	n, err := ParseSize(v[env])
	if err != nil {
		return 0, fmt.Errorf("%s: %w", env, err)
	}
	return n, nil
}

// ParseSize parses a byte size with an optional B, KB, MB, GB, KiB, MiB or GiB suffix.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("not a size like 512MiB or 4096")
	}
	return n * mult, nil
}

// SecretKey decodes RAKKR_SECRET_KEY: 32 bytes as standard base64 or 64 hex characters.
func SecretKey(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, errors.New("RAKKR_SECRET_KEY must be 32 bytes as standard base64 or 64 hex characters")
	}
	return b, nil
}

// boolText is a flag.Value that accepts a bare flag as "true" and keeps the
// text, so that Values.Bool reports a bad value with the setting's name.
type boolText struct{ v string }

func (b *boolText) String() string     { return b.v }
func (b *boolText) Set(v string) error { b.v = v; return nil }
func (b *boolText) IsBoolFlag() bool   { return true }
