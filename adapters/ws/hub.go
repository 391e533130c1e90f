// Package ws is the controller's gorilla/websocket hub: the agents' meter
// streams (GET /api/v1/nodes/:id/stream) and the console's live socket
// (GET /api/v1/ws) with permission-checked topic subscriptions.
package ws

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/adapters/tickets"
	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Protocol is the console subprotocol the hub speaks (echoed when offered).
const Protocol = "rakkr.v1"

// BearerProtocolPrefix prefixes the bearer token offered as a subprotocol.
const BearerProtocolPrefix = "bearer."

// TicketTTL is the lifetime of a single-use socket ticket.
const TicketTTL = 30 * time.Second

// maxTickets bounds the open socket tickets.
const maxTickets = 100000

// Topics reserved for other modules (pushed with Hub.Publish) and the
// permission a message on each needs.
var reservedTopics = map[string]access.Permission{
	"nodes": access.NodeRead, "health": access.HealthRead,
	"jobs": access.RecordingRead, "recordings": access.RecordingRead,
}

// Config wires the hub; zero durations take defaults.
type Config struct {
	Meters        *meters.Service
	Authenticator ports.Authenticator
	Authorizer    ports.Authorizer
	Observer      ports.MeterObserver
	Log           *slog.Logger
	Clock         ports.Clock
	// AllowedOrigins may open the console socket besides the same origin.
	AllowedOrigins []string
	// Revalidate is how often a console socket's credential is re-checked (60 s).
	Revalidate time.Duration
	// DecisionTTL is how long a socket caches authorization decisions (5 s).
	DecisionTTL time.Duration
	// PingInterval is the keepalive ping period (20 s); a peer silent for
	// three periods is dropped.
	PingInterval time.Duration
}

// Ticket is a single-use credential for opening the console socket.
type Ticket struct {
	Ticket    string    `json:"ticket"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Hub owns every open socket. It is safe for concurrent use.
type Hub struct {
	cfg      Config
	console  websocket.Upgrader
	agent    websocket.Upgrader
	mu       sync.Mutex
	tickets  *tickets.Table[string] // ticket → bearer, single use
	conns    map[*consoleConn]struct{}
	agents   map[string]*agentConn
	agentSeq atomic.Uint64
	closed   bool
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// NewHub builds a hub; Meters, Authenticator and Authorizer are required.
func NewHub(cfg Config) *Hub {
	if cfg.Observer == nil {
		cfg.Observer = ports.NopMeterObserver{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = ports.SystemClock{}
	}
	if cfg.Revalidate <= 0 {
		cfg.Revalidate = time.Minute
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 20 * time.Second
	}
	h := &Hub{cfg: cfg, conns: map[*consoleConn]struct{}{}, agents: map[string]*agentConn{},
		tickets: tickets.New[string](tickets.Config{Clock: cfg.Clock, TTL: TicketTTL, Capacity: maxTickets, Bytes: 24, Mode: tickets.SingleUse})}
	h.console = websocket.Upgrader{Subprotocols: []string{Protocol}, CheckOrigin: h.checkOrigin,
		ReadBufferSize: 4096, WriteBufferSize: 16384, HandshakeTimeout: 10 * time.Second}
	// Agents authenticate with a header a browser cannot set on a socket,
	// so any origin (normally none) is fine.
	h.agent = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }, Subprotocols: []string{agentapi.StreamProtocolBinary},
		ReadBufferSize: 16384, WriteBufferSize: 1024, HandshakeTimeout: 10 * time.Second}
	return h
}

func (h *Hub) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || slices.Contains(h.cfg.AllowedOrigins, origin) {
		return true
	}
	_, host, _ := strings.Cut(origin, "://")
	return strings.EqualFold(host, r.Host)
}

// IssueTicket returns a single-use ticket, valid TicketTTL, that stands for
// bearer when opening the console socket (?ticket=).
func (h *Hub) IssueTicket(bearer string) (Ticket, error) {
	ticket, exp, err := h.tickets.Issue(bearer)
	if errors.Is(err, tickets.ErrFull) {
		return Ticket{}, errs.New(errs.KindTooMany, "websocket.tooManyTickets", "too many open socket tickets")
	}
	if err != nil {
		return Ticket{}, err
	}
	return Ticket{Ticket: ticket, ExpiresAt: exp}, nil
}

// Scoped is implemented by Publish payloads that belong to one resource;
// subscribers then need the topic's permission on ScopeRef, otherwise on
// the global scope.
type Scoped interface {
	// ScopeRef names the resource the payload describes.
	ScopeRef() access.Ref
}

// Publish pushes payload to every console socket subscribed to topic
// (nodes, health, jobs or recordings) whose caller holds the topic's
// permission; it never blocks (a full socket queue drops the message).
func (h *Hub) Publish(topic string, payload any) error {
	perm, ok := reservedTopics[topic]
	if !ok {
		return errs.Field("topic", "must be one of nodes, health, jobs, recordings")
	}
	target := access.Global
	if s, ok := payload.(Scoped); ok {
		target = s.ScopeRef()
	}
	h.mu.Lock()
	conns := make([]*consoleConn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.publish(topic, perm, target, payload)
	}
	return nil
}

// Close ends every socket (close code 1001) and waits for their goroutines.
func (h *Hub) Close() {
	h.stopOnce.Do(func() {
		h.mu.Lock()
		h.closed = true
		for c := range h.conns {
			c.shutdown(websocket.CloseGoingAway, "controller shutting down")
		}
		for _, a := range h.agents {
			a.close(websocket.CloseGoingAway, "controller shutting down")
		}
		h.mu.Unlock()
		h.wg.Wait()
	})
}

// Subscribers is the number of open console sockets.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// errUpgradeRequired answers a plain HTTP request on a socket route.
var errUpgradeRequired = errs.New(errs.KindInvalid, "websocket.upgradeRequired", "this endpoint needs a WebSocket upgrade")
