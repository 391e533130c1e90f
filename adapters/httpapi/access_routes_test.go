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

	"github.com/rakkr/rakkr/adapters/casbinauthz"
	accessapp "github.com/rakkr/rakkr/application/access"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/test/dbtest"
)

// accessAuthn takes the bearer as the user id of a known user.
type accessAuthn map[string]access.Principal

func (a accessAuthn) Authenticate(_ context.Context, bearer string) (access.Principal, error) {
	p, ok := a[bearer]
	if !ok {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return p, nil
}

// accessAudit keeps audit rows in memory.
type accessAudit struct {
	mu   sync.Mutex
	rows []audit.Event
}

func (a *accessAudit) Record(_ context.Context, e audit.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rows = append(a.rows, e)
	return nil
}

func (a *accessAudit) actions() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, e := range a.rows {
		out = append(out, e.Action+"."+string(e.Outcome))
	}
	return out
}

// newAccessAPI serves the access module with the Casbin authorizer on a
// real SQLite database: "admin" is an admin, "viewer" a viewer.
func newAccessAPI(t *testing.T) (*Server, *accessAudit) {
	t.Helper()
	c := dbtest.SQLite(t)
	ctx := context.Background()
	authz, err := casbinauthz.New(ctx, c.DB)
	if err != nil {
		t.Fatal(err)
	}
	users := accessAuthn{}
	for id, role := range map[string]access.Role{"admin": access.RoleAdmin, "viewer": access.RoleViewer} {
		if err := authz.SetUserAccess(ctx, id, []access.Role{role}, nil, nil); err != nil {
			t.Fatal(err)
		}
		users[id] = access.Principal{Kind: access.PrincipalUser, ID: id, Name: id, Roles: []access.Role{role}}
	}
	rec := &accessAudit{}
	svc, err := accessapp.NewService(c.DB, authz, rec)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Authenticator: users, Authorizer: authz, Audit: rec},
		Options{}, &AccessModule{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	return srv, rec
}

func accessCall(srv http.Handler, method, path, bearer, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	return w
}

// accessDecode decodes the data of a success envelope into v.
func accessDecode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	var env struct{ Data json.RawMessage }
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		t.Fatalf("data %s: %v", env.Data, err)
	}
}

// accessIssueFields returns the code and the invalid field names of an error.
func accessIssueFields(t *testing.T, w *httptest.ResponseRecorder) (string, []string) {
	t.Helper()
	var env struct {
		Error struct {
			Code    string
			Details struct{ Issues []errs.FieldIssue }
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatalf("body %s: %v", w.Body, err)
	}
	var fields []string
	for _, is := range env.Error.Details.Issues {
		fields = append(fields, is.Field)
	}
	return env.Error.Code, fields
}

func TestAccessPoliciesReplaceAndList(t *testing.T) {
	srv, rec := newAccessAPI(t)
	const path = "/api/v1/auth/access-policies"
	body := `{"policies":[
		{"effect":"deny","subjectType":"everyone","resourceType":"room","resourceId":"vault","reason":"legal hold"},
		{"effect":"allow","subjectType":"group","subjectId":"eng","resourceType":"*","resourceId":"*"}]}`
	var got AccessPoliciesBody
	accessDecode(t, accessCall(srv, http.MethodPut, path, "admin", body), &got)
	want := []AccessPolicyBody{
		{Effect: "deny", SubjectType: "everyone", ResourceType: "room", ResourceID: "vault", Reason: "legal hold"},
		{Effect: "allow", SubjectType: "group", SubjectID: "eng", ResourceType: "*", ResourceID: "*"},
	}
	if len(got.Policies) != 2 || got.Policies[0] != want[0] || got.Policies[1] != want[1] {
		t.Errorf("PUT answered %+v", got.Policies)
	}
	var listed AccessPoliciesBody
	accessDecode(t, accessCall(srv, http.MethodGet, path, "admin", ""), &listed)
	if len(listed.Policies) != 2 || listed.Policies[0] != want[0] {
		t.Errorf("GET answered %+v", listed.Policies)
	}
	acts := strings.Join(rec.actions(), " ")
	for _, a := range []string{"auth.policies.replace.allowed", "auth.policies.replace.succeeded", "auth.policies.list.allowed"} {
		if !strings.Contains(acts, a) {
			t.Errorf("audit rows %q lack %s", acts, a)
		}
	}
	// An empty list removes every policy; a missing list is refused.
	accessDecode(t, accessCall(srv, http.MethodPut, path, "admin", `{"policies":[]}`), &got)
	if len(got.Policies) != 0 {
		t.Errorf("after an empty PUT: %+v", got.Policies)
	}
	w := accessCall(srv, http.MethodPut, path, "admin", `{}`)
	if code, fields := accessIssueFields(t, w); w.Code != http.StatusBadRequest || code != "request.invalid" || len(fields) != 1 || fields[0] != "policies" {
		t.Errorf("PUT {}: %d %s", w.Code, w.Body)
	}
}

func TestAccessPoliciesValidation(t *testing.T) {
	srv, rec := newAccessAPI(t)
	const path = "/api/v1/auth/access-policies"
	cases := []struct {
		name, body string
		fields     []string
	}{
		{"effect", `{"policies":[{"effect":"maybe","subjectType":"everyone","resourceType":"room","resourceId":"r1"}]}`, []string{"policies[0].effect"}},
		{"second policy", `{"policies":[{"effect":"allow","subjectType":"everyone","resourceType":"room","resourceId":"r1"},
			{"effect":"deny","subjectType":"group","resourceType":"planet","resourceId":"x"}]}`, []string{"policies[1].subjectId", "policies[1].resourceType"}},
		{"unknown field", `{"policies":[{"efect":"allow"}]}`, []string{"efect"}},
		{"wrong type", `{"policies":[{"effect":1}]}`, []string{"policies.effect"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := accessCall(srv, http.MethodPut, path, "admin", tc.body)
			code, fields := accessIssueFields(t, w)
			if w.Code != http.StatusBadRequest || code != "request.invalid" || strings.Join(fields, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("got %d %s, want 400 naming %v", w.Code, w.Body, tc.fields)
			}
		})
	}
	if acts := strings.Join(rec.actions(), " "); !strings.Contains(acts, "auth.policies.replace.failed") || strings.Contains(acts, "succeeded") {
		t.Errorf("audit rows after invalid PUTs: %s", acts)
	}
}

func TestAccessPoliciesNeedAuthManage(t *testing.T) {
	srv, _ := newAccessAPI(t)
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		w := accessCall(srv, m, "/api/v1/auth/access-policies", "viewer", `{"policies":[]}`)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "missing_permission") {
			t.Errorf("%s as viewer: %d %s", m, w.Code, w.Body)
		}
		if w := accessCall(srv, m, "/api/v1/auth/access-policies", "", `{"policies":[]}`); w.Code != http.StatusUnauthorized {
			t.Errorf("%s anonymous: %d", m, w.Code)
		}
	}
	// A deny on "*" for the admin closes the policies to the admin too.
	accessCall(srv, http.MethodPut, "/api/v1/auth/access-policies", "admin",
		`{"policies":[{"effect":"deny","subjectType":"user","subjectId":"admin","resourceType":"*","resourceId":"*"}]}`)
	if w := accessCall(srv, http.MethodGet, "/api/v1/auth/access-policies", "admin", ""); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), "access_policy_denied") {
		t.Errorf("denied admin: %d %s", w.Code, w.Body)
	}
}

func TestAccessCatalogAndActions(t *testing.T) {
	srv, _ := newAccessAPI(t)
	var cat AccessCatalogResponse
	accessDecode(t, accessCall(srv, http.MethodGet, "/api/v1/auth/catalog", "viewer", ""), &cat)
	if len(cat.Permissions) != 24 || len(cat.Roles) != 5 || cat.Roles[0].Name != "owner" || len(cat.Roles[0].Permissions) != 24 {
		t.Errorf("catalog = %+v", cat)
	}
	for _, r := range cat.Roles {
		if r.Name == "viewer" && strings.Join(r.Permissions, ",") != "health:read,metrics:read,node:read,recording:download,recording:playback,recording:read,schedule:read,settings:read,switcher:read" {
			t.Errorf("viewer permissions = %v", r.Permissions)
		}
	}
	var acts map[string]ActionState
	accessDecode(t, accessCall(srv, http.MethodGet, "/api/v1/auth/actions", "viewer", ""), &acts)
	if len(acts) != 24 {
		t.Errorf("actions has %d entries, want 24", len(acts))
	}
	if s := acts["node:read"]; !s.Allowed || s.Permission != "node:read" || s.Reason != "" {
		t.Errorf("node:read = %+v", s)
	}
	if s := acts["auth:manage"]; s.Allowed || s.Reason != string(access.ReasonMissingPerm) {
		t.Errorf("auth:manage = %+v", s)
	}
	if w := accessCall(srv, http.MethodGet, "/api/v1/auth/actions", "", ""); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous actions: %d", w.Code)
	}
}

func TestAccessRoutesInOpenAPI(t *testing.T) {
	srv, _ := newAccessAPI(t)
	doc, _ := json.Marshal(srv.OpenAPI())
	for _, s := range []string{`"/api/v1/auth/access-policies"`, `"auth.policies.replace"`, `"auth.policies.list"`,
		`"AccessPoliciesBody"`, `"AccessPolicyBody"`, `"/api/v1/auth/catalog"`, `"AccessCatalogResponse"`, `"/api/v1/auth/actions"`} {
		if !strings.Contains(string(doc), s) {
			t.Errorf("OpenAPI document lacks %s", s)
		}
	}
}
