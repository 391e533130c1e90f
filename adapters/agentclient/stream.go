package agentclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// writeTimeout bounds one WebSocket write.
const writeTimeout = 5 * time.Second

// OpenStream implements ports.ControllerClient: it dials the agent's
// WebSocket with the node token in the upgrade's Authorization header.
func (c *Client) OpenStream(ctx context.Context) (ports.StreamConn, error) {
	u := *c.base
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	// Offer the binary meter encoding; a controller that does not know it
	// answers without a subprotocol and gets JSON text.
	d := websocket.Dialer{TLSClientConfig: c.tls, HandshakeTimeout: c.opt.Timeout, Proxy: http.ProxyFromEnvironment,
		Subprotocols: []string{agentapi.StreamProtocolBinary}}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.opt.NodeToken)
	h.Set(agentapi.HeaderAgentVersion, c.opt.AgentVersion)
	conn, resp, err := d.DialContext(ctx, u.String()+c.nodePath(agentapi.PathStream), h)
	if err != nil {
		if resp != nil {
			if resp.StatusCode == http.StatusUnauthorized {
				return nil, fmt.Errorf("%w (stream upgrade refused)", ports.ErrNodeUnauthorized)
			}
			return nil, fmt.Errorf("agent stream: %w", &StatusError{Status: resp.StatusCode})
		}
		return nil, fmt.Errorf("agent stream: %w", err)
	}
	s := &stream{conn: conn, done: make(chan struct{}), binary: conn.Subprotocol() == agentapi.StreamProtocolBinary}
	go s.readLoop()
	return s, nil
}

// stream is an open agent WebSocket.
type stream struct {
	conn *websocket.Conn
	// binary: the controller accepted agentapi.StreamProtocolBinary, so
	// meter messages go binary (encoded into buf, reused under mu).
	binary bool
	buf    []byte
	mu     sync.Mutex
	once   sync.Once
	done   chan struct{}
}

// readLoop consumes control frames (and ignores data) so closes and pings
// are handled; it ends when the connection fails.
func (s *stream) readLoop() {
	defer s.once.Do(func() { close(s.done) })
	for {
		if _, _, err := s.conn.ReadMessage(); err != nil {
			return
		}
	}
}

// Send implements ports.StreamConn. Meter messages go in the binary
// encoding when the stream negotiated it (and the frame fits it, see
// agentapi.CheckMeterBinary); everything else goes as JSON text.
func (s *stream) Send(ctx context.Context, m agentapi.StreamMessage) error {
	select {
	case <-s.done:
		return errors.New("agent stream closed by the controller")
	default:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	deadline := time.Now().Add(writeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = s.conn.SetWriteDeadline(deadline)
	if s.binary && m.Type == "meter" && m.Meter != nil && agentapi.CheckMeterBinary(m.Meter) == nil {
		s.buf = agentapi.AppendMeterBinary(s.buf[:0], *m.Meter)
		return s.conn.WriteMessage(websocket.BinaryMessage, s.buf)
	}
	return s.conn.WriteJSON(m)
}

// Close implements ports.StreamConn.
func (s *stream) Close() error {
	s.mu.Lock()
	_ = s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	s.mu.Unlock()
	return s.conn.Close()
}
