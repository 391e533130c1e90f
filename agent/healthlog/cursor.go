package healthlog

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Ack marks the events with the given ids as accepted and saves the cursor.
func (l *Log) Ack(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	recs, err := l.readAll()
	if err != nil {
		return err
	}
	set := map[int64]bool{}
	for _, s := range l.cur.Accepted {
		set[s] = true
	}
	oldest := l.seq + 1
	for _, r := range recs {
		oldest = min(oldest, r.Seq)
		if want[r.ID] {
			set[r.Seq] = true
		}
	}
	// Events rotated away unsent are lost; do not wait for them.
	l.cur.Through = max(l.cur.Through, oldest-1)
	for set[l.cur.Through+1] {
		l.cur.Through++
	}
	l.cur.Accepted = l.cur.Accepted[:0]
	for s := range set {
		if s > l.cur.Through {
			l.cur.Accepted = append(l.cur.Accepted, s)
		}
	}
	sort.Slice(l.cur.Accepted, func(i, j int) bool { return l.cur.Accepted[i] < l.cur.Accepted[j] })
	return l.saveCursor()
}

// saveCursor writes the cursor atomically. Held: l.mu.
func (l *Log) saveCursor() error {
	b, err := json.Marshal(l.cur)
	if err != nil {
		return err
	}
	tmp := filepath.Join(l.opt.Dir, CursorName+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("health log cursor: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(l.opt.Dir, CursorName))
	}
	if err != nil {
		return fmt.Errorf("health log cursor: %w", err)
	}
	return nil
}
