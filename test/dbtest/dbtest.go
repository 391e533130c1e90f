// Package dbtest gives tests real, migrated databases: a fresh SQLite file
// and, when RAKKR_TEST_DATABASE_URL names a Postgres server, a fresh Postgres
// database per call. Under CI=true a missing Postgres fails the test.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/adapters/gormstore"
)

// Case is one store implementation under test.
type Case struct {
	Name string
	DB   *gormstore.DB
	// URL is the Postgres DSN of this database ("" for SQLite), so that a test
	// can reopen it (restart tests) or start a binary against it.
	URL string
	// Dir is the SQLite data directory ("" for Postgres).
	Dir string
}

// SQLite opens and migrates a new SQLite database in a temp dir.
func SQLite(t testing.TB) Case {
	t.Helper()
	dir := t.TempDir()
	db, err := gormstore.Open(context.Background(), gormstore.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return Case{Name: "sqlite", DB: db, Dir: dir}
}

// PostgresURL creates an empty database on the test server and returns its
// DSN, dropping it when the test ends. It skips the test when no server is
// configured, or fails it under CI=true.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("RAKKR_TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("RAKKR_TEST_DATABASE_URL is not set: Postgres is required under CI=true (run through make test)")
		}
		t.Skip("RAKKR_TEST_DATABASE_URL not set; run through make test for Postgres")
	}
	admin, err := gormstore.Open(context.Background(), gormstore.Options{DatabaseURL: base, MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("connect test postgres: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "rakkr_t_" + hex.EncodeToString(b)
	if err := admin.Gorm.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		a, err := gormstore.Open(context.Background(), gormstore.Options{DatabaseURL: base, MaxOpenConns: 1})
		if err == nil {
			a.Gorm.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse RAKKR_TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Postgres opens and migrates a new Postgres database.
func Postgres(t testing.TB) Case {
	t.Helper()
	dsn := PostgresURL(t)
	db, err := gormstore.Open(context.Background(), gormstore.Options{DatabaseURL: dsn})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return Case{Name: "postgres", DB: db, URL: dsn}
}

// All returns every real store: SQLite always, Postgres when configured
// (a failure under CI=true when it is not).
func All(t *testing.T) []Case {
	t.Helper()
	cases := []Case{SQLite(t)}
	if os.Getenv("RAKKR_TEST_DATABASE_URL") != "" || os.Getenv("CI") == "true" {
		cases = append(cases, Postgres(t))
	}
	return cases
}

// Each runs fn as a subtest against every real store.
func Each(t *testing.T, fn func(t *testing.T, c Case)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			var c Case
			if name == "sqlite" {
				c = SQLite(t)
			} else {
				c = Postgres(t)
			}
			fn(t, c)
		})
	}
}

// Redact hides the password in a DSN for test logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return strings.Repeat("*", 8)
	}
	return u.Redacted()
}
