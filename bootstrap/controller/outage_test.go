package controller

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/test/dbtest"
)

// TestDatabaseOutageIs503NotAFallback cuts the controller off from its
// Postgres database: readiness and API calls answer 503
// database.unavailable (never a silent fallback), and both recover when the
// database is back.
func TestDatabaseOutageIs503NotAFallback(t *testing.T) {
	dsn := dbtest.PostgresURL(t)
	c := newTestController(t, map[string]string{"RAKKR_DATA_DIR": t.TempDir(), "RAKKR_DATABASE_URL": dsn})
	cl := client{t: t, h: c.Handler}
	owner := cl.login("owner@example.org", ownerPassword)

	u, _ := url.Parse(dsn)
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := gormstore.Open(context.Background(), gormstore.Options{DatabaseURL: os.Getenv("RAKKR_TEST_DATABASE_URL"), MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	exec := func(sql string) {
		t.Helper()
		if err := admin.Gorm.Exec(sql).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false")
	exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'")

	if w := cl.do("GET", "/readyz", "", nil); w.Code != 503 || !strings.Contains(w.Body.String(), "unavailable") {
		t.Fatalf("readyz during outage: %d %s", w.Code, w.Body)
	}
	for _, call := range []struct{ method, path, token string }{
		{"GET", "/api/v1/auth/me", owner},
		{"GET", "/api/v1/auth/users", owner},
	} {
		w := cl.do(call.method, call.path, call.token, nil)
		if w.Code != 503 || !strings.Contains(w.Body.String(), `"database.unavailable"`) {
			t.Fatalf("%s %s during outage: %d %s", call.method, call.path, w.Code, w.Body)
		}
	}
	w := cl.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "owner@example.org", "password": ownerPassword})
	if w.Code != 503 {
		t.Fatalf("login during outage: %d %s", w.Code, w.Body)
	}

	exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true")
	if w := cl.do("GET", "/readyz", "", nil); w.Code != 200 {
		t.Fatalf("readyz after recovery: %d %s", w.Code, w.Body)
	}
	if w := cl.do("GET", "/api/v1/auth/me", owner, nil); w.Code != 200 {
		t.Fatalf("me after recovery: %d %s", w.Code, w.Body)
	}
	if w := cl.do("GET", "/api/v1/audit-events/verify", owner, nil); w.Code != 200 || !strings.Contains(w.Body.String(), `"ok":true`) {
		t.Fatalf("audit chain after the outage: %d %s", w.Code, w.Body)
	}
}
