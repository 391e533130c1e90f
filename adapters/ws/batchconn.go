package ws

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Write coalescing on the console socket. gorilla/websocket writes every
// message (and every control frame) with its own Write on the connection,
// one write(2) each; a console subscribed to many nodes gets thousands of
// frames a second. The hub therefore hands gorilla a batchConn in place of
// the hijacked connection: while the write loop holds a batch, frames are
// appended to a buffer and go to the kernel in one Write when the batch is
// flushed; otherwise writes pass straight through. The frames on the wire
// are exactly the ones gorilla produced, in the order it produced them:
// a control frame from another goroutine (a pong, the close answer) joins
// an open batch in its place, waits for a flush under way (bounded by the
// flush's deadline), or goes out at once.

const (
	// batchMessages bounds the messages coalesced into one write.
	batchMessages = 64
	// batchBytes bounds the payload coalesced into one write; the message
	// that crosses it is the batch's last.
	batchBytes = 256 << 10
	// batchKeep is the largest batch buffer returned to the pool.
	batchKeep = 1 << 20
)

// batchBufs recycles batch buffers, so an idle socket holds none.
var batchBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// batchConn is the hijacked connection of a console socket with a
// switchable write buffer. It is safe for concurrent use; mu orders the
// writes of gorilla (serialized by the websocket.Conn) with flush.
type batchConn struct {
	net.Conn
	mu       sync.Mutex
	batching bool
	buf      *[]byte
	// err is sticky: after a failed write the frame stream is corrupt.
	err error
}

// Write appends p to the open batch, or writes it through when none is open.
func (c *batchConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	if c.batching {
		*c.buf = append(*c.buf, p...)
		return len(p), nil
	}
	n, err := c.Conn.Write(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

// SetWriteDeadline passes t through when no batch is open; inside a batch
// nothing reaches the network until flush, which applies its own deadline.
func (c *batchConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.batching {
		return nil
	}
	return c.Conn.SetWriteDeadline(t)
}

// begin opens a batch: until flush, writes (data and control frames from
// any goroutine) are buffered.
func (c *batchConn) begin() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batching = true
	if c.buf == nil {
		c.buf = batchBufs.Get().(*[]byte)
	}
}

// flush closes the batch and writes what it holds in one Write bounded by
// deadline. An error (a timeout with a peer that stopped reading) leaves
// the connection unusable: every later write fails with it.
func (c *batchConn) flush(deadline time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batching = false
	buf := c.buf
	if buf == nil {
		return c.err
	}
	c.buf = nil
	defer func() {
		if cap(*buf) <= batchKeep {
			*buf = (*buf)[:0]
			batchBufs.Put(buf)
		}
	}()
	if c.err != nil || len(*buf) == 0 {
		return c.err
	}
	if err := c.Conn.SetWriteDeadline(deadline); err != nil {
		c.err = err
		return err
	}
	if _, err := c.Conn.Write(*buf); err != nil {
		c.err = err
	}
	return c.err
}

// hijackWriter hands websocket.Upgrader a batchConn: gorilla hijacks the
// connection through a type assertion to http.Hijacker on the
// ResponseWriter it is given.
type hijackWriter struct {
	http.ResponseWriter
	conn *batchConn
}

// Hijack takes over the connection (through http.ResponseController, so
// Gin's writer and wrappers with Unwrap work) and wraps it.
func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.conn = &batchConn{Conn: nc}
	return w.conn, brw, nil
}

// Unwrap exposes the wrapped writer to http.ResponseController.
func (w *hijackWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// upgradeBatched upgrades like u.Upgrade and returns the socket's
// batchConn with it.
func upgradeBatched(u *websocket.Upgrader, w http.ResponseWriter, r *http.Request) (*websocket.Conn, *batchConn, error) {
	hw := &hijackWriter{ResponseWriter: w}
	conn, err := u.Upgrade(hw, r, nil)
	if err != nil {
		return nil, nil, err
	}
	return conn, hw.conn, nil
}
