package gormstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/test/dbtest"
)

var errRollback = errors.New("roll back the tampering")

// tampered runs raw SQL against a chain of five rows inside a transaction
// (with the append-only triggers out of the way, as an attacker with
// database access would have them), verifies within it, and rolls back.
func tampered(t *testing.T, c dbtest.Case, stmts ...string) (audit.Verification, []audit.Event) {
	t.Helper()
	ctx := context.Background()
	s := gormstore.NewAuditStore(c.DB)
	var rows []audit.Event
	// The five rows are appended once per database and reused by each case.
	if head, _ := s.Head(ctx); head.Seq == 0 {
		rows = appendN(t, s, 5)
	} else {
		_ = s.Scan(ctx, audit.Filter{}, func(e audit.Event) error { rows = append(rows, e); return nil })
	}
	var v audit.Verification
	err := c.DB.InTx(ctx, func(ctx context.Context) error {
		conn := c.DB.Conn(ctx)
		unlock := []string{"ALTER TABLE audit_events DISABLE TRIGGER USER"}
		if c.DB.Dialect == gormstore.SQLite {
			unlock = []string{"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"}
		}
		for _, q := range append(unlock, stmts...) {
			if err := conn.Exec(q).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		v = verifyStore(ctx, t, s)
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("tamper transaction: %v", err)
	}
	return v, rows
}

func TestAuditVerifyNamesTheTamperedRow(t *testing.T) {
	later := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02 15:04:05-07:00")
	cases := []struct {
		col, set string
		seq      int64  // expected FirstBrokenSeq (0: the tampered row's, 3)
		id       string // expected FirstBrokenID ("": the tampered row's)
		problem  string
		sqlite   bool // SQLite only (Postgres types refuse the value)
	}{
		{col: "id", set: "'forged-id'", id: "forged-id", problem: "hash mismatch"},
		{col: "seq", set: "0", seq: -1, problem: "sequence out of order"},
		{col: "created_at", set: "'" + later + "'", problem: "hash mismatch"},
		{col: "action", set: "'nodes.delete.succeeded'", problem: "hash mismatch"},
		{col: "outcome", set: "'denied'", problem: "hash mismatch"},
		{col: "permission", set: "'system:admin'", problem: "hash mismatch"},
		{col: "actor_id", set: "'u9'", problem: "hash mismatch"},
		{col: "actor_name", set: "'Mallory'", problem: "hash mismatch"},
		{col: "actor_type", set: "'system'", problem: "hash mismatch"},
		{col: "actor_roles", set: `'["owner"]'`, problem: "hash mismatch"},
		{col: "ip_address", set: "'192.0.2.1'", problem: "hash mismatch"},
		{col: "session_id", set: "'other'", problem: "hash mismatch"},
		{col: "user_agent", set: "'evil/1'", problem: "hash mismatch"},
		{col: "target_type", set: "'room'", problem: "hash mismatch"},
		{col: "target_id", set: "'n99'", problem: "hash mismatch"},
		{col: "target_name", set: "'Other desk'", problem: "hash mismatch"},
		{col: "before_json", set: "NULL", problem: "hash mismatch"},
		{col: "after_json", set: `'{"gain":2.250,"note":"=cmd()"}'`, problem: "hash mismatch"},
		{col: "details_json", set: `'{"method":"GET","i":3}'`, problem: "hash mismatch"},
		{col: "correlation_ids_json", set: `'{"requestId":"forged"}'`, problem: "hash mismatch"},
		{col: "reason", set: "'missing_permission'", problem: "hash mismatch"},
		{col: "prev_hash", set: "'" + strings.Repeat("a", 64) + "'", problem: "hash mismatch"},
		{col: "hash", set: "'" + strings.Repeat("b", 64) + "'", problem: "hash mismatch"},
		// Values that cannot even be decoded are reported as such.
		{col: "before_json", set: "'not json'", problem: "before_json is not JSON"},
		{col: "details_json", set: "'[1]'", problem: "details_json is not a JSON object"},
		{col: "created_at", set: "'yesterday'", problem: "created_at is not a time", sqlite: true},
	}
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		covered := map[string]bool{}
		for _, tc := range cases {
			covered[tc.col] = true
			if tc.sqlite && c.DB.Dialect != gormstore.SQLite {
				continue
			}
			t.Run(tc.col+"="+tc.set, func(t *testing.T) {
				v, rows := tampered(t, c, "UPDATE audit_events SET "+tc.col+" = "+tc.set+" WHERE seq = 3")
				wantSeq, wantID := int64(3), rows[2].ID
				if tc.seq == -1 {
					wantSeq = 0
				}
				if tc.id != "" {
					wantID = tc.id
				}
				if v.OK || v.FirstBrokenSeq != wantSeq || v.FirstBrokenID != wantID || !strings.Contains(v.Problem, tc.problem) {
					t.Fatalf("got %+v, want seq %d id %s problem %q", v, wantSeq, wantID, tc.problem)
				}
			})
		}
		rows, err := c.DB.Gorm.Raw("SELECT * FROM audit_events WHERE 1 = 0").Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		for _, col := range cols {
			if !covered[col] {
				t.Errorf("column %s has no tamper case", col)
			}
		}
		if v := verifyStore(context.Background(), t, gormstore.NewAuditStore(c.DB)); !v.OK {
			t.Fatalf("rolled-back tampering left the chain broken: %+v", v)
		}
	})
}

func TestAuditVerifyDetectsDeletedAndReorderedRows(t *testing.T) {
	cases := []struct {
		name    string
		stmts   []string
		seq     int64
		idOf    int // index of the row expected as FirstBrokenID, -1 for none
		problem string
	}{
		{"middle row deleted", []string{"DELETE FROM audit_events WHERE seq = 3"}, 4, 3, "sequence gap before seq 4"},
		{"first row deleted", []string{"DELETE FROM audit_events WHERE seq = 1"}, 2, 1, "sequence gap before seq 2"},
		{"last row deleted", []string{"DELETE FROM audit_events WHERE seq = 5"}, 5, -1, "head points past the last row"},
		{"two rows swapped", []string{
			"UPDATE audit_events SET seq = -1 WHERE seq = 2",
			"UPDATE audit_events SET seq = 2 WHERE seq = 4",
			"UPDATE audit_events SET seq = 4 WHERE seq = -1",
		}, 2, 3, "hash mismatch"},
		{"head rewound", []string{"UPDATE audit_chain_head SET seq = 4"}, 4, 3, "head hash does not match the last row"},
		{"head rewound with its hash", []string{
			"UPDATE audit_chain_head SET seq = 4, hash = (SELECT hash FROM audit_events WHERE seq = 4)",
		}, 5, -1, "rows past the head"},
		{"row moved past the head", []string{"UPDATE audit_events SET seq = 9 WHERE seq = 5"}, 5, -1, "head points past the last row"},
	}
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				v, rows := tampered(t, c, tc.stmts...)
				wantID := ""
				if tc.idOf >= 0 {
					wantID = rows[tc.idOf].ID
				}
				if v.OK || v.FirstBrokenSeq != tc.seq || v.FirstBrokenID != wantID || !strings.Contains(v.Problem, tc.problem) {
					t.Fatalf("got %+v, want seq %d id %q problem %q", v, tc.seq, wantID, tc.problem)
				}
			})
		}
	})
}
