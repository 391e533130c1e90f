package auditing_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/test/dbtest"
)

// seed records 12 rows at t0+1s … t0+12s: actors u1 (8 rows) and u2 (4),
// node updates (succeeded) and auth denials, one target named "=cmd()".
func seed(t *testing.T, f *fixture) []audit.Event {
	t.Helper()
	for i := range 12 {
		ctx := userRequest(context.Background())
		e := audit.Event{Action: "nodes.update", Outcome: audit.Succeeded, Permission: "node:manage",
			Target: audit.Target{Type: "node", ID: "n" + string(rune('a'+i%3)), Name: "Desk"}}
		if i%3 == 2 {
			e = audit.Event{Action: "auth.users.delete", Outcome: audit.Denied, Permission: "auth:manage", Reason: "missing_permission",
				Target: audit.Target{Type: "user", ID: "victim"}, Details: map[string]any{"note": "Needle in DETAILS"}}
		}
		if i == 4 {
			e.Target.Name = "=cmd()"
		}
		if i >= 8 {
			e.Actor = audit.Actor{ID: "u2", Name: "Bob", Type: audit.ActorUser, Roles: []string{"operator"}}
		}
		if err := f.recorder.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	return f.recorded
}

func TestServiceListFiltersAndPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(c)
		rows := seed(t, f)
		ctx := context.Background()
		cases := []struct {
			name   string
			filter audit.Filter
			total  int64
		}{
			{"all", audit.Filter{}, 12},
			{"actor", audit.Filter{ActorID: "u2"}, 4},
			{"action prefix", audit.Filter{ActionPrefix: "nodes."}, 8},
			{"full action", audit.Filter{ActionPrefix: "auth.users.delete.denied"}, 4},
			{"prefix wildcards are literal", audit.Filter{ActionPrefix: "nodes_"}, 0},
			{"permission", audit.Filter{Permission: "auth:manage"}, 4},
			{"target", audit.Filter{TargetType: "node", TargetID: "na"}, 4},
			{"outcome", audit.Filter{Outcome: audit.Denied}, 4},
			{"reason", audit.Filter{Reason: "missing_permission"}, 4},
			{"from inclusive", audit.Filter{From: t0.Add(11 * time.Second)}, 2},
			{"to exclusive", audit.Filter{To: t0.Add(3 * time.Second)}, 2},
			{"range", audit.Filter{From: t0.Add(2 * time.Second), To: t0.Add(5 * time.Second)}, 3},
			{"free text in details, any case", audit.Filter{Q: "needle in details"}, 4},
			{"free text by id", audit.Filter{Q: rows[3].ID}, 1},
			{"ids", audit.Filter{IDs: []string{rows[0].ID, rows[5].ID, "unknown"}}, 2},
			{"combined", audit.Filter{ActorID: "u1", Outcome: audit.Succeeded, TargetID: "nb"}, 3},
		}
		for _, tc := range cases {
			page, err := f.service.List(ctx, tc.filter, 500, 0)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if page.Total != tc.total || int64(len(page.Events)) != tc.total {
				t.Errorf("%s: total %d, returned %d, want %d", tc.name, page.Total, len(page.Events), tc.total)
			}
		}
		page, err := f.service.List(ctx, audit.Filter{ActionPrefix: "nodes"}, 3, 6)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 8 || len(page.Events) != 2 {
			t.Fatalf("last page: total %d returned %d", page.Total, len(page.Events))
		}
		all, _ := f.service.List(ctx, audit.Filter{}, 5, 0)
		if all.Events[0].Seq != 12 || all.Events[4].Seq != 8 {
			t.Errorf("not newest first: %d … %d", all.Events[0].Seq, all.Events[4].Seq)
		}
		if past, _ := f.service.List(ctx, audit.Filter{}, 5, 100); past.Total != 12 || len(past.Events) != 0 {
			t.Errorf("offset past the end: %+v", past)
		}
		_, err = f.service.List(ctx, audit.Filter{Outcome: "nope"}, 501, -1)
		for _, field := range []string{"limit", "offset", "outcome"} {
			if !strings.Contains(issues(err), `"`+field+`"`) {
				t.Errorf("issue for %s missing: %s", field, issues(err))
			}
		}
		if _, err := f.service.Get(ctx, "nope"); errs.KindOf(err) != errs.KindNotFound || !strings.Contains(err.Error(), "audit.notFound") {
			t.Errorf("unknown id: %v", err)
		}
	})
}

func issues(err error) string {
	e, _ := err.(*errs.Error)
	if e == nil {
		return ""
	}
	b, _ := json.Marshal(e.Details)
	return string(b)
}

func TestServiceFacets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(c)
		seed(t, f)
		fc, err := f.service.Facets(context.Background(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]audit.FacetCount{
			"actions":     {{Value: "nodes.update.succeeded", Count: 8}, {Value: "auth.users.delete.denied", Count: 4}},
			"outcomes":    {{Value: "succeeded", Count: 8}, {Value: "denied", Count: 4}},
			"actors":      {{Value: "u1", Label: "Ada", Count: 8}, {Value: "u2", Label: "Bob", Count: 4}},
			"permissions": {{Value: "node:manage", Count: 8}, {Value: "auth:manage", Count: 4}},
			"targetTypes": {{Value: "node", Count: 8}, {Value: "user", Count: 4}},
		}
		got := map[string][]audit.FacetCount{"actions": fc.Actions, "outcomes": fc.Outcomes, "actors": fc.Actors,
			"permissions": fc.Permissions, "targetTypes": fc.TargetTypes}
		for k, w := range want {
			if g, _ := json.Marshal(got[k]); string(g) != mustJSON(w) {
				t.Errorf("%s: %s, want %s", k, g, mustJSON(w))
			}
		}
		narrowed, err := f.service.Facets(context.Background(), audit.Filter{ActorID: "u2"})
		if err != nil || len(narrowed.Actors) != 1 || narrowed.Actors[0].Count != 4 {
			t.Errorf("facets ignore the filter: %+v %v", narrowed.Actors, err)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestServiceExportCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(c)
		rows := seed(t, f)
		var buf bytes.Buffer
		n, err := f.service.ExportCSV(context.Background(), &buf, audit.Filter{})
		if err != nil || n != 12 {
			t.Fatalf("export: %d rows, %v", n, err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(recs[0], ",") != strings.Join(auditing.CSVHeader, ",") || len(recs) != 13 {
			t.Fatalf("header %v, %d records", recs[0], len(recs))
		}
		if recs[1][0] != "1" || recs[12][0] != "12" {
			t.Errorf("export is not in chain order: %s … %s", recs[1][0], recs[12][0])
		}
		if name := recs[5][15]; name != "'=cmd()" {
			t.Errorf("formula cell not defused: %q", name)
		}
		buf.Reset()
		if n, err := f.service.ExportCSV(context.Background(), &buf, audit.Filter{IDs: []string{rows[2].ID}}); err != nil || n != 1 ||
			!strings.Contains(buf.String(), rows[2].ID) {
			t.Errorf("selection export: %d %v\n%s", n, err, buf.String())
		}
		buf.Reset()
		if _, err := f.service.ExportCSV(context.Background(), &buf, audit.Filter{Outcome: "bad"}); errs.KindOf(err) != errs.KindInvalid || buf.Len() != 0 {
			t.Errorf("invalid filter: %v, wrote %d bytes", err, buf.Len())
		}
	})
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"=1+2": "'=1+2", "+x": "'+x", "-x": "'-x", "@x": "'@x", "\tx": "'\tx",
		"\rx": "'\rx", "plain": "plain", "": "", "a=b": "a=b"} {
		if got := auditing.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFilterParams(t *testing.T) {
	f, err := auditing.FilterParams{Actor: "u1", From: "2026-01-02T03:04:05+02:00", Outcome: "denied"}.Filter()
	if err != nil || f.ActorID != "u1" || !f.From.Equal(time.Date(2026, 1, 2, 1, 4, 5, 0, time.UTC)) || f.Outcome != audit.Denied {
		t.Fatalf("%+v %v", f, err)
	}
	_, err = auditing.FilterParams{From: "yesterday", To: "2026-13-01", Outcome: "maybe"}.Filter()
	for _, field := range []string{"from", "to", "outcome"} {
		if !strings.Contains(issues(err), `"`+field+`"`) {
			t.Errorf("issue for %s missing: %s", field, issues(err))
		}
	}
}

func TestServiceVerifyReportsABrokenChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(c)
		rows := seed(t, f)
		drop := "ALTER TABLE audit_events DISABLE TRIGGER USER"
		if c.URL == "" {
			drop = "DROP TRIGGER audit_events_no_update"
		}
		for _, q := range []string{drop, "UPDATE audit_events SET reason = 'granted' WHERE seq = 6"} {
			if err := c.DB.Gorm.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		v, err := f.service.Verify(context.Background())
		if err != nil || v.OK || v.FirstBrokenID != rows[5].ID || v.FirstBrokenSeq != 6 || v.Checked != 5 || v.Problem != "hash mismatch" {
			t.Fatalf("verify: %+v %v", v, err)
		}
	})
}
