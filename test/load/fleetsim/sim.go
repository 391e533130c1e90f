package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	Timeline     bool     // report the heartbeats per second of the run
	// Warmup runs before Duration: its heartbeats and frames are counted
	// (sent, received, dropped) but left out of the latency percentiles —
	// 1,000 streams connecting at once is not the steady state measured.
	Warmup time.Duration
	// JSON forces JSON text meter messages (the agents do not offer
	// agentapi.StreamProtocolBinary), for comparison with the binary stream.
	JSON bool
}

// simResult is what a run reports.
type simResult struct {
	Nodes, Subscribers              int
	Sent, Received, Missed, Dropped int64
	HeartbeatsOK, HeartbeatsFailed  int64
	P50, P90, P99, Max              time.Duration // capture → console meter latency
	HBP50, HBP99, HBMax             time.Duration // heartbeat round trip (successful ones)
	AgentErrors                     int64
	BinaryStreams                   int64 // agents whose stream negotiated the binary encoding
	SocketsPerSubscriber            int
	Timeline                        string // with simConfig.Timeline: heartbeats per second
	Warmup                          time.Duration
	WarmupHBMax, WarmupFrameMax     time.Duration // the slowest heartbeat and frame of the warm-up
}

func (r simResult) String() string {
	us := func(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
	return fmt.Sprintf("nodes=%d subscribers=%d (sockets each=%d) sent=%d received=%d missed(reported)=%d dropped(total)=%d "+
		"heartbeats ok=%d failed=%d heartbeat latency p50=%v p99=%v max=%v agentErrors=%d binaryStreams=%d "+
		"subscriber latency p50=%v p90=%v p99=%v max=%v",
		r.Nodes, r.Subscribers, r.SocketsPerSubscriber, r.Sent, r.Received, r.Missed, r.Dropped,
		r.HeartbeatsOK, r.HeartbeatsFailed, us(r.HBP50), us(r.HBP99), us(r.HBMax),
		r.AgentErrors, r.BinaryStreams, us(r.P50), us(r.P90), us(r.P99), us(r.Max)) +
		fmt.Sprintf(" (after a %v warm-up, left out of the latencies: its slowest heartbeat %v, slowest frame %v)\n",
			r.Warmup, us(r.WarmupHBMax), us(r.WarmupFrameMax)) + r.Timeline
}

func wsURL(base, path string) string {
	return "ws" + strings.TrimPrefix(strings.TrimSuffix(base, "/"), "http") + path
}

// topicsPerSocket is how many meter topics one console socket carries: the
// hub refuses more than 256 per socket (websocket.tooManyTopics), so a
// subscriber covering a larger fleet spreads over several sockets.
const topicsPerSocket = 200

// socketsFor is the number of console sockets one subscriber needs to cover
// nodes topics.
func socketsFor(nodes int) int { return max(1, (nodes+topicsPerSocket-1)/topicsPerSocket) }

// subscriber is one logical console subscribed to every simulated node, over
// socketsFor(len(nodes)) sockets.
type subscriber struct {
	conns    []*websocket.Conn
	from     time.Time // frames captured earlier are warm-up (set before read)
	mu       sync.Mutex
	lat      []time.Duration
	warmMax  time.Duration
	received atomic.Int64
	missed   atomic.Int64
}

// dialSubscriber opens the sockets of one subscriber and subscribes them,
// topicsPerSocket nodes each. On error the sockets opened so far are closed.
func dialSubscriber(cfg simConfig, nodes []string) (*subscriber, error) {
	s := &subscriber{}
	for chunk := range slices.Chunk(nodes, topicsPerSocket) {
		c, err := dialConsole(cfg, chunk)
		if err != nil {
			s.close()
			return nil, err
		}
		s.conns = append(s.conns, c)
	}
	return s, nil
}

func dialConsole(cfg simConfig, nodes []string) (*websocket.Conn, error) {
	d := websocket.Dialer{Subprotocols: []string{ws.Protocol, ws.BearerProtocolPrefix + cfg.ConsoleToken}, HandshakeTimeout: 10 * time.Second}
	c, _, err := d.Dial(wsURL(cfg.BaseURL, "/api/v1/ws"), nil)
	if err != nil {
		return nil, fmt.Errorf("console socket: %w", err)
	}
	for _, n := range nodes {
		if err := c.WriteJSON(map[string]string{"type": "subscribe", "topic": "meters:" + n}); err != nil {
			c.Close()
			return nil, err
		}
		var m ws.ServerMessage
		if err := c.ReadJSON(&m); err != nil || m.Type != "subscribed" {
			c.Close()
			return nil, fmt.Errorf("subscribe %s: %+v %v", n, m, err)
		}
	}
	return c, nil
}

func (s *subscriber) close() {
	for _, c := range s.conns {
		c.Close()
	}
}

// read consumes every socket of s until they close.
func (s *subscriber) read() {
	for _, c := range s.conns {
		go s.readConn(c)
	}
}

func (s *subscriber) readConn(c *websocket.Conn) {
	var buf bytes.Buffer // reused: the measuring client must not be the bottleneck
	for {
		_, rd, err := c.NextReader()
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(rd); err != nil {
			return
		}
		now := time.Now()
		at, missed, ok := scanMeter(buf.Bytes())
		if !ok {
			continue
		}
		s.received.Add(1)
		s.missed.Add(missed)
		s.mu.Lock()
		if at.Before(s.from) {
			s.warmMax = max(s.warmMax, now.Sub(at))
		} else {
			s.lat = append(s.lat, now.Sub(at))
		}
		s.mu.Unlock()
	}
}

// runHeartbeats posts a heartbeat for node every agentapi.HeartbeatInterval
// and records the round trip of each successful one in lat.
func runHeartbeats(ctx context.Context, cfg simConfig, node string, ok, failed *atomic.Int64, lat *latencies) {
	// Real agents do not heartbeat in step either: start at a random phase.
	select {
	case <-ctx.Done():
		return
	case <-time.After(rand.N(agentapi.HeartbeatInterval)):
	}
	t := time.NewTicker(agentapi.HeartbeatInterval)
	defer t.Stop()
	// Each agent is its own process with its own kept-alive connection.
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Minute}}
	for {
		body, _ := json.Marshal(agentapi.Heartbeat{SentAt: time.Now().UTC()})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost,
			strings.TrimSuffix(cfg.Heartbeat, "/")+fmt.Sprintf(agentapi.PathHeartbeat, node), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+cfg.NodeToken(node))
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		if resp, err := client.Do(req); err == nil && resp.StatusCode < 300 {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			lat.add(start, time.Since(start))
			ok.Add(1)
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
		defer s.close()
		subs = append(subs, s)
	}
	var sent, agentErrors, binaryStreams, hbOK, hbFailed atomic.Int64
	var hbLat latencies
	started := time.Now()
	from := started.Add(cfg.Warmup)
	for _, s := range subs {
		s.from = from
		go s.read()
	}
	runCtx, cancel := context.WithTimeout(ctx, cfg.Warmup+cfg.Duration)
	defer cancel()
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() { runAgent(runCtx, cfg, n, &sent, &agentErrors, &binaryStreams) })
		if cfg.Heartbeat != "" {
			wg.Go(func() { runHeartbeats(runCtx, cfg, n, &hbOK, &hbFailed, &hbLat) })
		}
	}
	wg.Wait()
	time.Sleep(500 * time.Millisecond) // let the last frames arrive
	res := simResult{Nodes: cfg.Nodes, Subscribers: cfg.Subscribers, Sent: sent.Load(), AgentErrors: agentErrors.Load(), BinaryStreams: binaryStreams.Load(),
		HeartbeatsOK: hbOK.Load(), HeartbeatsFailed: hbFailed.Load(), SocketsPerSubscriber: socketsFor(len(nodes))}
	res.Warmup = cfg.Warmup
	var lat []time.Duration
	for _, s := range subs {
		res.Received += s.received.Load()
		res.Missed += s.missed.Load()
		s.mu.Lock()
		lat = append(lat, s.lat...)
		res.WarmupFrameMax = max(res.WarmupFrameMax, s.warmMax)
		s.mu.Unlock()
	}
	res.Dropped = res.Sent*int64(cfg.Subscribers) - res.Received
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50, res.P90, res.P99, res.Max = percentile(lat, .5), percentile(lat, .9), percentile(lat, .99), lat[len(lat)-1]
	}
	var hb []time.Duration
	hbLat.mu.Lock()
	for i, d := range hbLat.d {
		if hbLat.at[i].Before(from) {
			res.WarmupHBMax = max(res.WarmupHBMax, d)
		} else {
			hb = append(hb, d)
		}
	}
	hbLat.mu.Unlock()
	if len(hb) > 0 {
		slices.Sort(hb)
		res.HBP50, res.HBP99, res.HBMax = percentile(hb, .5), percentile(hb, .99), hb[len(hb)-1]
	}
	if cfg.Timeline {
		res.Timeline = hbLat.timeline(started)
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
	// "missed" is the message's last member: look for it in the tail only.
	var missed int64
	tail := b[max(0, len(b)-40):]
	if k := bytes.LastIndex(tail, []byte(`"missed":`)); k >= 0 {
		for _, c := range tail[k+len(`"missed":`):] {
			if c < '0' || c > '9' {
				break
			}
			missed = missed*10 + int64(c-'0')
		}
	}
	return at, missed, true
}
