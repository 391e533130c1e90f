package ws

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports/agentapi"
)

const (
	consoleReadLimit = 4096
	consoleQueue     = 64
	maxTopics        = 256
	writeWait        = 5 * time.Second
	// consoleLinger lets the messages of the next few milliseconds join a
	// write: at 1,000 nodes a console socket receives a meter frame every
	// 0.5 ms, and one write(2) each was the hub's largest cost after
	// reading the agents. 5 ms is invisible on a 10 frames/s meter.
	consoleLinger = 5 * time.Millisecond
)

// clientMessage is what the console sends.
type clientMessage struct {
	Type  string `json:"type"`
	Topic string `json:"topic"`
}

// ServerMessage is what the console receives: meter frames, topic
// payloads, subscription acknowledgements and errors.
type ServerMessage struct {
	Type    string               `json:"type"`
	Topic   string               `json:"topic,omitempty"`
	Frame   *agentapi.MeterFrame `json:"frame,omitempty"`
	Missed  int                  `json:"missed,omitempty"`
	Payload any                  `json:"payload,omitempty"`
	Code    string               `json:"code,omitempty"`
	Message string               `json:"message,omitempty"`
}

type consoleConn struct {
	hub  *Hub
	conn *websocket.Conn
	// bc is conn's connection; writeLoop coalesces queued messages through
	// it (nil writes each message on its own, the path before coalescing).
	bc *batchConn
	// linger is how long a write waits for more queued messages to join it
	// (consoleLinger; 0 writes what is queued at once).
	linger  time.Duration
	lingerT *time.Timer
	bearer  string
	filter  *meters.Filter
	ctx     context.Context
	cancel  context.CancelFunc
	out     chan []byte
	once    sync.Once
	code    int
	reason  string
	mu      sync.Mutex
	topics  map[string]*meters.Subscription
}

// credential finds the caller's bearer: a "bearer.<token>" subprotocol, a
// ticket, or an Authorization header (non-browser clients).
func (h *Hub) credential(r *http.Request) (string, error) {
	for _, p := range websocket.Subprotocols(r) {
		if t, ok := strings.CutPrefix(p, BearerProtocolPrefix); ok && t != "" {
			return t, nil
		}
	}
	if t := r.URL.Query().Get("ticket"); t != "" {
		if bearer, ok := h.tickets.Redeem(t); ok {
			return bearer, nil
		}
		return "", errs.New(errs.KindUnauthorized, "websocket.invalidTicket", "the socket ticket is unknown, used or expired")
	}
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), nil
	}
	return "", errs.ErrUnauthorized
}

// ServeConsole authenticates and upgrades GET /api/v1/ws. It returns an
// error (401 for a bad credential, 400 websocket.upgradeRequired for a
// plain request) before upgrading; after the upgrade it serves the socket
// until it closes and returns nil.
func (h *Hub) ServeConsole(w http.ResponseWriter, r *http.Request) error {
	bearer, err := h.credential(r)
	if err != nil {
		return err
	}
	p, err := h.cfg.Authenticator.Authenticate(r.Context(), bearer)
	if err != nil {
		return err
	}
	if !websocket.IsWebSocketUpgrade(r) {
		return errUpgradeRequired
	}
	conn, bc, err := upgradeBatched(&h.console, w, r)
	if err != nil {
		return nil // the upgrader has answered the client
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	c := &consoleConn{hub: h, conn: conn, bc: bc, linger: consoleLinger, bearer: bearer, ctx: ctx, cancel: cancel, out: make(chan []byte, consoleQueue),
		filter: meters.NewFilter(h.cfg.Authorizer, p, h.cfg.DecisionTTL, h.cfg.Clock), topics: map[string]*meters.Subscription{}}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		cancel()
		_ = conn.Close()
		return nil
	}
	h.conns[c] = struct{}{}
	h.wg.Add(1)
	h.mu.Unlock()
	h.cfg.Observer.WSSubscribersChanged(1)
	defer func() {
		h.mu.Lock()
		delete(h.conns, c)
		h.mu.Unlock()
		h.cfg.Observer.WSSubscribersChanged(-1)
		h.wg.Done()
	}()
	done := make(chan struct{})
	go func() { c.writeLoop(); close(done) }()
	go c.revalidateLoop()
	c.readLoop()
	c.shutdown(websocket.CloseNormalClosure, "")
	<-done
	c.mu.Lock()
	for _, s := range c.topics {
		if s != nil {
			s.Close()
		}
	}
	c.mu.Unlock()
	return nil
}

// shutdown ends the socket once with a close code and reason.
func (c *consoleConn) shutdown(code int, reason string) {
	c.once.Do(func() {
		c.code, c.reason = code, reason
		c.cancel()
	})
}

func (c *consoleConn) writeLoop() {
	ping := time.NewTicker(c.hub.cfg.PingInterval)
	defer ping.Stop()
	defer c.conn.Close()
	for {
		select {
		case <-c.ctx.Done():
			_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.code, c.reason), time.Now().Add(writeWait))
			return
		case b := <-c.out:
			if _, err := c.writeQueued(b, time.Now().Add(writeWait)); err != nil {
				c.shutdown(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-ping.C:
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.shutdown(websocket.CloseAbnormalClosure, "")
				return
			}
		}
	}
}

// writeQueued writes first and whatever else is queued on c.out within
// c.linger of it (at most batchMessages, or up to batchBytes) as separate
// text messages, handed to the kernel in one write that must finish by
// deadline: a lone message waits at most c.linger. It returns the number
// of messages written.
func (c *consoleConn) writeQueued(first []byte, deadline time.Time) (int, error) {
	_ = c.conn.SetWriteDeadline(deadline)
	if c.bc == nil {
		err := c.conn.WriteMessage(websocket.TextMessage, first)
		recycle(first)
		return 1, err
	}
	c.bc.begin()
	n, size, b := 0, 0, first
	var lingerEnd time.Time
	if c.linger > 0 {
		lingerEnd = time.Now().Add(c.linger)
	}
	for more := true; more; {
		if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
			_ = c.bc.flush(deadline)
			return n, err
		}
		n, size = n+1, size+len(b)
		recycle(b) // gorilla has copied it
		if n >= batchMessages || size >= batchBytes {
			break
		}
		select {
		case b = <-c.out:
		default:
			b, more = c.await(lingerEnd)
		}
	}
	return n, c.bc.flush(deadline)
}

// await waits until end for the next queued message (false: none came, or
// the socket is closing).
func (c *consoleConn) await(end time.Time) ([]byte, bool) {
	d := time.Until(end)
	if d <= 0 {
		return nil, false
	}
	if c.lingerT == nil {
		c.lingerT = time.NewTimer(d)
	} else {
		c.lingerT.Reset(d)
	}
	defer c.lingerT.Stop()
	select {
	case b := <-c.out:
		return b, true
	case <-c.lingerT.C:
	case <-c.ctx.Done():
	}
	return nil, false
}

// revalidateLoop closes the socket once its credential stops working.
func (c *consoleConn) revalidateLoop() {
	t := time.NewTicker(c.hub.cfg.Revalidate)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			_, err := c.hub.cfg.Authenticator.Authenticate(c.ctx, c.bearer)
			if errs.KindOf(err) == errs.KindUnauthorized {
				c.shutdown(websocket.ClosePolicyViolation, "credential revoked or expired")
				return
			}
		}
	}
}

func (c *consoleConn) readLoop() {
	wait := 3 * c.hub.cfg.PingInterval
	c.conn.SetReadLimit(consoleReadLimit)
	_ = c.conn.SetReadDeadline(time.Now().Add(wait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(wait)) })
	for {
		_, b, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		_ = c.conn.SetReadDeadline(time.Now().Add(wait))
		var m clientMessage
		if json.Unmarshal(b, &m) != nil {
			c.sendError("", "websocket.badMessage", "messages are JSON objects {\"type\",\"topic\"}")
			continue
		}
		switch m.Type {
		case "subscribe":
			c.subscribe(m.Topic)
		case "unsubscribe":
			c.unsubscribe(m.Topic)
		default:
			c.sendError(m.Topic, "websocket.badMessage", "type must be subscribe or unsubscribe")
		}
	}
}

// send queues a message, waiting while the socket is busy; false once the
// socket is closing.
func (c *consoleConn) send(m ServerMessage) bool {
	b, err := json.Marshal(m)
	if err != nil {
		return false
	}
	return c.sendRaw(b)
}

// sendRaw queues an encoded message like send.
func (c *consoleConn) sendRaw(b []byte) bool {
	select {
	case c.out <- b:
		return true
	case <-c.ctx.Done():
		return false
	}
}

func (c *consoleConn) sendError(topic, code, msg string) {
	c.send(ServerMessage{Type: "error", Topic: topic, Code: code, Message: msg})
}
