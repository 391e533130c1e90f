// Package healthlog is the agent's durable health event log: append-only
// JSONL files in the data directory (fsynced on every append, rotated at a
// size limit), and a cursor file recording which events the controller has
// accepted. Unsynced events survive restarts and are sent again; the
// controller is idempotent by event id.
package healthlog

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// Defaults of Options.
const (
	// DefaultMaxBytes is the size at which the current file is rotated.
	DefaultMaxBytes = 1 << 20
	// DefaultFiles is how many files are kept, the current one included.
	DefaultFiles = 3
	// FileName is the current log file's name in the directory.
	FileName = "health-events.jsonl"
	// CursorName is the sync cursor's file name.
	CursorName = "health-events.cursor"
)

// Options configure a Log.
type Options struct {
	// Dir holds the log files (created 0700 when missing).
	Dir string
	// MaxBytes rotates the current file before it would grow past it.
	MaxBytes int64
	// Files is how many files are kept in total (current + rotated).
	Files int
}

// record is one line of the log: the event and its sequence number.
type record struct {
	Seq int64 `json:"seq"`
	agentapi.HealthEvent
}

// cursor is what the controller has accepted: every seq ≤ Through, plus
// the listed later ones.
type cursor struct {
	Through  int64   `json:"through"`
	Accepted []int64 `json:"accepted,omitempty"`
}

// Log is the durable event log. It is safe for concurrent use.
type Log struct {
	opt    Options
	mu     sync.Mutex
	f      *os.File
	size   int64
	seq    int64
	cur    cursor
	notify chan struct{}
}

// Open opens (or creates) the log in opt.Dir and recovers the last
// sequence number and the cursor.
func Open(opt Options) (*Log, error) {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Files <= 0 {
		opt.Files = DefaultFiles
	}
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("health log: %w", err)
	}
	l := &Log{opt: opt, notify: make(chan struct{}, 1)}
	recs, err := l.readAll()
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		l.seq = max(l.seq, r.Seq)
	}
	if b, err := os.ReadFile(filepath.Join(opt.Dir, CursorName)); err == nil {
		if err := json.Unmarshal(b, &l.cur); err != nil {
			return nil, fmt.Errorf("health log cursor: %w", err)
		}
	} else if !os.IsNotExist(err) {
		return nil, fmt.Errorf("health log cursor: %w", err)
	}
	if err := l.openCurrent(); err != nil {
		return nil, err
	}
	return l, nil
}

// path returns the name of file i (0 is the current file).
func (l *Log) path(i int) string {
	p := filepath.Join(l.opt.Dir, FileName)
	if i > 0 {
		p = fmt.Sprintf("%s.%d", p, i)
	}
	return p
}

func (l *Log) openCurrent() error {
	f, err := os.OpenFile(l.path(0), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("health log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("health log: %w", err)
	}
	l.f, l.size = f, st.Size()
	return nil
}

// NewID returns a random (version 4) UUID.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Append writes e durably (fsync) and returns it with its ID and OpenedAt
// filled in when they were empty.
func (l *Log) Append(e agentapi.HealthEvent) (agentapi.HealthEvent, error) {
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.OpenedAt.IsZero() {
		e.OpenedAt = time.Now().UTC()
	}
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return e, fmt.Errorf("health log: closed")
	}
	line, err := json.Marshal(record{Seq: l.seq + 1, HealthEvent: e})
	if err != nil {
		return e, fmt.Errorf("health log: %w", err)
	}
	line = append(line, '\n')
	if l.size > 0 && l.size+int64(len(line)) > l.opt.MaxBytes {
		if err := l.rotate(); err != nil {
			return e, err
		}
	}
	if _, err := l.f.Write(line); err != nil {
		return e, fmt.Errorf("health log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return e, fmt.Errorf("health log: %w", err)
	}
	l.seq++
	l.size += int64(len(line))
	select {
	case l.notify <- struct{}{}:
	default:
	}
	return e, nil
}

// rotate shifts the files up by one, dropping the oldest. Held: l.mu.
func (l *Log) rotate() error {
	_ = l.f.Close()
	l.f = nil
	_ = os.Remove(l.path(l.opt.Files - 1))
	for i := l.opt.Files - 2; i >= 0; i-- {
		if err := os.Rename(l.path(i), l.path(i+1)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("health log rotation: %w", err)
		}
	}
	return l.openCurrent()
}

// Notify returns a channel that receives after appends.
func (l *Log) Notify() <-chan struct{} { return l.notify }

// readAll reads every kept record, oldest first. A torn last line (power
// loss during a write) is skipped.
func (l *Log) readAll() ([]record, error) {
	var out []record
	for i := l.opt.Files - 1; i >= 0; i-- {
		f, err := os.Open(l.path(i))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("health log: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			var r record
			if json.Unmarshal(sc.Bytes(), &r) == nil && r.Seq > 0 {
				out = append(out, r)
			}
		}
		f.Close()
	}
	return out, nil
}

// Pending returns up to limit events the controller has not accepted yet,
// oldest first.
func (l *Log) Pending(limit int) ([]agentapi.HealthEvent, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recs, err := l.readAll()
	if err != nil {
		return nil, err
	}
	done := map[int64]bool{}
	for _, s := range l.cur.Accepted {
		done[s] = true
	}
	var out []agentapi.HealthEvent
	for _, r := range recs {
		if r.Seq <= l.cur.Through || done[r.Seq] {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, r.HealthEvent)
	}
	return out, nil
}

// Close closes the current file; later appends fail.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
