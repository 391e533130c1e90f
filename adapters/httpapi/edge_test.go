package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
)

// edgeAuthn accepts the bearer "good" as an operator.
type edgeAuthn struct{}

func (edgeAuthn) Authenticate(_ context.Context, bearer string) (access.Principal, error) {
	if bearer == "down" {
		return access.Principal{}, errs.Unavailable(io.EOF)
	}
	if bearer != "good" {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return access.Principal{Kind: access.PrincipalUser, ID: "u1", Name: "Op", Roles: []access.Role{access.RoleOperator}}, nil
}

// edgeAuthz decides by the role catalog only.
type edgeAuthz struct{}

func (edgeAuthz) Decide(_ context.Context, p access.Principal, perm access.Permission, t access.Ref) (access.Decision, error) {
	d := access.Decision{Permission: perm, Target: t, Allowed: access.RolesGrant(p.Roles, perm), Reason: access.ReasonGranted}
	if !d.Allowed {
		d.Reason = access.ReasonMissingPerm
	}
	return d, nil
}

// edgeAudit keeps rows in memory, or fails when broken is set.
type edgeAudit struct {
	mu     sync.Mutex
	rows   []audit.Event
	broken bool
}

func (a *edgeAudit) Record(ctx context.Context, e audit.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.broken {
		return errs.Unavailable(io.ErrClosedPipe)
	}
	r, _ := audit.RequestFrom(ctx)
	e.Actor = r.Actor
	a.rows = append(a.rows, e)
	return nil
}

type edgeModule struct{ ran *int }

type echoBody struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (m edgeModule) Routes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/api/v1/echo", Permission: access.RecordingCreate, Action: "test.echo", Request: echoBody{}, Response: echoBody{},
			Handler: func(c *gin.Context) error {
				*m.ran++
				var b echoBody
				if err := Bind(c, &b); err != nil {
					return err
				}
				if b.Name == "" {
					return errs.Field("name", "is required")
				}
				return Created(c, b)
			}},
		{Method: http.MethodDelete, Path: "/api/v1/echo/:id", Permission: access.AuthManage, Action: "test.delete",
			Handler: func(c *gin.Context) error { *m.ran++; return OK(c, nil) }},
		{Method: http.MethodGet, Path: "/api/v1/boom", Access: AccessPublic,
			Handler: func(c *gin.Context) error { panic("boom") }},
		{Method: http.MethodGet, Path: "/api/v1/internal", Access: AccessPublic,
			Handler: func(c *gin.Context) error { return io.ErrUnexpectedEOF }},
	}
}

func newEdge(t *testing.T) (*Server, *edgeAudit, *int) {
	t.Helper()
	ran := 0
	a := &edgeAudit{}
	s, err := New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Authenticator: edgeAuthn{}, Authorizer: edgeAuthz{}, Audit: a},
		Options{MaxBodyBytes: 64, CORSOrigins: []string{"https://console.example"}}, edgeModule{ran: &ran})
	if err != nil {
		t.Fatal(err)
	}
	return s, a, &ran
}

func do(s http.Handler, method, path, bearer, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

func errorOf(t *testing.T, w *httptest.ResponseRecorder) errorPayload {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("body %q is not an error envelope: %v", w.Body.String(), err)
	}
	return b.Error
}

func TestChainStatusesAndEnvelope(t *testing.T) {
	s, a, ran := newEdge(t)
	cases := []struct {
		name, method, path, bearer, body string
		status                           int
		code                             string
	}{
		{"ok", "POST", "/api/v1/echo", "good", `{"name":"x","count":2}`, 201, ""},
		{"unauthenticated", "POST", "/api/v1/echo", "", `{}`, 401, "auth.unauthenticated"},
		{"bad token", "POST", "/api/v1/echo", "bad", `{}`, 401, "auth.unauthenticated"},
		{"store down", "POST", "/api/v1/echo", "down", `{}`, 503, "database.unavailable"},
		{"forbidden names permission", "DELETE", "/api/v1/echo/1", "good", ``, 403, "auth.forbidden"},
		{"invalid JSON", "POST", "/api/v1/echo", "good", `{"name":`, 400, "request.invalid"},
		{"wrong type names field", "POST", "/api/v1/echo", "good", `{"name":"x","count":"two"}`, 400, "request.invalid"},
		{"unknown field", "POST", "/api/v1/echo", "good", `{"nam":"x"}`, 400, "request.invalid"},
		{"validation", "POST", "/api/v1/echo", "good", `{"count":1}`, 400, "request.invalid"},
		{"too large", "POST", "/api/v1/echo", "good", `{"name":"` + strings.Repeat("x", 100) + `"}`, 413, "request.tooLarge"},
		{"unknown api route", "GET", "/api/v1/nope", "good", ``, 404, "route.notFound"},
		{"panic", "GET", "/api/v1/boom", "", ``, 500, "internal"},
		{"internal error hidden", "GET", "/api/v1/internal", "", ``, 500, "internal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := do(s, tc.method, tc.path, tc.bearer, tc.body)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, tc.status, w.Body)
			}
			if w.Header().Get("X-Request-Id") == "" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("missing request id or security headers: %v", w.Header())
			}
			if tc.code == "" {
				return
			}
			e := errorOf(t, w)
			if e.Code != tc.code {
				t.Fatalf("code %q, want %q (%s)", e.Code, tc.code, w.Body)
			}
			if strings.Contains(e.Message, "unexpected EOF") {
				t.Fatalf("internal error text leaked: %q", e.Message)
			}
		})
	}
	w := do(s, "DELETE", "/api/v1/echo/1", "good", "")
	if e := errorOf(t, w); !strings.Contains(e.Message, "auth:manage") {
		t.Fatalf("403 must name the permission: %q", e.Message)
	}
	w = do(s, "POST", "/api/v1/echo", "good", `{"name":"x","count":"two"}`)
	if e := errorOf(t, w); !strings.Contains(w.Body.String(), `"field":"count"`) {
		t.Fatalf("400 must list the field: %s (%v)", w.Body, e)
	}
	var denied, allowed, unauth int
	for _, r := range a.rows {
		switch {
		case r.Outcome == audit.Denied && r.Reason == string(access.ReasonUnauthenticated):
			unauth++
		case r.Outcome == audit.Denied && r.Reason == string(access.ReasonMissingPerm):
			denied++
		case r.Outcome == audit.Allowed:
			allowed++
		}
	}
	if unauth < 2 || denied < 2 || allowed < 1 {
		t.Fatalf("decision rows: unauthenticated=%d denied=%d allowed=%d", unauth, denied, allowed)
	}
	if *ran == 0 {
		t.Fatal("handler never ran")
	}
}

func TestAuditFailureStopsTheAction(t *testing.T) {
	s, a, ran := newEdge(t)
	a.broken = true
	w := do(s, "POST", "/api/v1/echo", "good", `{"name":"x"}`)
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", w.Code)
	}
	if *ran != 0 {
		t.Fatal("handler ran although its audit row could not be written")
	}
}

func TestCORSOnlyForConfiguredOrigins(t *testing.T) {
	s, _, _ := newEdge(t)
	req := httptest.NewRequest(http.MethodOptions, "/api/v1/echo", nil)
	req.Header.Set("Origin", "https://console.example")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != "https://console.example" {
		t.Fatalf("preflight from allowed origin: %d %v", w.Code, w.Header())
	}
	req = httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("Origin", "https://evil.example")
	w = httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("CORS header sent to an unknown origin")
	}
}

func TestConsoleFallbackAndOpenAPI(t *testing.T) {
	s, _, _ := newEdge(t)
	w := do(s, "GET", "/recordings/abc", "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Rakkr") {
		t.Fatalf("console route: %d %s", w.Code, w.Body)
	}
	w = do(s, "GET", "/api/v1/openapi.json", "", "")
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || doc.OpenAPI == "" {
		t.Fatalf("openapi: %v %s", err, w.Body)
	}
	op, ok := doc.Paths["/api/v1/echo/{id}"]["delete"].(map[string]any)
	if !ok || op["x-rakkr-permission"] != "auth:manage" {
		t.Fatalf("openapi lacks the delete operation with its permission: %v", doc.Paths["/api/v1/echo/{id}"])
	}
}

func TestClientGoneIsNotAServerError(t *testing.T) {
	ran := 0
	a := &edgeAudit{}
	mod := routeFunc(func() []Route {
		return []Route{{Method: http.MethodPost, Path: "/api/v1/slow", Permission: access.RecordingCreate, Action: "test.slow",
			Handler: func(c *gin.Context) error { ran++; return context.Canceled }}}
	})
	s, err := New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Authenticator: edgeAuthn{}, Authorizer: edgeAuthz{}, Audit: a}, Options{}, mod)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/slow", strings.NewReader(`{}`)).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer good")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != statusClientClosed || ran != 1 {
		t.Fatalf("status %d (ran %d), want %d", w.Code, ran, statusClientClosed)
	}
	for _, r := range a.rows {
		if r.Outcome == audit.Failed {
			t.Fatalf("a request the client abandoned was audited as failed: %+v", r)
		}
	}
}

type routeFunc func() []Route

func (f routeFunc) Routes() []Route { return f() }
