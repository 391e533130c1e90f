package httpapi_test

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
	"time"

	"github.com/rakkr/rakkr/adapters/casbinauthz"
	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/dbtest"
)

// fleetClock is a settable clock.
type fleetClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fleetClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fleetClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fleetHealth is a settable ports.NodeHealthSummary.
type fleetHealth struct {
	mu     sync.Mutex
	counts map[string]ports.HealthCounts
}

func (h *fleetHealth) OpenCounts(_ context.Context, ids []string) (map[string]ports.HealthCounts, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]ports.HealthCounts{}
	for _, id := range ids {
		if c, ok := h.counts[id]; ok {
			out[id] = c
		}
	}
	return out, nil
}

// fleetUsers authenticates the bearer "<name>" as user "<name>-id"; the
// roles and grants live in the real Casbin policy ("viewer" holds a global
// grant, "scoped" none until a test grants rooms).
type fleetUsers struct{}

func (fleetUsers) Authenticate(_ context.Context, bearer string) (access.Principal, error) {
	switch bearer {
	case "owner", "viewer", "operator", "scoped", "auditor":
		return access.Principal{Kind: access.PrincipalUser, ID: bearer + "-id", Name: bearer, SessionID: "s-" + bearer}, nil
	}
	return access.Principal{}, errs.ErrUnauthorized
}

// fleetAPI is a real edge over SQLite or Postgres with the fleet modules,
// the Casbin authorizer and the audit recorder.
type fleetAPI struct {
	t      *testing.T
	srv    *httptest.Server
	db     *gormstore.DB
	authz  *casbinauthz.Authorizer
	svc    *fleet.Service
	clock  *fleetClock
	health *fleetHealth
}

func newFleetAPI(t *testing.T, c dbtest.Case) *fleetAPI {
	t.Helper()
	ctx := context.Background()
	authz, err := casbinauthz.New(ctx, c.DB)
	if err != nil {
		t.Fatal(err)
	}
	for user, role := range map[string]access.Role{"owner": access.RoleOwner, "viewer": access.RoleViewer,
		"operator": access.RoleOperator, "scoped": access.RoleViewer, "auditor": access.RoleAuditor} {
		var grants []access.Ref
		if user == "viewer" {
			grants = []access.Ref{access.Global}
		}
		if err := authz.SetUserAccess(ctx, user+"-id", []access.Role{role}, nil, grants); err != nil {
			t.Fatal(err)
		}
	}
	clock := &fleetClock{t: time.Now().UTC().Truncate(time.Second)}
	rec := auditing.NewRecorder(c.DB, gormstore.NewAuditStore(c.DB), clock, nil)
	health := &fleetHealth{counts: map[string]ports.HealthCounts{}}
	svc, err := fleet.New(fleet.Deps{Tx: c.DB, Nodes: gormstore.NewNodeStore(c.DB), Credentials: gormstore.NewNodeCredentialStore(c.DB),
		Rooms: gormstore.NewRoomStore(c.DB), Graph: authz, Authorizer: authz, Audit: rec, Health: health, Clock: clock,
		OfflineAfter: 120 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := httpapi.New(httpapi.Deps{Log: slog.New(slog.DiscardHandler), Authenticator: fleetUsers{}, NodeAuthenticator: svc,
		Authorizer: authz, Audit: rec}, httpapi.Options{},
		&httpapi.NodesModule{Service: svc}, &httpapi.RoomsModule{Service: svc}, &httpapi.AgentModule{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &fleetAPI{t: t, srv: hs, db: c.DB, authz: authz, svc: svc, clock: clock, health: health}
}

// fleetResp is a decoded answer.
type fleetResp struct {
	Status int
	Header http.Header
	Raw    string
	Body   map[string]any
}

// data returns body.data as a map.
func (r fleetResp) data() map[string]any { m, _ := r.Body["data"].(map[string]any); return m }

// code returns body.error.code.
func (r fleetResp) code() string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (r fleetResp) message() string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

func (a *fleetAPI) do(method, path, bearer string, body any) fleetResp {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = strings.NewReader(string(raw))
	}
	req, _ := http.NewRequest(method, a.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := fleetResp{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// must calls do and fails unless the status is want.
func (a *fleetAPI) must(want int, method, path, bearer string, body any) fleetResp {
	a.t.Helper()
	r := a.do(method, path, bearer, body)
	if r.Status != want {
		a.t.Fatalf("%s %s: %d, want %d: %s", method, path, r.Status, want, r.Raw)
	}
	return r
}

// auditCount counts audit rows with the stored action.
func (a *fleetAPI) auditCount(action string) int64 {
	a.t.Helper()
	var n int64
	if err := a.db.Gorm.Raw("SELECT count(*) FROM audit_events WHERE action = ?", action).Scan(&n).Error; err != nil {
		a.t.Fatal(err)
	}
	return n
}

// enroll creates a node and returns its id and bootstrap token.
func (a *fleetAPI) enroll(alias string, extra map[string]any) (string, string) {
	a.t.Helper()
	body := map[string]any{"alias": alias}
	for k, v := range extra {
		body[k] = v
	}
	r := a.must(201, "POST", "/api/v1/nodes/enroll", "owner", body)
	n, _ := r.data()["node"].(map[string]any)
	tok, _ := r.data()["bootstrapToken"].(string)
	return n["id"].(string), tok
}

// agentBody is an exchange body with one two-channel interface.
func agentBody(refs ...string) map[string]any {
	if len(refs) == 0 {
		refs = []string{"usb:focusrite:1234"}
	}
	var ifaces []any
	for _, ref := range refs {
		ifaces = append(ifaces, map[string]any{"systemRef": ref, "systemName": "Focusrite " + ref, "backend": "alsa",
			"channelCount": 2, "sampleRates": []int{48000}, "channels": []any{map[string]any{"index": 1, "label": "In 1"},
				map[string]any{"index": 2, "label": "In 2"}}})
	}
	return map[string]any{"runtime": map[string]any{"hostname": "rec-01", "agentVersion": "2026.11.27-1", "osName": "Debian"},
		"inventory": map[string]any{"interfaces": ifaces}}
}

// exchange trades a bootstrap token and returns the node token.
func (a *fleetAPI) exchange(bootstrap string, body map[string]any) string {
	a.t.Helper()
	r := a.must(201, "POST", "/api/v1/agent/enroll", bootstrap, body)
	return r.data()["nodeToken"].(string)
}
