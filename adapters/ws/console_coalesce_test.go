package ws

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// allowAuthn accepts every bearer as a user of that name.
type allowAuthn struct{}

func (allowAuthn) Authenticate(_ context.Context, bearer string) (access.Principal, error) {
	return access.Principal{Kind: access.PrincipalUser, ID: bearer}, nil
}

// allowAuthz allows everything.
type allowAuthz struct{}

func (allowAuthz) Decide(_ context.Context, _ access.Principal, perm access.Permission, t access.Ref) (access.Decision, error) {
	return access.Decision{Allowed: true, Permission: perm, Target: t}, nil
}

// unwrapOnly is a middleware's ResponseWriter that is no http.Hijacker
// itself and exposes the writer it wraps only through Unwrap.
type unwrapOnly struct{ w http.ResponseWriter }

func (u unwrapOnly) Header() http.Header         { return u.w.Header() }
func (u unwrapOnly) Write(b []byte) (int, error) { return u.w.Write(b) }
func (u unwrapOnly) WriteHeader(code int)        { u.w.WriteHeader(code) }
func (u unwrapOnly) Unwrap() http.ResponseWriter { return u.w }

// TestConsoleCoalescesQueuedFrames: through the real hub (behind
// net/http, behind Gin and behind a wrapper reached through Unwrap), a burst of frames queued while the socket is
// busy arrives complete, in order, one message per frame, in far fewer
// writes than frames.
func TestConsoleCoalescesQueuedFrames(t *testing.T) {
	for _, router := range []string{"net/http", "gin", "unwrap"} {
		t.Run(router, func(t *testing.T) { coalesceRun(t, router) })
	}
}

func coalesceRun(t *testing.T, router string) {
	const frames = 500
	svc := meters.New(meters.Config{Queue: 2 * frames})
	hub := NewHub(Config{Meters: svc, Authenticator: allowAuthn{}, Authorizer: allowAuthz{}})
	var h http.Handler
	switch router {
	case "gin":
		gin.SetMode(gin.TestMode)
		e := gin.New()
		e.GET("/api/v1/ws", func(c *gin.Context) { _ = hub.ServeConsole(c.Writer, c.Request) })
		h = e
	case "unwrap":
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _ = hub.ServeConsole(unwrapOnly{w}, r) })
	default:
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _ = hub.ServeConsole(w, r) })
	}
	tl := newTapListener(t)
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(tl) }()
	t.Cleanup(func() { hub.Close(); _ = srv.Close() })
	d := websocket.Dialer{Subprotocols: []string{Protocol, BearerProtocolPrefix + "u"}}
	con, _, err := d.Dial("ws://"+tl.Addr().String()+"/api/v1/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer con.Close()
	tap := <-tl.conns
	if err := con.WriteJSON(map[string]string{"type": "subscribe", "topic": "meters:n1"}); err != nil {
		t.Fatal(err)
	}
	if _, b, err := con.ReadMessage(); err != nil || !bytes.Contains(b, []byte(`"subscribed"`)) {
		t.Fatalf("subscribe: %s %v", b, err)
	}

	// Hold the socket's writes while the burst is ingested, so it queues.
	hold := make(chan struct{})
	tap.hold.Store(&hold)
	f := agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1"}
	for i := 1; i <= 8; i++ {
		f.Levels = append(f.Levels, agentapi.LevelFrame{ChannelIndex: i, Label: agentapi.ChannelLabel(i), RMSDBFS: -23.4})
	}
	for i := range frames {
		f.CapturedAt = time.Now().UTC()
		f.Levels = slices.Clone(f.Levels) // subscribers share the delivered slice
		f.Levels[0].PeakDBFS = float64(-i)
		if err := svc.Ingest("n1", f); err != nil {
			t.Fatal(err)
		}
	}
	<-tap.held
	time.Sleep(50 * time.Millisecond) // let the relay fill the socket's queue
	w0 := tap.writes.Load()
	tap.hold.Store(nil)
	close(hold)

	_ = con.SetReadDeadline(time.Now().Add(10 * time.Second))
	for i := range frames {
		typ, b, err := con.ReadMessage()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		var m ServerMessage
		if err := json.Unmarshal(b, &m); err != nil || typ != websocket.TextMessage {
			t.Fatalf("frame %d is not one JSON text message: %v %.80s", i, err, b)
		}
		if m.Type != "meter" || m.Frame == nil || m.Missed != 0 || m.Frame.Levels[0].PeakDBFS != float64(-i) {
			t.Fatalf("frame %d out of order or missed: %+v", i, m)
		}
	}
	writes := tap.writes.Load() - w0
	t.Logf("%d frames in %d writes", frames, writes)
	if writes >= frames/2 {
		t.Fatalf("%d frames took %d writes: not coalesced", frames, writes)
	}
}

// TestConsoleWriteQueuedBounds: a lone message is written at once; a queue
// is drained at most batchMessages or batchBytes per write.
func TestConsoleWriteQueuedBounds(t *testing.T) {
	lb := newLoopback(t, true)
	c := &consoleConn{conn: lb.server, bc: lb.bc, out: make(chan []byte, 200)}
	dl := time.Now().Add(5 * time.Second)
	check := func(what string, wantN int, wantWrites int64) {
		t.Helper()
		w0 := lb.tap.writes.Load()
		n, err := c.writeQueued(<-c.out, dl)
		if err != nil || n != wantN || lb.tap.writes.Load()-w0 != wantWrites {
			t.Fatalf("%s: %d messages in %d writes, %v", what, n, lb.tap.writes.Load()-w0, err)
		}
	}
	c.out <- []byte("lone")
	check("lone", 1, 1)
	for i := range 100 {
		c.out <- []byte(fmt.Sprint(i))
	}
	check("by count", batchMessages, 1)
	check("rest", 100-batchMessages, 1)
	big := bytes.Repeat([]byte("b"), 100<<10)
	for range 4 {
		c.out <- big
	}
	check("by size", 3, 1) // the third crosses batchBytes
	check("last", 1, 1)
	if got := lb.readAll(t, 1+100+4); got[0] != "lone" || got[100] != "99" || len(got[104]) != len(big) {
		t.Fatalf("delivered %d messages", len(got))
	}
}

// TestConsoleWriteLoopDropsStuckPeer: a console that stops reading makes
// the write loop's flush fail at writeWait; the loop ends the socket
// (1006) and closes the connection.
func TestConsoleWriteLoopDropsStuckPeer(t *testing.T) {
	if testing.Short() {
		t.Skip("short: waits writeWait")
	}
	lb := newLoopback(t, true)
	_ = lb.tap.Conn.(*net.TCPConn).SetWriteBuffer(4096)
	_ = lb.client.NetConn().(*net.TCPConn).SetReadBuffer(4096)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &consoleConn{hub: NewHub(Config{PingInterval: time.Hour}), conn: lb.server, bc: lb.bc,
		ctx: ctx, cancel: cancel, out: make(chan []byte, consoleQueue)}
	for range 16 {
		c.out <- bytes.Repeat([]byte("z"), 64<<10)
	}
	start := time.Now()
	done := make(chan struct{})
	go func() { c.writeLoop(); close(done) }()
	select {
	case <-done:
	case <-time.After(writeWait + 3*time.Second):
		t.Fatal("write loop stuck on a peer that does not read")
	}
	t.Logf("dropped after %v", time.Since(start))
	if time.Since(start) < writeWait-time.Second || c.code != websocket.CloseAbnormalClosure || ctx.Err() == nil {
		t.Fatalf("after %v: code %d, ctx %v", time.Since(start), c.code, ctx.Err())
	}
	_ = lb.client.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := lb.client.ReadMessage(); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("socket not closed: %v", err)
			}
			return
		}
	}
}

// TestConsoleWriteLingers: with a linger, a message queued a little after
// the first joins its write, and a lone message still goes out once the
// linger is over.
func TestConsoleWriteLingers(t *testing.T) {
	lb := newLoopback(t, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &consoleConn{conn: lb.server, bc: lb.bc, out: make(chan []byte, 10), ctx: ctx, linger: 200 * time.Millisecond}
	dl := time.Now().Add(5 * time.Second)
	go func() {
		time.Sleep(20 * time.Millisecond)
		c.out <- []byte("second")
	}()
	w0 := lb.tap.writes.Load()
	if n, err := c.writeQueued([]byte("first"), dl); err != nil || n != 2 || lb.tap.writes.Load()-w0 != 1 {
		t.Fatalf("%d messages in %d writes, %v", n, lb.tap.writes.Load()-w0, err)
	}
	start := time.Now()
	if n, err := c.writeQueued([]byte("lone"), dl); err != nil || n != 1 {
		t.Fatalf("lone: %d %v", n, err)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Fatalf("the lone message did not linger (%v)", waited)
	}
	if got := lb.readAll(t, 3); got[0] != "first" || got[1] != "second" || got[2] != "lone" {
		t.Fatalf("delivered %q", got)
	}
}
