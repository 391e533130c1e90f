package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rakkr/rakkr/adapters/casbinauthz"
	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/application/auditing"
	healthapp "github.com/rakkr/rakkr/application/health"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
	"github.com/rakkr/rakkr/test/dbtest"
)

// healthNodeAuth accepts bearers "node-<id>" as node <id>.
type healthNodeAuth struct{}

func (healthNodeAuth) AuthenticateNode(_ context.Context, bearer string) (access.Principal, error) {
	id, ok := strings.CutPrefix(bearer, "node-")
	if !ok || id == "" {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return access.Principal{Kind: access.PrincipalNode, ID: id, Name: "node " + id}, nil
}

// healthUserAuth accepts bearers "operator" and "viewer" as users of that role.
type healthUserAuth struct{}

func (healthUserAuth) Authenticate(_ context.Context, bearer string) (access.Principal, error) {
	roles := map[string]access.Role{"operator": access.RoleOperator, "viewer": access.RoleViewer}
	r, ok := roles[bearer]
	if !ok {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return access.Principal{Kind: access.PrincipalUser, ID: bearer + "-id", Name: bearer, Roles: []access.Role{r}}, nil
}

type healthAPI struct {
	srv *httpapi.Server
	db  *gormstore.DB
}

func newHealthAPI(t *testing.T) healthAPI {
	t.Helper()
	c := dbtest.SQLite(t)
	ctx := context.Background()
	authz, err := casbinauthz.New(ctx, c.DB)
	if err != nil {
		t.Fatal(err)
	}
	// The operator is in scope everywhere; the viewer only on node n1.
	for _, u := range []struct {
		id    string
		role  access.Role
		grant access.Ref
	}{{"operator-id", access.RoleOperator, access.Global}, {"viewer-id", access.RoleViewer, access.Ref{Type: access.ResourceNode, ID: "n1"}}} {
		if err := authz.SetUserAccess(ctx, u.id, []access.Role{u.role}, nil, []access.Ref{u.grant}); err != nil {
			t.Fatal(err)
		}
	}
	rec := auditing.NewRecorder(c.DB, gormstore.NewAuditStore(c.DB), ports.SystemClock{}, nil)
	svc, err := healthapp.New(healthapp.Deps{Tx: c.DB, Store: gormstore.NewHealthStore(c.DB, nil), Audit: rec})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := httpapi.New(httpapi.Deps{Log: slog.New(slog.DiscardHandler), Authenticator: healthUserAuth{},
		NodeAuthenticator: healthNodeAuth{}, Authorizer: authz, Audit: rec}, httpapi.Options{}, &httpapi.HealthModule{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	return healthAPI{srv: srv, db: c.DB}
}

func (a healthAPI) do(t *testing.T, method, path, bearer string, body any) *httptest.ResponseRecorder {
	t.Helper()
	var s string
	switch b := body.(type) {
	case nil:
	case string:
		s = b
	default:
		raw, _ := json.Marshal(b)
		s = string(raw)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(s))
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	return w
}

// healthExpect checks the status and, when code is set, the error code and
// that the body names each of fields.
func healthExpect(t *testing.T, name string, w *httptest.ResponseRecorder, status int, code string, fields ...string) {
	t.Helper()
	if w.Code != status {
		t.Errorf("%s: %d, want %d: %s", name, w.Code, status, w.Body)
		return
	}
	if code != "" && !strings.Contains(w.Body.String(), `"code":"`+code+`"`) {
		t.Errorf("%s: code is not %s: %s", name, code, w.Body)
	}
	for _, f := range fields {
		if !strings.Contains(w.Body.String(), `"field":"`+f+`"`) {
			t.Errorf("%s: does not name %s: %s", name, f, w.Body)
		}
	}
}

func healthEvent(typ, iface string) agentapi.HealthEvent {
	return agentapi.HealthEvent{ID: uuid.NewString(), Type: typ, Severity: agentapi.SeverityWarning,
		OpenedAt: time.Now().UTC().Add(-time.Minute), InterfaceID: iface, Details: map[string]any{}}
}

func healthData(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m struct{ Data map[string]any }
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s: %v", w.Body, err)
	}
	return m.Data
}

// TestHealthIngestRoute posts agent batches through the node chain: a
// recovery resolves the flatline, a re-post is idempotent, another node's
// credential is refused, forbidden namespaces and bad fields are 400s.
func TestHealthIngestRoute(t *testing.T) {
	a := newHealthAPI(t)
	path := fmt.Sprintf(agentapi.PathHealthEvents, "n1")
	flat := healthEvent("agent.meter.flatline", "if1")
	w := a.do(t, http.MethodPost, path, "node-n1", agentapi.HealthEventBatch{Events: []agentapi.HealthEvent{flat}})
	healthExpect(t, "ingest", w, 200, "")
	rec := healthEvent("agent.meter.flatline_recovered", "if1")
	rec.Severity, rec.OpenedAt = agentapi.SeverityInfo, time.Now().UTC()
	batch := agentapi.HealthEventBatch{Events: []agentapi.HealthEvent{rec}}
	for range 2 {
		w = a.do(t, http.MethodPost, path, "node-n1", batch)
		var resp struct {
			Data agentapi.HealthEventBatchResponse
		}
		_ = json.Unmarshal(w.Body.Bytes(), &resp)
		if w.Code != 200 || len(resp.Data.Accepted) != 1 || resp.Data.Accepted[0] != rec.ID {
			t.Fatalf("recovery post: %d %s", w.Code, w.Body)
		}
	}
	got := healthData(t, a.do(t, http.MethodGet, "/api/v1/health-events/"+flat.ID, "viewer", nil))
	if got["status"] != "resolved" || got["resolvedBy"] != "node:n1" || got["resolvedByEventId"] != rec.ID {
		t.Errorf("flatline after recovery: %v", got)
	}
	var n int64
	a.db.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action = 'health.events.ingest.succeeded' AND actor_id = 'n1'").Scan(&n)
	if n != 3 {
		t.Errorf("%d ingest audit rows, want 3 (one per batch)", n)
	}
	healthExpect(t, "other node", a.do(t, http.MethodPost, path, "node-n2", batch), 403, "node.credentialMismatch")
	healthExpect(t, "no credential", a.do(t, http.MethodPost, path, "", batch), 401, "")
	bad := []agentapi.HealthEvent{healthEvent("agent.a.b", ""), healthEvent("controller.fake", ""), healthEvent("agent.a.b", ""), healthEvent("agent.a.b", "")}
	bad[3].Severity = "loud"
	healthExpect(t, "bad batch", a.do(t, http.MethodPost, path, "node-n1", agentapi.HealthEventBatch{Events: bad}), 400,
		"request.invalid", "events[1].type", "events[3].severity")
	healthExpect(t, "unknown field", a.do(t, http.MethodPost, path, "node-n1", `{"events":[],"extra":1}`), 400, "request.invalid", "extra")
}

// TestHealthUserRoutes covers list filters and summary, detail, 404s,
// lifecycle 409s, validation 400s naming fields, bulk, actions and RBAC.
func TestHealthUserRoutes(t *testing.T) {
	a := newHealthAPI(t)
	base := "/api/v1/health-events"
	w := a.do(t, http.MethodPost, base, "operator", map[string]any{"type": "controller.manual", "severity": "critical", "nodeId": "n1"})
	healthExpect(t, "create", w, 201, "")
	id := healthData(t, w)["id"].(string)
	healthExpect(t, "create bad", a.do(t, http.MethodPost, base, "operator", map[string]any{"type": "agent.x.y", "severity": "meh"}),
		400, "request.invalid", "type", "severity")
	healthExpect(t, "viewer create", a.do(t, http.MethodPost, base, "viewer", map[string]any{}), 403, "auth.forbidden")
	healthExpect(t, "get missing", a.do(t, http.MethodGet, base+"/nope", "viewer", nil), 404, "health.notFound")
	healthExpect(t, "ack", a.do(t, http.MethodPost, base+"/"+id+"/acknowledge", "operator", nil), 200, "")
	healthExpect(t, "ack again", a.do(t, http.MethodPost, base+"/"+id+"/acknowledge", "operator", "{}"), 409, "health.invalidTransition")
	healthExpect(t, "ack missing", a.do(t, http.MethodPost, base+"/nope/acknowledge", "operator", nil), 404, "health.notFound")
	healthExpect(t, "suppress no until", a.do(t, http.MethodPost, base+"/"+id+"/suppress", "operator", "{}"), 400, "request.invalid", "until")
	healthExpect(t, "suppress bad until", a.do(t, http.MethodPost, base+"/"+id+"/suppress", "operator", map[string]string{"until": "soon"}), 400, "", "until")
	until := time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
	healthExpect(t, "suppress", a.do(t, http.MethodPost, base+"/"+id+"/suppress", "operator", map[string]string{"until": until}), 200, "")
	w = a.do(t, http.MethodGet, base+"?status=suppressed&severity=critical&type=controller.&nodeId=n1&limit=10", "viewer", nil)
	var list struct {
		Data []map[string]any
		Meta struct {
			Total   int64
			Summary map[string]int64
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || w.Code != 200 || list.Meta.Total != 1 || list.Data[0]["id"] != id ||
		list.Meta.Summary["suppressed"] != 1 {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	healthExpect(t, "unknown param", a.do(t, http.MethodGet, base+"?colour=red&status=nope", "viewer", nil), 400, "request.invalid", "colour", "status")
	healthExpect(t, "bad range", a.do(t, http.MethodGet, base+"?openedFrom=yesterday", "viewer", nil), 400, "", "openedFrom")
	w = a.do(t, http.MethodGet, base+"/"+id+"/actions", "viewer", nil)
	acts := healthData(t, w)
	if acts["read"].(map[string]any)["allowed"] != true || acts["resolve"].(map[string]any)["allowed"] != false {
		t.Errorf("viewer actions: %s", w.Body)
	}
	acts = healthData(t, a.do(t, http.MethodGet, base+"/"+id+"/actions", "operator", nil))
	if acts["resolve"].(map[string]any)["allowed"] != true || acts["acknowledge"].(map[string]any)["reason"] != "invalid_transition" {
		t.Errorf("operator actions: %v", acts)
	}
	healthExpect(t, "bulk bad", a.do(t, http.MethodPost, base+"/bulk-lifecycle", "operator", map[string]any{"ids": []string{}, "action": "x"}),
		400, "request.invalid", "ids")
	healthExpect(t, "bulk missing id", a.do(t, http.MethodPost, base+"/bulk-lifecycle", "operator",
		map[string]any{"ids": []string{id, "nope"}, "action": "resolve"}), 404, "health.notFound")
	healthExpect(t, "bulk", a.do(t, http.MethodPost, base+"/bulk-lifecycle", "operator", map[string]any{"ids": []string{id}, "action": "resolve"}), 200, "")
	healthExpect(t, "reopen", a.do(t, http.MethodPost, base+"/"+id+"/reopen", "operator", nil), 200, "")
	healthExpect(t, "viewer resolve", a.do(t, http.MethodPost, base+"/"+id+"/resolve", "viewer", nil), 403, "auth.forbidden")
	healthExpect(t, "anonymous", a.do(t, http.MethodGet, base, "", nil), 401, "")
	w = a.do(t, http.MethodPost, base, "operator", map[string]any{"type": "controller.manual", "severity": "info", "nodeId": "n2"})
	other := healthData(t, w)["id"].(string)
	healthExpect(t, "viewer on another node", a.do(t, http.MethodGet, base+"/"+other, "viewer", nil), 403, "auth.forbidden")
}

// TestHealthExportCSV checks both export routes, filters and formula escaping.
func TestHealthExportCSV(t *testing.T) {
	a := newHealthAPI(t)
	base := "/api/v1/health-events"
	for _, node := range []string{"=HYPERLINK(\"x\")", "n2"} {
		healthExpect(t, "create", a.do(t, http.MethodPost, base, "operator",
			map[string]any{"type": "controller.manual", "severity": "warning", "nodeId": node, "details": map[string]any{"why": "+1"}}), 201, "")
	}
	w := a.do(t, http.MethodGet, base+"/export?severity=warning", "viewer", nil)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") || !strings.Contains(w.Header().Get("Content-Disposition"), "health-events-") {
		t.Fatalf("export: %d %v %s", w.Code, w.Header(), w.Body)
	}
	recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "id" {
		t.Fatalf("csv %v %v", recs, err)
	}
	if recs[1][4] != `'=HYPERLINK("x")` || recs[2][4] != "n2" {
		t.Errorf("escaping: %v", recs)
	}
	w = a.do(t, http.MethodPost, base+"/export", "viewer", map[string]any{"nodeId": "n2"})
	if recs, _ := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll(); w.Code != 200 || len(recs) != 2 {
		t.Errorf("post export: %d %s", w.Code, w.Body)
	}
	healthExpect(t, "export bad", a.do(t, http.MethodGet, base+"/export?limit=3", "viewer", nil), 400, "request.invalid", "limit")
	healthExpect(t, "export body bad", a.do(t, http.MethodPost, base+"/export", "viewer", map[string]any{"status": "gone"}), 400, "", "status")
}
