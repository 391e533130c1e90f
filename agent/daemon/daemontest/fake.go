// Package daemontest is a minimal fake controller for the agent's tests: an
// httptest server implementing the agentapi routes that records what it
// receives. It is a unit-level fake, not the real controller.
package daemontest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// Fake is the fake controller's state. Lock Mu to read the recorded fields
// or to change the behaviour knobs while the server runs.
type Fake struct {
	Mu sync.Mutex
	// BootstrapToken is the one token Enroll accepts (once).
	BootstrapToken string
	// NodeID and NodeToken are issued by Enroll and required on node routes.
	NodeID, NodeToken string
	// ClockOffset shifts the Date header of heartbeat answers.
	ClockOffset time.Duration
	// Down makes every node route answer 503; Revoked makes them answer 401.
	Down, Revoked bool
	// ConfigVersion is returned with heartbeats.
	ConfigVersion int64

	// Recorded requests.
	Enrolls     []agentapi.EnrollRequest
	Inventories []agentapi.Inventory
	Heartbeats  []agentapi.Heartbeat
	ConfigGets  int
	Events      []agentapi.HealthEvent
	Frames      []agentapi.MeterFrame
	FrameTimes  []time.Time
	Versions    []string // agent version headers seen
	// Requests counts requests per route ("enroll", "heartbeat", …), also
	// those refused.
	Requests map[string]int
	// Server is the running server.
	Server *httptest.Server
}

// New returns a fake with a default node and starts it (TLS when tls).
func New(tls bool) *Fake {
	f := &Fake{BootstrapToken: "boot-1", NodeID: "node-1", NodeToken: "node-token-1", ConfigVersion: 1, Requests: map[string]int{}}
	if tls {
		f.Server = httptest.NewTLSServer(f)
	} else {
		f.Server = httptest.NewServer(f)
	}
	return f
}

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

// URL is the server's base URL.
func (f *Fake) URL() string { return f.Server.URL }

// InterfaceID is the id the fake gives the interface systemRef.
func InterfaceID(systemRef string) string { return "if-" + systemRef }

// Count returns the number of requests to route.
func (f *Fake) Count(route string) int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return f.Requests[route]
}

// Set runs fn with the lock held (to change knobs).
func (f *Fake) Set(fn func(f *Fake)) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	fn(f)
}

// EventTypes returns the types of the received events, in order.
func (f *Fake) EventTypes() []string {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	out := make([]string, 0, len(f.Events))
	for _, e := range f.Events {
		out = append(out, e.Type)
	}
	return out
}

var upgrader = websocket.Upgrader{}

// ServeHTTP implements the agent routes.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.Mu.Lock()
	f.Versions = append(f.Versions, r.Header.Get(agentapi.HeaderAgentVersion))
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if r.URL.Path == agentapi.PathEnroll {
		f.Requests["enroll"]++
		defer f.Mu.Unlock()
		var req agentapi.EnrollRequest
		switch {
		case bearer == "" || bearer != f.BootstrapToken:
			writeErr(w, http.StatusUnauthorized, "enroll.invalidToken")
		case json.NewDecoder(r.Body).Decode(&req) != nil || len(req.Inventory.Interfaces) == 0:
			writeErr(w, http.StatusBadRequest, "enroll.invalid")
		default:
			f.BootstrapToken = "" // one use
			f.Enrolls = append(f.Enrolls, req)
			writeData(w, agentapi.EnrollResponse{NodeID: f.NodeID, NodeToken: f.NodeToken, NodeAlias: "room-1", IssuedAt: time.Now().UTC()})
		}
		return
	}
	prefix := "/api/v1/nodes/" + f.NodeID + "/"
	route := strings.TrimPrefix(r.URL.Path, prefix)
	f.Requests[route]++
	switch {
	case !strings.HasPrefix(r.URL.Path, prefix):
		f.Mu.Unlock()
		http.NotFound(w, r)
		return
	case f.Revoked || bearer != f.NodeToken:
		f.Mu.Unlock()
		writeErr(w, http.StatusUnauthorized, "node.unauthorized")
		return
	case f.Down:
		f.Mu.Unlock()
		writeErr(w, http.StatusServiceUnavailable, "controller.down")
		return
	case route == "stream":
		f.Mu.Unlock()
		f.stream(w, r)
		return
	}
	defer f.Mu.Unlock()
	switch route {
	case "inventory":
		var inv agentapi.Inventory
		_ = json.NewDecoder(r.Body).Decode(&inv)
		f.Inventories = append(f.Inventories, inv)
		var resp agentapi.InventoryResponse
		for _, i := range inv.Interfaces {
			resp.Interfaces = append(resp.Interfaces, agentapi.ReconciledInterface{ID: InterfaceID(i.SystemRef), SystemRef: i.SystemRef})
		}
		writeData(w, resp)
	case "heartbeat":
		var hb agentapi.Heartbeat
		_ = json.NewDecoder(r.Body).Decode(&hb)
		f.Heartbeats = append(f.Heartbeats, hb)
		now := time.Now().Add(f.ClockOffset).UTC()
		w.Header().Set("Date", now.Format(http.TimeFormat))
		writeData(w, agentapi.HeartbeatResponse{ServerTime: now, Status: "online", ConfigVersion: f.ConfigVersion})
	case "config":
		f.ConfigGets++
		writeData(w, agentapi.NodeConfig{ConfigVersion: f.ConfigVersion, MeterFramesPerSecond: 10})
	case "health-events":
		var b agentapi.HealthEventBatch
		_ = json.NewDecoder(r.Body).Decode(&b)
		var resp agentapi.HealthEventBatchResponse
		seen := map[string]bool{}
		for _, e := range f.Events {
			seen[e.ID] = true
		}
		for _, e := range b.Events {
			if !seen[e.ID] {
				f.Events = append(f.Events, e)
			}
			resp.Accepted = append(resp.Accepted, e.ID)
		}
		writeData(w, resp)
	default:
		http.NotFound(w, r)
	}
}

// stream receives meter frames until the agent disconnects.
func (f *Fake) stream(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	for {
		var m agentapi.StreamMessage
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		f.Mu.Lock()
		down := f.Down || f.Revoked
		if m.Type == "meter" && m.Meter != nil {
			f.Frames = append(f.Frames, *m.Meter)
			f.FrameTimes = append(f.FrameTimes, time.Now())
		}
		f.Mu.Unlock()
		if down {
			return
		}
	}
}

func writeData(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": v})
}

func writeErr(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"code":%q,"message":%q}}`, code, http.StatusText(status))
}
