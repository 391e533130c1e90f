// Package gormstore implements the store ports with GORM on Postgres (pgx)
// or on an embedded pure-Go SQLite file. Schema changes come only from the
// versioned migrations in migrations/.
package gormstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/migrations"
	"github.com/rakkr/rakkr/ports"
)

// Dialect names the database in use.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is an open database with its dialect. SQLite allows one writer at a
// time, so its write transactions are serialized in process by writeMu.
type DB struct {
	Gorm    *gorm.DB
	Dialect Dialect
	writeMu sync.Mutex
}

// Options selects the database: a Postgres DSN, or else an SQLite file under DataDir.
type Options struct {
	DatabaseURL  string
	DataDir      string
	MaxOpenConns int
}

// Open connects to Postgres when DatabaseURL is set and otherwise opens
// DataDir/rakkr.db. It does not migrate; call Migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	cfg := &gorm.Config{Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() }, TranslateError: true}
	if o.DatabaseURL != "" {
		g, err := gorm.Open(postgres.Open(o.DatabaseURL), cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, err := g.DB()
		if err != nil {
			return nil, err
		}
		n := o.MaxOpenConns
		if n <= 0 {
			n = 20
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := sqlDB.PingContext(pingCtx); err != nil {
			return nil, fmt.Errorf("connect postgres: %w", err)
		}
		return &DB{Gorm: g, Dialect: Postgres}, nil
	}
	dir := o.DataDir
	if dir == "" {
		dir = "./data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dir, "rakkr.db")
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	g, err := gorm.Open(sqlite.Open(dsn), cfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(4)
	if err := sqlDB.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{Gorm: g, Dialect: SQLite}, nil
}

// SQL returns the underlying *sql.DB (for pool metrics and goose).
func (d *DB) SQL() *sql.DB {
	s, _ := d.Gorm.DB()
	return s
}

// Close closes the pool.
func (d *DB) Close() error { return d.SQL().Close() }

// Ping checks the database answers; /readyz uses it.
func (d *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := d.SQL().PingContext(ctx); err != nil {
		return errs.Unavailable(err)
	}
	return nil
}

func (d *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations.FS, string(d.Dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectPostgres
	if d.Dialect == SQLite {
		dialect = goose.DialectSQLite3
	}
	return goose.NewProvider(dialect, d.SQL(), sub)
}

// Migrate applies every pending migration and returns the schema version.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) (int64, error) {
	p, err := d.provider()
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	if d.Dialect == Postgres {
		// Several replicas may start at once: one migrates, the others wait.
		conn, err := d.SQL().Conn(ctx)
		if err != nil {
			return 0, err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(72271001)"); err != nil {
			return 0, fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(72271001)") //nolint:errcheck
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		if log != nil {
			log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
		}
	}
	return p.GetDBVersion(ctx)
}

type txKey struct{}

type hooksKey struct{}

type commitHooks struct{ fns []func() }

// AfterCommit runs fn after the context's transaction commits (never if it
// rolls back), or at once outside a transaction. In-memory caches (the
// Casbin enforcer, the WebSocket hub) use it so they never see uncommitted state.
func AfterCommit(ctx context.Context, fn func()) {
	if h, ok := ctx.Value(hooksKey{}).(*commitHooks); ok {
		h.fns = append(h.fns, fn)
		return
	}
	fn()
}

// Conn returns the transaction in ctx, or the pool, bound to ctx.
func (d *DB) Conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return d.Gorm.WithContext(ctx)
}

// InTx runs fn in one transaction; nested calls join the outer one. On
// SQLite, write transactions are serialized to avoid busy errors.
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	if d.Dialect == SQLite {
		d.writeMu.Lock()
		defer d.writeMu.Unlock()
	}
	var inner error
	hooks := &commitHooks{}
	err := d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		inner = fn(context.WithValue(context.WithValue(ctx, txKey{}, tx), hooksKey{}, hooks))
		return inner
	})
	if err != nil && ctx.Err() != nil {
		// A cancelled request rolls its transaction back; say so rather
		// than reporting the database as unavailable.
		return ctx.Err()
	}
	if err != nil && inner == nil {
		return Translate(err)
	}
	if err == nil {
		for _, h := range hooks.fns {
			h()
		}
	}
	return err
}

// Translate maps a database error to a domain error: not found, conflict on a
// unique key, and anything else as database.unavailable. Errors that are
// already domain errors pass through.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	var de *errs.Error
	if errors.As(err, &de) {
		return err
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return errs.ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return errs.Wrap(errs.KindConflict, "resource.conflict", "a resource with the same key exists", err)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return errs.Wrap(errs.KindConflict, "resource.referenced", "the resource is referenced by or refers to another", err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return errs.Unavailable(err)
}

var _ ports.Transactor = (*DB)(nil)
