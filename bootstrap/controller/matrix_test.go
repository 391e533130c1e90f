package controller

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/bootstrap/settings"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/test/dbtest"
)

const ownerPassword = "matrix-owner-password"

// newTestController wires a real controller in process on the given store.
func newTestController(t *testing.T, env map[string]string) *Controller {
	t.Helper()
	t.Setenv("RAKKR_DEV", "true")
	t.Setenv("RAKKR_ADMIN_EMAIL", "owner@example.org")
	t.Setenv("RAKKR_ADMIN_PASSWORD", ownerPassword)
	t.Setenv("RAKKR_LOGIN_MAX_FAILURES", "1000")
	for k, v := range env {
		t.Setenv(k, v)
	}
	v, err := settings.Parse(settings.ControllerSettings, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(context.Background(), v, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

type client struct {
	t *testing.T
	h http.Handler
}

func (cl client) do(method, path, token string, body any) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	cl.h.ServeHTTP(w, req)
	return w
}

func (cl client) login(email, password string) string {
	cl.t.Helper()
	w := cl.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	if w.Code != 200 {
		cl.t.Fatalf("login %s: %d %s", email, w.Code, w.Body)
	}
	var r struct{ Data struct{ Token string } }
	_ = json.Unmarshal(w.Body.Bytes(), &r)
	return r.Data.Token
}

var param = regexp.MustCompile(`[:*][A-Za-z0-9_]+`)

type auditRow struct {
	Action, Outcome, Reason, Permission string
}

// newRows returns the audit rows written after seq and the new high seq.
func newRows(t *testing.T, c *Controller, after int64) ([]auditRow, int64) {
	t.Helper()
	var rows []struct {
		Seq                                 int64
		Action, Outcome, Reason, Permission string
	}
	if err := c.DB.Gorm.Raw("SELECT seq, action, outcome, reason, permission FROM audit_events WHERE seq > ? ORDER BY seq", after).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]auditRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, auditRow{r.Action, r.Outcome, r.Reason, r.Permission})
		after = r.Seq
	}
	return out, after
}

// TestRouteRoleMatrix calls every registered route as each of the five roles
// and as an anonymous caller, and checks the status against the permission
// catalog and that each decision left an audit row with the right outcome.
func TestRouteRoleMatrix(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			env := map[string]string{"RAKKR_DATA_DIR": t.TempDir()}
			if store == "postgres" {
				env["RAKKR_DATABASE_URL"] = dbtest.PostgresURL(t)
			}
			c := newTestController(t, env)
			runMatrix(t, c)
		})
	}
}

func runMatrix(t *testing.T, c *Controller) {
	cl := client{t: t, h: c.Handler}
	owner := cl.login("owner@example.org", ownerPassword)
	tokens := map[access.Role]string{access.RoleOwner: owner}
	for _, role := range access.AllRoles[1:] {
		email := string(role) + "@example.org"
		w := cl.do("POST", "/api/v1/auth/users", owner, map[string]any{"email": email, "name": string(role), "password": "matrix-password-" + string(role), "roles": []string{string(role)}})
		if w.Code != 201 {
			t.Fatalf("create %s: %d %s", role, w.Code, w.Body)
		}
		tokens[role] = cl.login(email, "matrix-password-"+string(role))
	}
	_, seq := newRows(t, c, 0)
	routes := c.Handler.Routes()
	if len(routes) < 30 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, r := range routes {
		path := param.ReplaceAllString(r.Path, "matrix-probe")
		var body any
		if r.Method != http.MethodGet && r.Method != http.MethodDelete {
			body = map[string]any{}
		}
		subjects := append([]access.Role{""}, access.AllRoles...)
		for _, role := range subjects {
			token := tokens[role]
			if role != "" && strings.HasSuffix(r.Path, "/logout") {
				token = cl.login(loginOf(role))
			}
			w := cl.do(r.Method, path, token, body)
			var rows []auditRow
			rows, seq = newRows(t, c, seq)
			who := string(role)
			if who == "" {
				who = "anonymous"
			}
			name := r.Method + " " + r.Path + " as " + who
			switch r.Access {
			case httpapi.AccessPublic:
				if w.Code == 401 || w.Code == 403 || w.Code >= 500 {
					t.Errorf("%s: public route answered %d %s", name, w.Code, w.Body)
				}
			case httpapi.AccessCustom:
				if r.Permission == "" {
					// Credential exchanges (an agent's bootstrap token) take no
					// user credential: an empty body is a 4xx for every caller.
					if w.Code < 400 || w.Code >= 500 {
						t.Errorf("%s: %d, want a 4xx", name, w.Code)
					}
					break
				}
				want := 200
				if role == "" {
					want = 401
				} else if !access.RolesGrant([]access.Role{role}, r.Permission) {
					want = 403
				}
				if w.Code != want {
					t.Errorf("%s: %d, want %d", name, w.Code, want)
				}
			case httpapi.AccessAuthenticated:
				if role == "" {
					expectDenial(t, name, w, rows, 401, r, string(access.ReasonUnauthenticated))
				} else if w.Code == 401 || w.Code == 403 || w.Code >= 500 {
					t.Errorf("%s: %d %s", name, w.Code, w.Body)
				}
			case httpapi.AccessPermission:
				if r.Action == "" {
					t.Errorf("%s: permission route without an audit action", name)
				}
				switch {
				case role == "":
					expectDenial(t, name, w, rows, 401, r, string(access.ReasonUnauthenticated))
				case access.RolesGrant([]access.Role{role}, r.Permission):
					if w.Code == 401 || w.Code == 403 || w.Code >= 500 {
						t.Errorf("%s: role holds %s but got %d %s", name, r.Permission, w.Code, w.Body)
					}
					if !slices.ContainsFunc(rows, func(a auditRow) bool {
						return a.Action == r.Action+".allowed" && a.Outcome == "allowed" && a.Permission == string(r.Permission)
					}) {
						t.Errorf("%s: no allowed decision row in %v", name, rows)
					}
				default:
					expectDenial(t, name, w, rows, 403, r, string(access.ReasonMissingPerm))
					if !strings.Contains(w.Body.String(), string(r.Permission)) {
						t.Errorf("%s: 403 does not name %s: %s", name, r.Permission, w.Body)
					}
				}
			}
		}
	}
}

func loginOf(role access.Role) (string, string) {
	if role == access.RoleOwner {
		return "owner@example.org", ownerPassword
	}
	return string(role) + "@example.org", "matrix-password-" + string(role)
}

func expectDenial(t *testing.T, name string, w *httptest.ResponseRecorder, rows []auditRow, status int, r httpapi.Route, reason string) {
	t.Helper()
	if w.Code != status {
		t.Errorf("%s: %d, want %d (%s)", name, w.Code, status, w.Body)
		return
	}
	if !slices.ContainsFunc(rows, func(a auditRow) bool { return a.Outcome == "denied" && a.Reason == reason }) {
		t.Errorf("%s: no denied/%s audit row in %v", name, reason, rows)
	}
}

// TestOpenAPIMatchesRegisteredRoutes checks every Gin route is in the served
// document and every documented operation is a registered route.
func TestOpenAPIMatchesRegisteredRoutes(t *testing.T) {
	c := newTestController(t, map[string]string{"RAKKR_DATA_DIR": t.TempDir()})
	w := client{t: t, h: c.Handler}.do("GET", "/api/v1/openapi.json", "", nil)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, gr := range c.Handler.Engine().Routes() {
		key := gr.Method + " " + httpapi.OpenAPIPath(gr.Path)
		registered[key] = true
		if _, ok := doc.Paths[httpapi.OpenAPIPath(gr.Path)][strings.ToLower(gr.Method)]; !ok {
			t.Errorf("registered route %s is not in the OpenAPI document", key)
		}
	}
	ops := 0
	for p, item := range doc.Paths {
		for m := range item {
			ops++
			if !registered[strings.ToUpper(m)+" "+p] {
				t.Errorf("documented operation %s %s is not registered", strings.ToUpper(m), p)
			}
		}
	}
	if ops != len(registered) {
		t.Errorf("%d documented operations, %d registered routes", ops, len(registered))
	}
}
