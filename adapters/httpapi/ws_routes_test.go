package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	dto "github.com/prometheus/client_model/go"

	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/adapters/promexport"
	"github.com/rakkr/rakkr/adapters/ws"
	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// meterAuthn knows the users "op" (every channel of n1), "room" (n1 but
// only channel i1.1) and "none" (no node:read); Revoke makes a bearer fail.
type meterAuthn struct {
	mu      sync.Mutex
	revoked map[string]bool
}

func (a *meterAuthn) Authenticate(_ context.Context, bearer string) (access.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.revoked[bearer] || (bearer != "op" && bearer != "room" && bearer != "none" && bearer != "op2") {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return access.Principal{Kind: access.PrincipalUser, ID: bearer, Name: bearer, SessionID: "s-" + bearer}, nil
}

func (a *meterAuthn) revoke(bearer string) {
	a.mu.Lock()
	a.revoked[bearer] = true
	a.mu.Unlock()
}

// meterNodeAuthn maps "agent-<id>" to node <id>.
type meterNodeAuthn struct{}

func (meterNodeAuthn) AuthenticateNode(_ context.Context, bearer string) (access.Principal, error) {
	id, ok := strings.CutPrefix(bearer, "agent-")
	if !ok {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return access.Principal{Kind: access.PrincipalNode, ID: id, Name: id}, nil
}

// meterAuthz grants node:read as described on meterAuthn.
type meterAuthz struct{}

func (meterAuthz) Decide(_ context.Context, p access.Principal, perm access.Permission, t access.Ref) (access.Decision, error) {
	ok := false
	if perm == access.NodeRead {
		switch p.ID {
		case "op", "op2":
			ok = true
		case "room":
			ok = t.Key() == "node:n1" || t.Key() == "channel:i1.1"
		}
	}
	if ok {
		return access.Decision{Allowed: true, Reason: access.ReasonGranted, Permission: perm, Target: t}, nil
	}
	return access.Decision{Reason: access.ReasonMissingPerm, Permission: perm, Target: t}, nil
}

// meterAuditLog accepts every row.
type meterAuditLog struct{}

func (meterAuditLog) Record(context.Context, audit.Event) error { return nil }

// meterClockAPI is the real time plus an adjustable offset.
type meterClockAPI struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *meterClockAPI) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.off)
}

func (c *meterClockAPI) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

type meterAPI struct {
	srv     *httptest.Server
	svc     *meters.Service
	hub     *ws.Hub
	authn   *meterAuthn
	clock   *meterClockAPI
	metrics *promexport.Metrics
}

func newMeterAPI(t *testing.T) *meterAPI {
	t.Helper()
	a := &meterAPI{authn: &meterAuthn{revoked: map[string]bool{}}, clock: &meterClockAPI{}, metrics: promexport.New(time.Now())}
	obs := a.metrics.RegisterMeters()
	a.svc = meters.New(meters.Config{Clock: a.clock, Observer: obs})
	a.metrics.RegisterChannelGauges(a.svc)
	a.hub = ws.NewHub(ws.Config{Meters: a.svc, Authenticator: a.authn, Authorizer: meterAuthz{}, Observer: obs,
		Revalidate: 100 * time.Millisecond})
	h, err := httpapi.New(httpapi.Deps{Log: slog.New(slog.DiscardHandler), Authenticator: a.authn, NodeAuthenticator: meterNodeAuthn{},
		Authorizer: meterAuthz{}, Audit: meterAuditLog{}}, httpapi.Options{},
		&httpapi.MetersModule{Meters: a.svc, Authorizer: meterAuthz{}}, &httpapi.WSModule{Hub: a.hub})
	if err != nil {
		t.Fatal(err)
	}
	a.srv = httptest.NewServer(h)
	t.Cleanup(func() { a.hub.Close(); a.srv.Close() })
	return a
}

func (a *meterAPI) wsURL(path string) string {
	return "ws" + strings.TrimPrefix(a.srv.URL, "http") + path
}

// counter reads one counter or gauge value from the registry.
func (a *meterAPI) counter(t *testing.T, name, reason string) float64 {
	t.Helper()
	mfs, err := a.metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := reason == ""
			for _, l := range m.GetLabel() {
				match = match || (l.GetName() == "reason" && l.GetValue() == reason)
			}
			if match {
				return metricValue(m)
			}
		}
	}
	return 0
}

func metricValue(m *dto.Metric) float64 {
	if c := m.GetCounter(); c != nil {
		return c.GetValue()
	}
	return m.GetGauge().GetValue()
}

func (a *meterAPI) agent(t *testing.T, node string) *websocket.Conn {
	t.Helper()
	h := http.Header{"Authorization": {"Bearer agent-" + node}}
	c, resp, err := websocket.DefaultDialer.Dial(a.wsURL("/api/v1/nodes/"+node+"/stream"), h)
	if err != nil {
		t.Fatalf("agent dial: %v %v", err, resp)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (a *meterAPI) console(t *testing.T, bearer string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{ws.Protocol, ws.BearerProtocolPrefix + bearer}}
	c, resp, err := d.Dial(a.wsURL("/api/v1/ws"), nil)
	if err != nil {
		t.Fatalf("console dial: %v %v", err, resp)
	}
	if c.Subprotocol() != ws.Protocol {
		t.Fatalf("subprotocol %q", c.Subprotocol())
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func sendFrame(t *testing.T, c *websocket.Conn, f agentapi.MeterFrame) {
	t.Helper()
	if err := c.WriteJSON(agentapi.StreamMessage{Type: "meter", Meter: &f}); err != nil {
		t.Fatal(err)
	}
}

func testFrame(node, iface string, channels int) agentapi.MeterFrame {
	f := agentapi.MeterFrame{NodeID: node, InterfaceID: iface, CapturedAt: time.Now().UTC()}
	for i := 1; i <= channels; i++ {
		f.Levels = append(f.Levels, agentapi.LevelFrame{ChannelIndex: i, Label: agentapi.ChannelLabel(i), RMSDBFS: -20, PeakDBFS: -3})
	}
	return f
}

// readServer reads one console message or fails after d.
func readServer(t *testing.T, c *websocket.Conn, d time.Duration) (ws.ServerMessage, error) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(d))
	var m ws.ServerMessage
	_, b, err := c.ReadMessage()
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	return m, err
}

func subscribe(t *testing.T, c *websocket.Conn, topic string) ws.ServerMessage {
	t.Helper()
	if err := c.WriteJSON(map[string]string{"type": "subscribe", "topic": topic}); err != nil {
		t.Fatal(err)
	}
	m, err := readServer(t, c, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
