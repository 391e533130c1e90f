package ws

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// MaxAgentMessage is the largest agent stream message accepted (64 KiB).
const MaxAgentMessage = 64 << 10

// The rejection reasons of rakkr_meter_frames_rejected_total.
const (
	// RejectMalformed: not JSON, a binary message that does not decode (or
	// on a stream that did not negotiate agentapi.StreamProtocolBinary), or a
	// meter message without a frame.
	RejectMalformed = "malformed"
	// RejectOversize: a message over MaxAgentMessage.
	RejectOversize = "oversize"
	// RejectTooManyLevels: a frame with more than 512 levels.
	RejectTooManyLevels = "too_many_levels"
	// RejectNodeMismatch: a frame whose nodeId is not the stream's node.
	RejectNodeMismatch = "node_mismatch"
	// RejectInvalid: a frame failing another check (interface, time, channels).
	RejectInvalid = "invalid"
	// RejectUnknownType: a message type this controller does not know
	// (skipped, the stream stays open).
	RejectUnknownType = "unknown_type"
)

type agentConn struct {
	conn *websocket.Conn
	seq  uint64 // arrival order: the newest stream of a node wins
	once sync.Once
}

// close sends a close frame once and drops the connection.
func (a *agentConn) close(code int, reason string) {
	a.once.Do(func() {
		_ = a.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(writeWait))
		_ = a.conn.Close()
	})
}

// ServeAgent upgrades an agent's stream for nodeID (the caller has already
// checked the node credential against nodeID) and ingests its meter frames
// until it closes. A new stream of the same node replaces the old one.
// Messages are JSON text (agentapi.StreamMessage); a stream that offered
// agentapi.StreamProtocolBinary gets it echoed and may also send binary
// meter messages (agentapi.DecodeMeterBinary).
// Malformed, oversize or invalid messages close the stream with 1008
// (policy violation) and a reason; unknown message types are skipped.
func (h *Hub) ServeAgent(w http.ResponseWriter, r *http.Request, nodeID string) error {
	if !websocket.IsWebSocketUpgrade(r) {
		return errUpgradeRequired
	}
	seq := h.agentSeq.Add(1) // taken on arrival, before the handshake
	conn, err := h.agent.Upgrade(w, r, nil)
	if err != nil {
		return nil // the upgrader has answered the client
	}
	a := &agentConn{conn: conn, seq: seq}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		a.close(websocket.CloseGoingAway, "controller shutting down")
		return nil
	}
	old := h.agents[nodeID]
	if old != nil && old.seq > seq { // a newer stream registered first
		h.mu.Unlock()
		a.close(websocket.CloseNormalClosure, "replaced by a newer stream of this node")
		return nil
	}
	h.agents[nodeID] = a
	h.wg.Add(1)
	h.mu.Unlock()
	if old != nil {
		old.close(websocket.CloseNormalClosure, "replaced by a newer stream of this node")
	}
	defer func() {
		h.mu.Lock()
		if h.agents[nodeID] == a {
			delete(h.agents, nodeID)
		}
		h.mu.Unlock()
		a.close(websocket.CloseNormalClosure, "")
		h.wg.Done()
	}()
	stop := make(chan struct{})
	defer close(stop)
	go h.pingAgent(a, stop)
	h.readAgent(a, nodeID)
	return nil
}

func (h *Hub) pingAgent(a *agentConn, stop <-chan struct{}) {
	t := time.NewTicker(h.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if a.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)) != nil {
				return
			}
		}
	}
}

func (h *Hub) readAgent(a *agentConn, nodeID string) {
	wait := 3 * h.cfg.PingInterval
	_ = a.conn.SetReadDeadline(time.Now().Add(wait))
	a.conn.SetPongHandler(func(string) error { return a.conn.SetReadDeadline(time.Now().Add(wait)) })
	binaryOK := a.conn.Subprotocol() == agentapi.StreamProtocolBinary
	var buf bytes.Buffer            // reused: decoding copies what it keeps
	var scratch agentapi.MeterFrame // binary frames decode into it; Ingest gets a copy
	for {
		mt, rd, err := a.conn.NextReader()
		if err != nil {
			return
		}
		_ = a.conn.SetReadDeadline(time.Now().Add(wait))
		if mt != websocket.TextMessage && (mt != websocket.BinaryMessage || !binaryOK) {
			h.reject(a, RejectMalformed, "binary messages need the "+agentapi.StreamProtocolBinary+" subprotocol")
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(io.LimitReader(rd, MaxAgentMessage+1)); err != nil {
			return
		}
		b := buf.Bytes()
		if len(b) > MaxAgentMessage {
			h.reject(a, RejectOversize, "message larger than 64 KiB")
			return
		}
		var frame agentapi.MeterFrame
		if mt == websocket.BinaryMessage {
			if err := agentapi.DecodeMeterBinary(b, &scratch); err != nil {
				if errors.Is(err, agentapi.ErrMeterBinaryTooManyLevels) {
					h.reject(a, RejectTooManyLevels, "a frame carries at most 512 levels")
				} else {
					h.reject(a, RejectMalformed, err.Error())
				}
				return
			}
			frame = detach(&scratch)
		} else {
			var m agentapi.StreamMessage
			// go-json decodes a meter message in half the time of encoding/json;
			// at 1,000 nodes the controller decodes 10,000 of them a second.
			if err := gojson.Unmarshal(b, &m); err != nil {
				h.reject(a, RejectMalformed, "malformed JSON message")
				return
			}
			if m.Type != "meter" {
				h.cfg.Observer.MeterFrameRejected(RejectUnknownType)
				continue
			}
			if m.Meter == nil {
				h.reject(a, RejectMalformed, "meter message without a frame")
				return
			}
			frame = *m.Meter
		}
		if err := h.cfg.Meters.Ingest(nodeID, frame); err != nil {
			reason, text := RejectInvalid, "invalid meter frame"
			var e *errs.Error
			if errors.As(err, &e) {
				text = e.Message
				switch e.Code {
				case "meter.nodeMismatch":
					reason = RejectNodeMismatch
				case "meter.tooManyLevels":
					reason = RejectTooManyLevels
				}
			}
			h.reject(a, reason, text)
			return
		}
	}
}

// detach copies a decoded frame out of the decoder's reused storage: the
// meter service keeps the Levels slice (history, subscriber queues), and
// the decoder overwrites it and its channelCorrelation values with the
// next message. Strings are immutable and shared. Two allocations: the
// levels and the correlations.
func detach(f *agentapi.MeterFrame) agentapi.MeterFrame {
	c := *f
	c.Levels = append(make([]agentapi.LevelFrame, 0, len(f.Levels)), f.Levels...)
	n := 0
	for i := range f.Levels {
		if f.Levels[i].Quality.ChannelCorrelation != nil {
			n++
		}
	}
	if n == 0 {
		return c
	}
	corr := make([]agentapi.ChannelCorrelation, 0, n)
	for i := range c.Levels {
		q := &c.Levels[i].Quality
		if q.ChannelCorrelation != nil {
			corr = append(corr, *q.ChannelCorrelation)
			q.ChannelCorrelation = &corr[len(corr)-1]
		}
	}
	return c
}

// reject counts a refused message and closes the stream with 1008.
func (h *Hub) reject(a *agentConn, reason, text string) {
	h.cfg.Observer.MeterFrameRejected(reason)
	msg := reason + ": " + text
	if len(msg) > 120 { // a close frame's reason is at most 123 bytes
		msg = msg[:120]
	}
	a.close(websocket.ClosePolicyViolation, msg)
}
