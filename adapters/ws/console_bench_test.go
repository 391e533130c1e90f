package ws

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkConsoleWrite delivers 20,000 queued 1 KiB messages per op over a
// loopback console socket to a reading client: "passthrough" is the path
// before coalescing (plain upgrade, one WriteMessage per message),
// "coalesced" the write loop's path. It reports ns, Writes on the
// connection, write syscalls (Linux, whole process) and the writer's CPU
// time per message.
func BenchmarkConsoleWrite(b *testing.B) {
	b.Run("passthrough", func(b *testing.B) { benchConsoleWrite(b, false) })
	b.Run("coalesced", func(b *testing.B) { benchConsoleWrite(b, true) })
}

func benchConsoleWrite(b *testing.B, batched bool) {
	const total, size = 20000, 1024
	lb := newLoopback(b, batched)
	c := &consoleConn{conn: lb.server, bc: lb.bc, out: make(chan []byte, consoleQueue)}
	msg := append([]byte(`{"type":"meter","topic":"meters:n1","frame":"`), bytes.Repeat([]byte("x"), size-49)...)
	msg = append(msg, `"}`...)
	// The reader only drains bytes (4-byte frame header + payload each),
	// so the figures are the sender's; the tests check the framing.
	read := make(chan error)
	go func() {
		buf := make([]byte, 256<<10)
		for {
			for want := total * (len(msg) + 4); want > 0; {
				n, err := lb.client.NetConn().Read(buf)
				if err != nil {
					read <- err
					return
				}
				want -= n
			}
			read <- nil
		}
	}()
	// The writer runs on this goroutine, locked to its thread, so the
	// thread's CPU time is the writer's alone.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w0, s0, cpu0 := lb.tap.writes.Load(), writeSyscalls(), threadCPU()
	b.SetBytes(total * int64(len(msg)))
	b.ResetTimer()
	for range b.N {
		go func() {
			for range total {
				c.out <- msg
			}
		}()
		for n := 0; n < total; {
			k, err := c.writeQueued(<-c.out, time.Now().Add(writeWait))
			if err != nil {
				b.Fatal(err)
			}
			n += k
		}
		if err := <-read; err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	msgs := float64(b.N * total)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/msgs, "ns/msg")
	b.ReportMetric(float64(threadCPU()-cpu0)/msgs, "writer-cpu-ns/msg")
	b.ReportMetric(float64(lb.tap.writes.Load()-w0)/msgs, "writes/msg")
	if s0 >= 0 {
		b.ReportMetric(float64(writeSyscalls()-s0)/msgs, "syscw/msg")
	}
}

// threadCPU is the calling thread's user+system CPU time in nanoseconds
// (getrusage RUSAGE_THREAD, Linux).
func threadCPU() int64 {
	const rusageThread = 1
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// writeSyscalls is the process's write syscall count (syscw in
// /proc/self/io), or -1 where it cannot be read.
func writeSyscalls() int64 {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "syscw: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}
