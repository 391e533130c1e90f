package ws

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// recConn records the Writes and write deadlines it is given.
type recConn struct {
	net.Conn
	writes   []string
	deadline time.Time
}

func (c *recConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, string(p))
	return len(p), nil
}

func (c *recConn) SetWriteDeadline(t time.Time) error { c.deadline = t; return nil }

// TestBatchConnPassThrough: with no batch open, writes and deadlines go
// straight to the connection; a batch reaches it as one Write under the
// flush's deadline.
func TestBatchConnPassThrough(t *testing.T) {
	rec := &recConn{}
	c := &batchConn{Conn: rec}
	t1 := time.Now().Add(time.Second)
	_ = c.SetWriteDeadline(t1)
	_, _ = c.Write([]byte("a"))
	_, _ = c.Write([]byte("b"))
	if fmt.Sprint(rec.writes) != "[a b]" || !rec.deadline.Equal(t1) {
		t.Fatalf("pass-through: %q %v", rec.writes, rec.deadline)
	}
	c.begin()
	_, _ = c.Write([]byte("c"))
	_ = c.SetWriteDeadline(time.Now())
	_, _ = c.Write([]byte("d"))
	if len(rec.writes) != 2 || !rec.deadline.Equal(t1) {
		t.Fatalf("batch leaked: %q %v", rec.writes, rec.deadline)
	}
	t3 := time.Now().Add(time.Minute)
	if err := c.flush(t3); err != nil {
		t.Fatal(err)
	}
	_, _ = c.Write([]byte("e"))
	if fmt.Sprint(rec.writes) != "[a b cd e]" || !rec.deadline.Equal(t3) {
		t.Fatalf("after flush: %q %v", rec.writes, rec.deadline)
	}
	c.begin()
	if err := c.flush(t3); err != nil || len(rec.writes) != 4 {
		t.Fatalf("empty batch wrote: %q %v", rec.writes, err)
	}

	// Over a real socket: unbatched messages are one write each, as before.
	lb := newLoopback(t, true)
	w0 := lb.tap.writes.Load()
	for _, m := range []string{"x", "y"} {
		if err := lb.server.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	if got := lb.readAll(t, 2); fmt.Sprint(got) != "[x y]" || lb.tap.writes.Load()-w0 != 2 {
		t.Fatalf("got %q in %d writes", got, lb.tap.writes.Load()-w0)
	}
}

// TestBatchConnOneWritePerBatch: N messages (one larger than gorilla's
// write buffer) written in a batch reach the kernel in one Write and the
// peer as N separate messages.
func TestBatchConnOneWritePerBatch(t *testing.T) {
	lb := newLoopback(t, true)
	want := []string{"one", "two", string(bytes.Repeat([]byte("b"), 40000)), "four"}
	for i := range 20 {
		want = append(want, fmt.Sprintf(`{"n":%d}`, i))
	}
	w0 := lb.tap.writes.Load()
	lb.bc.begin()
	for _, m := range want {
		if err := lb.server.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	if n := lb.tap.writes.Load() - w0; n != 0 {
		t.Fatalf("%d writes before the flush", n)
	}
	if err := lb.bc.flush(time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := lb.tap.writes.Load() - w0; n != 1 {
		t.Fatalf("%d writes for one batch", n)
	}
	if got := lb.readAll(t, len(want)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
}

// TestBatchConnControlFrameOrder: a ping written by another goroutine
// during a batch goes out with it, in its place; with no batch open it goes
// out at once.
func TestBatchConnControlFrameOrder(t *testing.T) {
	lb := newLoopback(t, true)
	dl := time.Now().Add(time.Second)
	lb.bc.begin()
	_ = lb.server.WriteMessage(websocket.TextMessage, []byte("one"))
	done := make(chan error)
	go func() { done <- lb.server.WriteControl(websocket.PingMessage, []byte("p"), dl) }()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_ = lb.server.WriteMessage(websocket.TextMessage, []byte("two"))
	if err := lb.bc.flush(dl); err != nil {
		t.Fatal(err)
	}
	w0 := lb.tap.writes.Load()
	if err := lb.server.WriteControl(websocket.PingMessage, []byte("q"), dl); err != nil || lb.tap.writes.Load() != w0+1 {
		t.Fatalf("unbatched ping: %v, %d writes", err, lb.tap.writes.Load()-w0)
	}
	_ = lb.server.WriteMessage(websocket.TextMessage, []byte("three"))
	if got := lb.readAll(t, 3); fmt.Sprint(got) != "[one ping:p two ping:q three]" {
		t.Fatalf("order on the wire %q", got)
	}
}

// TestBatchConnConcurrentControlFrames: pings from another goroutine while
// batches are written and flushed never corrupt or reorder the stream.
func TestBatchConnConcurrentControlFrames(t *testing.T) {
	lb := newLoopback(t, true)
	const batches, per, pings = 200, 5, 300
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range pings {
			if err := lb.server.WriteControl(websocket.PingMessage, []byte(fmt.Sprint(i)), time.Now().Add(time.Second)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		for i := range batches {
			lb.bc.begin()
			for j := range per {
				_ = lb.server.WriteMessage(websocket.TextMessage, []byte(fmt.Sprint(i*per+j)))
			}
			if err := lb.bc.flush(time.Now().Add(time.Second)); err != nil {
				t.Error(err)
				return
			}
		}
		wg.Wait()
		_ = lb.server.WriteMessage(websocket.TextMessage, []byte("end"))
	}()
	got := lb.readAll(t, batches*per+1)
	data, ping := 0, 0
	for _, s := range got {
		switch {
		case s == "end":
		case s == fmt.Sprint("ping:", ping):
			ping++
		case s == fmt.Sprint(data):
			data++
		default:
			t.Fatalf("out of order: %q after %d messages, %d pings", s, data, ping)
		}
	}
	if data != batches*per || ping != pings || got[len(got)-1] != "end" {
		t.Fatalf("%d messages, %d pings", data, ping)
	}
}

// TestBatchConnFlushDeadline: a peer that does not read makes the flush
// fail at its deadline; the connection stays failed.
func TestBatchConnFlushDeadline(t *testing.T) {
	lb := newLoopback(t, true)
	_ = lb.tap.Conn.(*net.TCPConn).SetWriteBuffer(4096)
	_ = lb.client.NetConn().(*net.TCPConn).SetReadBuffer(4096)
	big := bytes.Repeat([]byte("z"), 256<<10)
	lb.bc.begin()
	for range 16 { // 4 MiB, far beyond what the shrunk socket buffers hold
		_ = lb.server.WriteMessage(websocket.TextMessage, big)
	}
	start := time.Now()
	err := lb.bc.flush(start.Add(300 * time.Millisecond))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("flush to a stuck peer: %v", err)
	}
	t.Logf("flush failed after %v: %v", time.Since(start), err)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("flush took %v", d)
	}
	if err := lb.server.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)); err == nil {
		t.Fatal("write after a failed flush succeeded")
	}
}
