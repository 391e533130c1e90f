// Package controller is the composition root of the rakkr controller: it
// reads settings, opens the database, wires adapters, use cases, handlers
// and runners, and owns their start and stop order.
package controller

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/bootstrap/settings"
)

// Run is the `rakkr` command: serve, migrate, audit verify, version.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"serve"}
	}
	switch args[0] {
	case "serve":
		return exitCode(stderr, serve(ctx, args[1:], stdout, stderr))
	case "migrate":
		return exitCode(stderr, migrate(ctx, args[1:], stdout, stderr))
	case "audit":
		if len(args) < 2 || args[1] != "verify" {
			fmt.Fprintln(stderr, "usage: rakkr audit verify [flags]")
			return 2
		}
		return auditVerify(ctx, args[2:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "rakkr", settings.Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "rakkr: unknown command %q\n%s", args[0], usage)
	return 2
}

const usage = `usage: rakkr <command> [flags]

commands:
  serve          run the controller (default); flags mirror RAKKR_* variables (rakkr serve -h)
  migrate        apply pending database migrations and exit
  audit verify   check the audit hash chain; exit 1 when it is broken
  version        print the version
`

func exitCode(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errUsage) {
		return 2
	}
	fmt.Fprintln(stderr, "rakkr:", err)
	return 1
}

var errUsage = errors.New("usage")

func newLogger(v settings.Values, w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(v["RAKKR_LOG_LEVEL"])); err != nil {
		return nil, fmt.Errorf("RAKKR_LOG_LEVEL: %q is not debug, info, warn or error", v["RAKKR_LOG_LEVEL"])
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch v["RAKKR_LOG_FORMAT"] {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("RAKKR_LOG_FORMAT: %q is not text or json", v["RAKKR_LOG_FORMAT"])
}

func parseSettings(args []string, name string, stderr io.Writer) (settings.Values, *slog.Logger, error) {
	v, err := settings.Parse(settings.ControllerSettings, args, name)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, errUsage
		}
		return nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	log, err := newLogger(v, stderr)
	if err != nil {
		return nil, nil, err
	}
	return v, log, nil
}

func openDB(ctx context.Context, v settings.Values, log *slog.Logger) (*gormstore.DB, error) {
	db, err := gormstore.Open(ctx, gormstore.Options{DatabaseURL: v["RAKKR_DATABASE_URL"], DataDir: v["RAKKR_DATA_DIR"]})
	if err != nil {
		return nil, err
	}
	version, err := db.Migrate(ctx, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	log.Info("database ready", "dialect", db.Dialect, "schemaVersion", version)
	return db, nil
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	v, log, err := parseSettings(args, "rakkr migrate", stderr)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, v, log)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}

func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	v, log, err := parseSettings(args, "rakkr audit verify", stderr)
	if err != nil {
		return exitCode(stderr, err)
	}
	db, err := openDB(ctx, v, log)
	if err != nil {
		return exitCode(stderr, err)
	}
	defer db.Close()
	svc := auditing.NewService(gormstore.NewAuditStore(db))
	res, err := svc.Verify(ctx)
	if err != nil {
		return exitCode(stderr, err)
	}
	if res.OK {
		fmt.Fprintf(stdout, "audit chain OK: %d rows checked\n", res.Checked)
		return 0
	}
	fmt.Fprintf(stdout, "audit chain BROKEN at row %s (seq %d): %s; %d rows checked\n", res.FirstBrokenID, res.FirstBrokenSeq, res.Problem, res.Checked)
	return 1
}
