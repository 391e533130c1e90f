package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/dbtest"
)

// auditAuthn knows two bearers: "auditor" and "viewer" (no audit:read).
type auditAuthn struct{}

func (auditAuthn) Authenticate(_ context.Context, bearer string) (access.Principal, error) {
	roles := map[string]access.Role{"auditor": access.RoleAuditor, "viewer": access.RoleViewer}
	r, ok := roles[bearer]
	if !ok {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return access.Principal{Kind: access.PrincipalUser, ID: bearer + "-id", Name: bearer, Roles: []access.Role{r}, SessionID: "s-" + bearer}, nil
}

// auditAuthz decides by the role catalog alone.
type auditAuthz struct{}

func (auditAuthz) Decide(_ context.Context, p access.Principal, perm access.Permission, t access.Ref) (access.Decision, error) {
	if access.RolesGrant(p.Roles, perm) {
		return access.Decision{Allowed: true, Reason: access.ReasonGranted, Permission: perm, Target: t}, nil
	}
	return access.Decision{Reason: access.ReasonMissingPerm, Permission: perm, Target: t}, nil
}

type auditAPI struct {
	srv     *httpapi.Server
	service *auditing.Service
}

func newAuditAPI(t *testing.T) auditAPI {
	t.Helper()
	c := dbtest.SQLite(t)
	store := gormstore.NewAuditStore(c.DB)
	rec := auditing.NewRecorder(c.DB, store, ports.SystemClock{}, nil)
	svc := auditing.NewService(store)
	srv, err := httpapi.New(httpapi.Deps{Log: slog.New(slog.DiscardHandler), Authenticator: auditAuthn{}, Authorizer: auditAuthz{}, Audit: rec},
		httpapi.Options{}, &httpapi.AuditModule{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	return auditAPI{srv: srv, service: svc}
}

func (a auditAPI) do(t *testing.T, method, path, bearer, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	return w
}

func decode(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q: %v", w.Body.String(), err)
	}
	return m
}

func keys(v any) string {
	m, _ := v.(map[string]any)
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func TestAuditRoutesListAndDetail(t *testing.T) {
	a := newAuditAPI(t)
	a.do(t, http.MethodGet, "/api/v1/audit-events/verify", "auditor", "")
	a.do(t, http.MethodGet, "/api/v1/audit-events", "viewer", "")
	w := a.do(t, http.MethodGet, "/api/v1/audit-events?outcome=denied&action=audit.events&limit=10", "auditor", "")
	if w.Code != http.StatusOK {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	body := decode(t, w)
	items := body["data"].([]any)
	if len(items) != 1 || body["meta"].(map[string]any)["total"].(float64) != 1 {
		t.Fatalf("denied rows: %s", w.Body)
	}
	ev := items[0].(map[string]any)
	if got := keys(ev); got != "action,actor,actorContext,after,before,correlationIds,createdAt,details,hash,id,outcome,permission,prevHash,reason,seq,target" {
		t.Errorf("event keys %s", got)
	}
	if keys(ev["actor"]) != "id,name,roles,type" || keys(ev["actorContext"]) != "ipAddress,sessionId,userAgent" || keys(ev["target"]) != "id,name,type" {
		t.Errorf("nested shapes: %v %v %v", ev["actor"], ev["actorContext"], ev["target"])
	}
	if ev["action"] != "audit.events.list.denied" || ev["reason"] != "missing_permission" || ev["actor"].(map[string]any)["id"] != "viewer-id" {
		t.Errorf("denied row: %v", ev)
	}
	id := ev["id"].(string)
	w = a.do(t, http.MethodGet, "/api/v1/audit-events/"+id, "auditor", "")
	if w.Code != http.StatusOK || decode(t, w)["data"].(map[string]any)["id"] != id {
		t.Fatalf("detail: %d %s", w.Code, w.Body)
	}
	w = a.do(t, http.MethodGet, "/api/v1/audit-events/"+id+"/actions", "auditor", "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"read":{"allowed":true,"permission":"audit:read"}`) {
		t.Fatalf("actions: %d %s", w.Code, w.Body)
	}
	w = a.do(t, http.MethodGet, "/api/v1/audit-events/facets?actor=auditor-id", "auditor", "")
	if w.Code != http.StatusOK || keys(decode(t, w)["data"]) != "actions,actors,outcomes,permissions,targetTypes" {
		t.Fatalf("facets: %d %s", w.Code, w.Body)
	}
}

func TestAuditRoutesRejectBadInput(t *testing.T) {
	a := newAuditAPI(t)
	for _, c := range []struct {
		path   string
		status int
		code   string
		fields []string
	}{
		{"/api/v1/audit-events?from=yesterday", 400, "request.invalid", []string{"from"}},
		{"/api/v1/audit-events?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z&limit=0&form=x", 400, "request.invalid", []string{"to", "limit", "form"}},
		{"/api/v1/audit-events/facets?outcome=maybe", 400, "request.invalid", []string{"outcome"}},
		{"/api/v1/audit-events/export?to=soon", 400, "request.invalid", []string{"to"}},
		{"/api/v1/audit-events/no-such-id", 404, "audit.notFound", nil},
		{"/api/v1/audit-events/no-such-id/actions", 404, "audit.notFound", nil},
	} {
		w := a.do(t, http.MethodGet, c.path, "auditor", "")
		e, _ := decode(t, w)["error"].(map[string]any)
		if w.Code != c.status || e["code"] != c.code {
			t.Errorf("%s: %d %s", c.path, w.Code, w.Body)
		}
		for _, f := range c.fields {
			if !strings.Contains(w.Body.String(), `"field":"`+f+`"`) {
				t.Errorf("%s: no issue for %s: %s", c.path, f, w.Body)
			}
		}
	}
	if w := a.do(t, http.MethodGet, "/api/v1/audit-events/verify", "viewer", ""); w.Code != http.StatusForbidden {
		t.Errorf("viewer verify: %d", w.Code)
	}
	ids := make([]string, 501)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%d", i)
	}
	big, _ := json.Marshal(map[string]any{"ids": ids})
	w := a.do(t, http.MethodPost, "/api/v1/audit-events/export", "auditor", string(big))
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"field":"ids"`) || strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Errorf("501 ids: %d %s %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
}

func TestAuditRoutesVerify(t *testing.T) {
	a := newAuditAPI(t)
	a.do(t, http.MethodGet, "/api/v1/audit-events", "auditor", "")
	w := a.do(t, http.MethodGet, "/api/v1/audit-events/verify", "auditor", "")
	if w.Code != http.StatusOK {
		t.Fatalf("verify: %d %s", w.Code, w.Body)
	}
	// Two decision rows: the list, then this verify (recorded before it runs).
	want := `{"data":{"ok":true,"checked":2,"firstBrokenId":null,"firstBrokenSeq":null,"problem":null}}`
	if strings.TrimSpace(w.Body.String()) != want {
		t.Fatalf("verify body %s, want %s", w.Body, want)
	}
}

func TestAuditRoutesExportCSV(t *testing.T) {
	a := newAuditAPI(t)
	a.do(t, http.MethodGet, "/api/v1/audit-events?q==cmd()", "auditor", "")
	w := a.do(t, http.MethodGet, "/api/v1/audit-events/export?action=audit.events.list", "auditor", "")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(w.Header().Get("Content-Disposition"), `attachment; filename="audit-events-`) {
		t.Fatalf("export: %d %v", w.Code, w.Header())
	}
	recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(auditing.CSVHeader, ",") || len(recs) != 2 || recs[1][3] != "audit.events.list.allowed" {
		t.Fatalf("csv: %q", recs)
	}
	id := recs[1][1]
	w = a.do(t, http.MethodPost, "/api/v1/audit-events/export", "auditor", `{"ids":["`+id+`"]}`)
	recs, _ = csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if w.Code != http.StatusOK || len(recs) != 2 || recs[1][1] != id {
		t.Fatalf("selection export: %d %q", w.Code, recs)
	}
	w = a.do(t, http.MethodPost, "/api/v1/audit-events/export", "auditor", `{"outcome":"allowed","from":"2000-01-01T00:00:00Z"}`)
	if recs, _ = csv.NewReader(strings.NewReader(w.Body.String())).ReadAll(); w.Code != http.StatusOK || len(recs) < 4 {
		t.Fatalf("filtered POST export: %d %q", w.Code, recs)
	}
	if v, err := a.service.Verify(context.Background()); err != nil || !v.OK {
		t.Fatalf("chain after the API calls: %+v %v", v, err)
	}
}

func TestAuditRoutesInOpenAPI(t *testing.T) {
	a := newAuditAPI(t)
	doc, _ := json.Marshal(a.srv.OpenAPI())
	for _, want := range []string{`"/api/v1/audit-events/{id}/actions"`, `"AuditVerifyResponse"`, `"AuditExportRequest"`, `"x-rakkr-permission":"audit:read"`} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("OpenAPI lacks %s", want)
		}
	}
}
