// Package e2e starts the real rakkr and rakkr-agent binaries against real
// SQLite and Postgres databases and a test-defined ALSA device, and drives
// them over HTTP and WebSockets on loopback, as an operator would.
package e2e

import (
	"context"
	"github.com/rakkr/rakkr/test/harness"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/test/dbtest"
)

// storeEnv returns the environment that points a controller at a fresh
// SQLite directory or a fresh Postgres database, plus a way to open it.
func storeEnv(t *testing.T, kind string) ([]string, func() *gormstore.DB) {
	t.Helper()
	if kind == "sqlite" {
		dir := t.TempDir()
		return []string{"RAKKR_DATA_DIR=" + dir}, func() *gormstore.DB {
			db, err := gormstore.Open(context.Background(), gormstore.Options{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			return db
		}
	}
	dsn := dbtest.PostgresURL(t)
	return []string{"RAKKR_DATABASE_URL=" + dsn, "RAKKR_DATA_DIR=" + t.TempDir()}, func() *gormstore.DB {
		db, err := gormstore.Open(context.Background(), gormstore.Options{DatabaseURL: dsn})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
}

// TestControllerCoreEndToEnd walks the "done when" of the controller core on
// both stores with the real binary: first start prints the owner login, a
// viewer is refused user creation with a 403 naming auth:manage and the
// refusal is audited, restart keeps users and sessions, and a hand-edited
// audit row makes `rakkr audit verify` fail at that row.
func TestControllerCoreEndToEnd(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			env, open := storeEnv(t, kind)
			env = append(env, "RAKKR_DEV=true", "RAKKR_ADMIN_EMAIL=owner@example.org", "RAKKR_METRICS_TOKEN=scrape-secret")
			c := harness.StartController(t, env...)
			if !strings.Contains(c.Output(), "Console: http://") {
				t.Fatalf("console address not printed:\n%s", c.Output())
			}
			owner := c.Login("owner@example.org", c.GeneratedPassword())

			r := c.Call("POST", "/api/v1/auth/users", owner, map[string]any{
				"email": "viewer@example.org", "name": "Vera Viewer", "password": "viewer-password-1", "roles": []string{"viewer"}})
			if r.Status != http.StatusCreated {
				t.Fatalf("create viewer: %d %s", r.Status, r.Body)
			}
			var viewerUser struct{ ID string }
			r.Data(t, &viewerUser)
			viewer := c.Login("viewer@example.org", "viewer-password-1")

			r = c.Call("POST", "/api/v1/auth/users", viewer, map[string]any{
				"email": "x@example.org", "name": "X", "password": "another-password", "roles": []string{"owner"}})
			if r.Status != http.StatusForbidden {
				t.Fatalf("viewer creating a user: %d %s", r.Status, r.Body)
			}
			if _, msg := r.Error(t); !strings.Contains(msg, "auth:manage") {
				t.Fatalf("403 does not name auth:manage: %s", r.Body)
			}

			r = c.Call("GET", "/api/v1/audit-events?outcome=denied&actor="+viewerUser.ID, owner, nil)
			var denied []struct {
				Action     string
				Permission string
				Reason     string
			}
			r.Data(t, &denied)
			found := false
			for _, e := range denied {
				if e.Permission == "auth:manage" && e.Reason == "missing_permission" {
					found = true
				}
			}
			if !found {
				t.Fatalf("the viewer's refusal is not in the audit log: %s", r.Body)
			}

			r = c.Call("GET", "/metrics", "scrape-secret", nil)
			if r.Status != 200 || !strings.Contains(string(r.Body), "rakkr_audit_events_total") || !strings.Contains(string(r.Body), "rakkr_http_request_duration_seconds_bucket") {
				t.Fatalf("metrics: %d %.300s", r.Status, r.Body)
			}
			checkMetricsWithPromtool(t, r.Body)
			if r := c.Call("GET", "/metrics", viewer, nil); r.Status != 200 {
				t.Fatalf("viewer holds metrics:read but got %d", r.Status)
			}
			if r := c.Call("GET", "/metrics", "", nil); r.Status != 401 {
				t.Fatalf("anonymous scrape: %d", r.Status)
			}

			// A deny policy on the viewer beats the role's metrics:read.
			r = c.Call("PUT", "/api/v1/auth/access-policies", owner, map[string]any{"policies": []map[string]any{{
				"effect": "deny", "subjectType": "user", "subjectId": viewerUser.ID, "resourceType": "*", "resourceId": "*", "reason": "e2e"}}})
			if r.Status != 200 {
				t.Fatalf("set deny policy: %d %s", r.Status, r.Body)
			}
			if r := c.Call("GET", "/metrics", viewer, nil); r.Status != 403 || !strings.Contains(string(r.Body), "access_policy_denied") {
				t.Fatalf("denied viewer scraping: %d %s", r.Status, r.Body)
			}

			// Restart: users, sessions, policies and the audit chain survive.
			c.Stop()
			c = harness.StartController(t, env...)
			if r := c.Call("GET", "/api/v1/auth/me", viewer, nil); r.Status != 200 {
				t.Fatalf("viewer session lost across restart: %d %s", r.Status, r.Body)
			}
			if r := c.Call("GET", "/metrics", viewer, nil); r.Status != 403 {
				t.Fatalf("deny policy lost across restart: %d %s", r.Status, r.Body)
			}
			r = c.Call("GET", "/api/v1/audit-events/verify", owner, nil)
			var v struct {
				OK      bool
				Checked int
			}
			r.Data(t, &v)
			if !v.OK || v.Checked < 5 {
				t.Fatalf("verify after restart: %s", r.Body)
			}
			c.Stop()

			out, code := harness.RunRakkr(t, env, "audit", "verify")
			if code != 0 || !strings.Contains(out, "OK") {
				t.Fatalf("rakkr audit verify on an intact chain: exit %d\n%s", code, out)
			}
			db := open()
			var victim struct {
				ID  string
				Seq int64
			}
			if err := db.Gorm.Raw("SELECT id, seq FROM audit_events ORDER BY seq LIMIT 1 OFFSET 3").Scan(&victim).Error; err != nil || victim.ID == "" {
				t.Fatalf("pick a row: %v", err)
			}
			// The append-only triggers stop accidents; a tamperer with database
			// access drops them first, as this test does.
			if kind == "sqlite" {
				db.Gorm.Exec("DROP TRIGGER IF EXISTS audit_events_no_update")
			} else {
				db.Gorm.Exec("ALTER TABLE audit_events DISABLE TRIGGER USER")
			}
			if err := db.Gorm.Exec("UPDATE audit_events SET reason = 'edited by hand' WHERE id = ?", victim.ID).Error; err != nil {
				t.Fatal(err)
			}
			db.Close()
			out, code = harness.RunRakkr(t, env, "audit", "verify")
			if code != 1 || !strings.Contains(out, victim.ID) {
				t.Fatalf("verify after editing row %s: exit %d\n%s", victim.ID, code, out)
			}
		})
	}
}

// checkMetricsWithPromtool lints the exposition with promtool when present
// (make test installs it; under CI its absence is a failure).
func checkMetricsWithPromtool(t *testing.T, body []byte) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool not installed (make test installs the prometheus package)")
		}
		t.Log("promtool not installed; skipping the lint")
		return
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = strings.NewReader(string(body))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}
