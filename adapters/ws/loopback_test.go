package ws

import (
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// tapConn counts the Writes that reach the kernel on the server side of a
// socket and can hold them (hold non-nil) until the test lets them go.
type tapConn struct {
	net.Conn
	writes atomic.Int64
	hold   atomic.Pointer[chan struct{}]
	held   chan struct{}
}

func (c *tapConn) Write(p []byte) (int, error) {
	if h := c.hold.Load(); h != nil {
		select {
		case c.held <- struct{}{}:
		default:
		}
		<-*h
	}
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// tapListener wraps every accepted connection in a tapConn.
type tapListener struct {
	net.Listener
	conns chan *tapConn
}

func (l *tapListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	t := &tapConn{Conn: c, held: make(chan struct{}, 1)}
	select {
	case l.conns <- t:
	default:
	}
	return t, nil
}

func newTapListener(t testing.TB) *tapListener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &tapListener{Listener: ln, conns: make(chan *tapConn, 8)}
}

// loopback is one socket upgraded with the console's upgrader on a
// loopback server: batched through upgradeBatched, else as before.
type loopback struct {
	server *websocket.Conn
	bc     *batchConn
	tap    *tapConn
	client *websocket.Conn
}

func newLoopback(t testing.TB, batched bool) *loopback {
	tl := newTapListener(t)
	u := NewHub(Config{}).console
	type upgraded struct {
		conn *websocket.Conn
		bc   *batchConn
	}
	ch := make(chan upgraded, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var up upgraded
		var err error
		if batched {
			up.conn, up.bc, err = upgradeBatched(&u, w, r)
		} else {
			up.conn, err = u.Upgrade(w, r, nil)
		}
		if err != nil {
			t.Error(err)
		}
		ch <- up
	})}
	go func() { _ = srv.Serve(tl) }()
	client, _, err := websocket.DefaultDialer.Dial("ws://"+tl.Addr().String()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	up := <-ch
	if up.conn == nil {
		t.FailNow()
	}
	lb := &loopback{server: up.conn, bc: up.bc, tap: <-tl.conns, client: client}
	t.Cleanup(func() { client.Close(); up.conn.Close(); _ = srv.Close() })
	return lb
}

// readAll reads n data messages from the client, recording each and every
// ping (as "ping:<data>") in order.
func (lb *loopback) readAll(t testing.TB, n int) []string {
	var got []string
	lb.client.SetPingHandler(func(s string) error { got = append(got, "ping:"+s); return nil })
	_ = lb.client.SetReadDeadline(time.Now().Add(5 * time.Second))
	for range n {
		typ, b, err := lb.client.ReadMessage()
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		if typ != websocket.TextMessage {
			t.Fatalf("message type %d", typ)
		}
		got = append(got, string(b))
	}
	return got
}
