package audit

import (
	"fmt"
	"strings"
	"testing"
)

// chain builds n sealed rows and their head.
func chain(t *testing.T, n int) ([]Event, Head) {
	t.Helper()
	head := Genesis()
	var rows []Event
	for i := range n {
		e := sampleEvent()
		e.ID = fmt.Sprintf("row-%d", i+1)
		s, err := Seal(e, head)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, s)
		head = Head{Seq: s.Seq, Hash: s.Hash, MaxRowSeq: s.Seq}
	}
	return rows, head
}

func verifyRows(rows []Event, head Head) Verification {
	v, _ := VerifyChain(head, func(visit func(Event) error) error {
		for _, r := range rows {
			if err := visit(r); err != nil {
				return err
			}
		}
		return nil
	})
	return v
}

func TestVerifyChain(t *testing.T) {
	cases := []struct {
		name    string
		mutate  func(rows []Event, h *Head) []Event
		seq     int64
		id      string
		problem string
	}{
		{name: "intact", mutate: func(r []Event, _ *Head) []Event { return r }},
		{name: "field changed", mutate: func(r []Event, _ *Head) []Event { r[2].Reason = "x"; return r },
			seq: 3, id: "row-3", problem: "hash mismatch"},
		{name: "hash replaced", mutate: func(r []Event, _ *Head) []Event { r[1].Hash = strings.Repeat("a", 64); return r },
			seq: 2, id: "row-2", problem: "hash mismatch"},
		{name: "prev hash changed", mutate: func(r []Event, _ *Head) []Event { r[3].PrevHash = GenesisHash; return r },
			seq: 4, id: "row-4", problem: "hash mismatch"},
		{name: "row rewritten with a recomputed hash", mutate: func(r []Event, _ *Head) []Event {
			r[2].Reason = "forged"
			r[2].Hash, _ = ComputeHash(r[2])
			return r
		}, seq: 4, id: "row-4", problem: "previous hash does not match the hash of seq 3"},
		{name: "middle row deleted", mutate: func(r []Event, _ *Head) []Event { return append(r[:2:2], r[3:]...) },
			seq: 4, id: "row-4", problem: "sequence gap before seq 4"},
		{name: "last row deleted", mutate: func(r []Event, h *Head) []Event { h.MaxRowSeq--; return r[:len(r)-1] },
			seq: 5, problem: "head points past the last row"},
		{name: "seq swapped", mutate: func(r []Event, _ *Head) []Event {
			r[1].Seq, r[3].Seq = r[3].Seq, r[1].Seq
			r[1], r[3] = r[3], r[1]
			return r
		}, seq: 2, id: "row-4", problem: "hash mismatch"},
		{name: "head hash wrong", mutate: func(r []Event, h *Head) []Event { h.Hash = GenesisHash; return r },
			seq: 5, id: "row-5", problem: "head hash"},
		{name: "rows past head", mutate: func(r []Event, h *Head) []Event { h.MaxRowSeq = 7; return r },
			seq: 6, problem: "rows past the head"},
		{name: "seq below one", mutate: func(r []Event, _ *Head) []Event { r[0].Seq = 0; return r },
			seq: 0, id: "row-1", problem: "out of order"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, head := chain(t, 5)
			rows = c.mutate(rows, &head)
			v := verifyRows(rows, head)
			if c.problem == "" {
				if !v.OK || v.Checked != 5 {
					t.Fatalf("intact chain: %+v", v)
				}
				return
			}
			if v.OK || v.FirstBrokenSeq != c.seq || v.FirstBrokenID != c.id || !strings.Contains(v.Problem, c.problem) {
				t.Fatalf("got %+v, want seq %d id %q problem %q", v, c.seq, c.id, c.problem)
			}
		})
	}
}

func TestVerifyChainCorruptRowAndErrors(t *testing.T) {
	rows, head := chain(t, 3)
	v, err := VerifyChain(head, func(visit func(Event) error) error {
		if err := visit(rows[0]); err != nil {
			return err
		}
		return &CorruptRowError{ID: "row-2", Seq: 2, Problem: "before_json is not JSON"}
	})
	if err != nil || v.OK || v.FirstBrokenID != "row-2" || v.Checked != 1 || v.Problem != "before_json is not JSON" {
		t.Fatalf("corrupt row: %+v %v", v, err)
	}
	if _, err := VerifyChain(head, func(func(Event) error) error { return fmt.Errorf("db down") }); err == nil {
		t.Fatal("scan error swallowed")
	}
	if v := verifyRows(nil, Genesis()); !v.OK || v.Checked != 0 {
		t.Fatalf("empty chain: %+v", v)
	}
}
