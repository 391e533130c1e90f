package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/application/identity"
	"github.com/rakkr/rakkr/application/identity/identitytest"
	"github.com/rakkr/rakkr/domain/access"
)

// authAllowAll is an Authorizer that allows everything (the Casbin
// decisions are tested with the Casbin adapter).
type authAllowAll struct{}

func (authAllowAll) Decide(_ context.Context, _ access.Principal, perm access.Permission, t access.Ref) (access.Decision, error) {
	return access.Decision{Allowed: true, Reason: access.ReasonGranted, Permission: perm, Target: t}, nil
}

// authAPI is the auth module on a real edge over in-memory stores.
type authAPI struct {
	srv   *Server
	svc   *identity.Service
	audit *identitytest.Audit
	clock *identitytest.Clock
	owner string // the owner's bearer token
}

const authOwnerPassword = "owner password 1"

func newAuthAPI(t testing.TB) *authAPI {
	t.Helper()
	mem := identitytest.NewMemory()
	a := &authAPI{audit: &identitytest.Audit{}, clock: identitytest.NewClock(identitytest.T0)}
	svc, err := identity.New(identity.Deps{Tx: identitytest.Tx{}, Users: mem.Users, Groups: mem.Groups, Sessions: mem.Sessions,
		Tokens: mem.Tokens, Hasher: &identitytest.Hasher{}, Bindings: identitytest.NewBindings(),
		Permissions: identitytest.Permissions{}, Audit: a.audit, Clock: a.clock})
	if err != nil {
		t.Fatal(err)
	}
	a.svc = svc
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a.srv, err = New(Deps{Log: log, Authenticator: svc, Authorizer: authAllowAll{}, Audit: a.audit}, Options{}, &AuthModule{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.EnsureOwner(context.Background(), "owner@example.org", "Olga Owner", authOwnerPassword); err != nil {
		t.Fatal(err)
	}
	w := a.call(t, http.MethodPost, "/api/v1/auth/login", "", `{"email":"owner@example.org","password":"`+authOwnerPassword+`"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("owner login: %d %s", w.Code, w.Body)
	}
	a.owner = authData(t, w)["token"].(string)
	return a
}

func (a *authAPI) call(t testing.TB, method, path, bearer, body string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.RemoteAddr = "192.0.2.10:40000"
	req.Header.Set("User-Agent", "authtest")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	return w
}

// authBody decodes an envelope.
func authBody(t testing.TB, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	return m
}

func authData(t testing.TB, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	d, ok := authBody(t, w)["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object in %s", w.Body)
	}
	return d
}

// authError checks the status and error code of a response.
func authError(t testing.TB, w *httptest.ResponseRecorder, status int, code string) map[string]any {
	t.Helper()
	e, _ := authBody(t, w)["error"].(map[string]any)
	if w.Code != status || e == nil || e["code"] != code {
		t.Fatalf("got %d %s, want %d %s", w.Code, w.Body, status, code)
	}
	return e
}

func authKeys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func TestAuthLoginShape(t *testing.T) {
	a := newAuthAPI(t)
	w := a.call(t, http.MethodPost, "/api/v1/auth/login", "", `{"email":" OWNER@example.org","password":"`+authOwnerPassword+`"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	d := authData(t, w)
	if got := authKeys(d); got != "expiresAt,sessionId,token,user" {
		t.Fatalf("login keys %s", got)
	}
	u := d["user"].(map[string]any)
	if got := authKeys(u); got != "createdAt,disabled,email,grants,groups,id,name,provider,roles,updatedAt" {
		t.Fatalf("user keys %s", got)
	}
	if u["email"] != "owner@example.org" || u["provider"] != "local" || u["roles"].([]any)[0] != "owner" ||
		!strings.HasPrefix(d["token"].(string), "rakkr_") || strings.Contains(w.Body.String(), "fake$") {
		t.Fatalf("login %s", w.Body)
	}
	if _, ok := authBody(t, w)["error"]; ok {
		t.Fatal("error in a success")
	}
}

func TestAuthLoginFailures(t *testing.T) {
	a := newAuthAPI(t)
	login := func(body string) *httptest.ResponseRecorder {
		return a.call(t, http.MethodPost, "/api/v1/auth/login", "", body)
	}
	authError(t, login(`{"email":"owner@example.org","password":"nope nope nope"}`), http.StatusUnauthorized, "auth.invalidCredentials")
	e := authError(t, login(`{"email":"owner@example.org","password":"x","remember":true}`), http.StatusBadRequest, "request.invalid")
	if !strings.Contains(e["message"].(string), "remember") {
		t.Fatalf("unknown field not named: %v", e)
	}
	e = authError(t, login(`{"email":"owner@example.org","password":12}`), http.StatusBadRequest, "request.invalid")
	if !strings.Contains(e["message"].(string), "password") {
		t.Fatalf("wrong type not named: %v", e)
	}
	authError(t, login(`{}`), http.StatusBadRequest, "request.invalid")
	for i := 0; i < 4; i++ {
		authError(t, login(`{"email":"owner@example.org","password":"nope nope nope"}`), http.StatusUnauthorized, "auth.invalidCredentials")
	}
	w := login(`{"email":"owner@example.org","password":"` + authOwnerPassword + `"}`)
	e = authError(t, w, http.StatusTooManyRequests, "auth.throttled")
	if w.Header().Get("Retry-After") != "1" || e["details"].(map[string]any)["retryAfterSeconds"] != float64(1) {
		t.Fatalf("Retry-After %q, details %v", w.Header().Get("Retry-After"), e["details"])
	}
	if got := a.audit.Actions(); got[len(got)-1] != "auth.login.failed:throttled" {
		t.Fatalf("audit %v", got[len(got)-3:])
	}
}

func TestAuthMeAndLogout(t *testing.T) {
	a := newAuthAPI(t)
	authError(t, a.call(t, http.MethodGet, "/api/v1/auth/me", "", ""), http.StatusUnauthorized, "auth.unauthenticated")
	w := a.call(t, http.MethodGet, "/api/v1/auth/me", a.owner, "")
	d := authData(t, w)
	if w.Code != http.StatusOK || authKeys(d) != "groups,permissions,roles,sessionId,user" || len(d["permissions"].([]any)) != len(access.AllPermissions) {
		t.Fatalf("me %d %s", w.Code, w.Body)
	}
	w = a.call(t, http.MethodPost, "/api/v1/auth/logout", a.owner, "")
	if w.Code != http.StatusOK || authData(t, w)["loggedOut"] != true {
		t.Fatalf("logout %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodGet, "/api/v1/auth/me", a.owner, ""), http.StatusUnauthorized, "auth.invalidToken")
}

func TestAuthTokens(t *testing.T) {
	a := newAuthAPI(t)
	w := a.call(t, http.MethodPost, "/api/v1/auth/tokens", a.owner, `{"name":"ci","permissions":["node:read"],"expiresAt":"2027-01-01T00:00:00Z"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create %d %s", w.Code, w.Body)
	}
	d := authData(t, w)
	secret := d["token"].(string)
	if !strings.HasPrefix(secret, d["prefix"].(string)) || !strings.HasPrefix(secret, "rakkr_pat_") {
		t.Fatalf("token %v", d)
	}
	w = a.call(t, http.MethodGet, "/api/v1/auth/me", secret, "")
	if w.Code != http.StatusOK || authData(t, w)["permissions"].([]any)[0] != "node:read" || authData(t, w)["tokenId"] != d["id"] {
		t.Fatalf("me by token %d %s", w.Code, w.Body)
	}
	w = a.call(t, http.MethodGet, "/api/v1/auth/tokens", a.owner, "")
	list := authBody(t, w)["data"].([]any)
	if w.Code != http.StatusOK || len(list) != 1 || strings.Contains(w.Body.String(), secret) || strings.Contains(w.Body.String(), "Hash") {
		t.Fatalf("list %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodPost, "/api/v1/auth/tokens", a.owner, `{"name":"x","expiresAt":"tomorrow"}`), http.StatusBadRequest, "request.invalid")
	authError(t, a.call(t, http.MethodPost, "/api/v1/auth/tokens", secret, `{"name":"x","permissions":["auth:manage"]}`), http.StatusBadRequest, "request.invalid")
	authError(t, a.call(t, http.MethodPost, "/api/v1/auth/logout", secret, ""), http.StatusBadRequest, "auth.notASession")
	authError(t, a.call(t, http.MethodDelete, "/api/v1/auth/tokens/nope", a.owner, ""), http.StatusNotFound, "token.notFound")
	w = a.call(t, http.MethodDelete, "/api/v1/auth/tokens/"+d["id"].(string), a.owner, "")
	if w.Code != http.StatusOK || authData(t, w)["revokedAt"] == nil {
		t.Fatalf("revoke %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodGet, "/api/v1/auth/me", secret, ""), http.StatusUnauthorized, "auth.invalidToken")
}

func TestAuthRoutesInOpenAPI(t *testing.T) {
	a := newAuthAPI(t)
	paths := a.srv.OpenAPI()["paths"].(map[string]any)
	for _, r := range (&AuthModule{}).Routes() {
		item, ok := paths[OpenAPIPath(r.Path)].(map[string]any)
		if !ok || item[strings.ToLower(r.Method)] == nil {
			t.Errorf("%s %s missing from the OpenAPI document", r.Method, r.Path)
		}
		if r.Access == AccessPermission && (r.Permission != access.AuthManage || r.Action == "") {
			t.Errorf("%s %s: permission %q action %q", r.Method, r.Path, r.Permission, r.Action)
		}
	}
	if !slices.ContainsFunc((&AuthModule{}).Routes(), func(r Route) bool { return r.Access == AccessPublic && strings.HasSuffix(r.Path, "/login") }) {
		t.Fatal("login is not public")
	}
}
