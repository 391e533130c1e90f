package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/adapters/ws"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// simConfig is one bounded simulation run.
type simConfig struct {
	BaseURL      string // controller base URL, http(s)://host:port
	Nodes        int
	Channels     int
	Rate         int // frames per second per node
	Duration     time.Duration
	NodeToken    func(node string) string
	ConsoleToken string
	Subscribers  int
	Heartbeat    string   // base URL for heartbeats; empty: none
	NodeIDs      []string // real node ids (with --tokens); empty: sim-0000…
}

// simResult is what a run reports.
type simResult struct {
	Nodes, Subscribers              int
	Sent, Received, Missed, Dropped int64
	HeartbeatsOK, HeartbeatsFailed  int64
	P50, P90, P99, Max              time.Duration
	AgentErrors                     int64
}

func (r simResult) String() string {
	return fmt.Sprintf("nodes=%d subscribers=%d sent=%d received=%d missed(reported)=%d dropped(total)=%d "+
		"heartbeats ok=%d failed=%d agentErrors=%d latency p50=%v p90=%v p99=%v max=%v",
		r.Nodes, r.Subscribers, r.Sent, r.Received, r.Missed, r.Dropped, r.HeartbeatsOK, r.HeartbeatsFailed,
		r.AgentErrors, r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond))
}

func wsURL(base, path string) string {
	return "ws" + strings.TrimPrefix(strings.TrimSuffix(base, "/"), "http") + path
}

// subscriber is one console socket subscribed to every simulated node.
type subscriber struct {
	conn     *websocket.Conn
	mu       sync.Mutex
	lat      []time.Duration
	received atomic.Int64
	missed   atomic.Int64
}

func dialSubscriber(cfg simConfig, nodes []string) (*subscriber, error) {
	d := websocket.Dialer{Subprotocols: []string{ws.Protocol, ws.BearerProtocolPrefix + cfg.ConsoleToken}, HandshakeTimeout: 10 * time.Second}
	c, _, err := d.Dial(wsURL(cfg.BaseURL, "/api/v1/ws"), nil)
	if err != nil {
		return nil, fmt.Errorf("console socket: %w", err)
	}
	for _, n := range nodes {
		if err := c.WriteJSON(map[string]string{"type": "subscribe", "topic": "meters:" + n}); err != nil {
			return nil, err
		}
		var m ws.ServerMessage
		if err := c.ReadJSON(&m); err != nil || m.Type != "subscribed" {
			return nil, fmt.Errorf("subscribe %s: %+v %v", n, m, err)
		}
	}
	return &subscriber{conn: c}, nil
}

func (s *subscriber) read() {
	for {
		_, b, err := s.conn.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now()
		at, missed, ok := scanMeter(b)
		if !ok {
			continue
		}
		s.received.Add(1)
		s.missed.Add(missed)
		s.mu.Lock()
		s.lat = append(s.lat, now.Sub(at))
		s.mu.Unlock()
	}
}

// runAgent streams frames for one node until ctx ends.
func runAgent(ctx context.Context, cfg simConfig, node string, sent, errors *atomic.Int64) {
	h := http.Header{"Authorization": {"Bearer " + cfg.NodeToken(node)}}
	c, _, err := websocket.DefaultDialer.DialContext(ctx, wsURL(cfg.BaseURL, fmt.Sprintf(agentapi.PathStream, node)), h)
	if err != nil {
		errors.Add(1)
		return
	}
	defer c.Close()
	go func() { // consume pings and the close frame
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	f := agentapi.MeterFrame{NodeID: node, InterfaceID: node + "-if0"}
	for i := 1; i <= cfg.Channels; i++ {
		f.Levels = append(f.Levels, agentapi.LevelFrame{ChannelIndex: i, Label: agentapi.ChannelLabel(i), RMSDBFS: -23.4, PeakDBFS: -8.1,
			Quality: agentapi.Quality{SpeechScore: 0.8, SpeechLike: true, NoiseScore: 0.1, EstimatedSNRDB: 24.5, IntelligibilityScore: 0.7}})
	}
	// Real agents do not tick in step: start at a random phase.
	period := time.Second / time.Duration(cfg.Rate)
	select {
	case <-ctx.Done():
		return
	case <-time.After(rand.N(period)):
	}
	t := time.NewTicker(period)
	defer t.Stop()
	var buf []byte
	for {
		select {
		case <-ctx.Done():
			_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			return
		case <-t.C:
			f.CapturedAt = time.Now().UTC()
			buf = append(buf[:0], `{"type":"meter","meter":`...)
			buf = append(f.AppendJSON(buf), '}')
			if err := c.WriteMessage(websocket.TextMessage, buf); err != nil {
				errors.Add(1)
				return
			}
			sent.Add(1)
		}
	}
}

// runHeartbeats posts a heartbeat for node every agentapi.HeartbeatInterval.
func runHeartbeats(ctx context.Context, cfg simConfig, node string, ok, failed *atomic.Int64) {
	t := time.NewTicker(agentapi.HeartbeatInterval)
	defer t.Stop()
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		body, _ := json.Marshal(agentapi.Heartbeat{SentAt: time.Now().UTC()})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost,
			strings.TrimSuffix(cfg.Heartbeat, "/")+fmt.Sprintf(agentapi.PathHeartbeat, node), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+cfg.NodeToken(node))
		req.Header.Set("Content-Type", "application/json")
		if resp, err := client.Do(req); err == nil && resp.StatusCode < 300 {
			ok.Add(1)
			resp.Body.Close()
		} else if ctx.Err() == nil {
			failed.Add(1)
			if resp != nil {
				resp.Body.Close()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// simulate runs the fleet for cfg.Duration and reports.
func simulate(ctx context.Context, cfg simConfig) (simResult, error) {
	nodes := make([]string, cfg.Nodes)
	for i := range nodes {
		nodes[i] = fmt.Sprintf("sim-%04d", i)
		if i < len(cfg.NodeIDs) {
			nodes[i] = cfg.NodeIDs[i]
		}
	}
	subs := make([]*subscriber, 0, cfg.Subscribers)
	for range cfg.Subscribers {
		s, err := dialSubscriber(cfg, nodes)
		if err != nil {
			return simResult{}, err
		}
		defer s.conn.Close()
		subs = append(subs, s)
		go s.read()
	}
	var sent, agentErrors, hbOK, hbFailed atomic.Int64
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() { runAgent(runCtx, cfg, n, &sent, &agentErrors) })
		if cfg.Heartbeat != "" {
			wg.Go(func() { runHeartbeats(runCtx, cfg, n, &hbOK, &hbFailed) })
		}
	}
	wg.Wait()
	time.Sleep(500 * time.Millisecond) // let the last frames arrive
	res := simResult{Nodes: cfg.Nodes, Subscribers: cfg.Subscribers, Sent: sent.Load(), AgentErrors: agentErrors.Load(),
		HeartbeatsOK: hbOK.Load(), HeartbeatsFailed: hbFailed.Load()}
	var lat []time.Duration
	for _, s := range subs {
		res.Received += s.received.Load()
		res.Missed += s.missed.Load()
		s.mu.Lock()
		lat = append(lat, s.lat...)
		s.mu.Unlock()
	}
	res.Dropped = res.Sent*int64(cfg.Subscribers) - res.Received
	if len(lat) > 0 {
		slices.Sort(lat)
		at := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
		res.P50, res.P90, res.P99, res.Max = at(.5), at(.9), at(.99), lat[len(lat)-1]
	}
	return res, nil
}

// scanMeter pulls capturedAt and missed out of a meter message without a
// full decode, so that the measuring client is not the bottleneck.
func scanMeter(b []byte) (time.Time, int64, bool) {
	if !bytes.HasPrefix(b, []byte(`{"type":"meter"`)) {
		return time.Time{}, 0, false
	}
	const key = `"capturedAt":"`
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return time.Time{}, 0, false
	}
	rest := b[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return time.Time{}, 0, false
	}
	at, err := time.Parse(time.RFC3339Nano, string(rest[:j]))
	if err != nil {
		return time.Time{}, 0, false
	}
	var missed int64
	if k := bytes.LastIndex(b, []byte(`"missed":`)); k >= 0 {
		for _, c := range b[k+len(`"missed":`):] {
			if c < '0' || c > '9' {
				break
			}
			missed = missed*10 + int64(c-'0')
		}
	}
	return at, missed, true
}
