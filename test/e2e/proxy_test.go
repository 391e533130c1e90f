package e2e

import (
	"bytes"
	"io"
	"net"
	"sync/atomic"
	"testing"
)

// cutProxy forwards TCP connections on loopback to target and, while
// armed, cuts the first chunk upload (a PUT) once cutAfter bytes of it have
// gone upstream — as a flaky network would.
type cutProxy struct {
	ln       net.Listener
	target   string
	cutAfter int64
	armed    atomic.Bool
	cuts     atomic.Int64
}

// startCutProxy listens on a free loopback port.
func startCutProxy(t *testing.T, target string, cutAfter int64) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, cutAfter: cutAfter}
	p.armed.Store(true)
	go p.serve()
	t.Cleanup(func() { ln.Close() })
	return p
}

// URL is the proxy's base URL.
func (p *cutProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *cutProxy) handle(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(c, up); done <- struct{}{} }()
	go func() {
		buf := make([]byte, 32<<10)
		var sent int64
		putAt := int64(-1) // where the current PUT began on this connection
		for {
			n, err := c.Read(buf)
			if n > 0 {
				if i := bytes.Index(buf[:n], []byte("PUT /api/v1/nodes/")); i >= 0 {
					putAt = sent + int64(i)
				}
				if putAt >= 0 && p.armed.Load() && sent+int64(n)-putAt > p.cutAfter {
					if p.armed.CompareAndSwap(true, false) {
						_, _ = up.Write(buf[:putAt+p.cutAfter-sent])
						p.cuts.Add(1)
						break // drop both sides mid-body
					}
				}
				if _, werr := up.Write(buf[:n]); werr != nil {
					break
				}
				sent += int64(n)
			}
			if err != nil {
				break
			}
		}
		done <- struct{}{}
	}()
	<-done
}
