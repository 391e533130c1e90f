package auditing_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/test/dbtest"
)

// stepClock returns t0, t0+1s, t0+2s, …
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

var t0 = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

type fixture struct {
	db       *gormstore.DB
	store    *gormstore.AuditStore
	recorder *auditing.Recorder
	service  *auditing.Service
	mu       sync.Mutex
	recorded []audit.Event
}

func newFixture(c dbtest.Case) *fixture {
	f := &fixture{db: c.DB, store: gormstore.NewAuditStore(c.DB)}
	f.recorder = auditing.NewRecorder(c.DB, f.store, &stepClock{t: t0}, func(e audit.Event) {
		f.mu.Lock()
		f.recorded = append(f.recorded, e)
		f.mu.Unlock()
	})
	f.service = auditing.NewService(f.store)
	return f
}

func userRequest(ctx context.Context) context.Context {
	return audit.WithRequest(ctx, audit.Request{
		Actor:        audit.Actor{ID: "u1", Name: "Ada", Type: audit.ActorUser, Roles: []string{"admin"}},
		ActorContext: audit.ActorContext{IPAddress: "10.1.2.3", SessionID: "sess-1", UserAgent: "firefox"},
		RequestID:    "req-1",
	})
}

func TestRecorderFillsTheRequestAndChainsTheRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(c)
		ctx := userRequest(context.Background())
		type node struct{ Alias string }
		err := f.recorder.Record(ctx, audit.Event{Action: "nodes.update", Outcome: audit.Succeeded, Permission: "node:manage",
			Target: audit.Target{Type: "node", ID: "n1"}, Before: node{Alias: "old"}, After: map[string]any{"alias": "new", "gain": 1.5},
			CorrelationIDs: map[string]string{"runId": "run-7"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.recorded) != 1 {
			t.Fatalf("onRecorded ran %d times", len(f.recorded))
		}
		got, err := f.service.Get(context.Background(), f.recorded[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := uuid.Parse(got.ID); err != nil || got.Seq != 1 || !got.CreatedAt.Equal(t0.Add(time.Second)) {
			t.Errorf("id %q seq %d at %v", got.ID, got.Seq, got.CreatedAt)
		}
		if got.Action != "nodes.update.succeeded" || got.Actor.ID != "u1" || got.Actor.Roles[0] != "admin" ||
			got.ActorContext.SessionID != "sess-1" || got.CorrelationIDs["requestId"] != "req-1" || got.CorrelationIDs["runId"] != "run-7" {
			t.Errorf("row not filled from the request: %+v", got)
		}
		if b, _ := audit.EncodeJSON(got.Before); string(b) != `{"Alias":"old"}` {
			t.Errorf("before %s", b)
		}
		if a, _ := audit.EncodeJSON(got.After); string(a) != `{"alias":"new","gain":1.5}` {
			t.Errorf("after %s", a)
		}
		// Without a request the controller itself is the actor; an explicit actor wins.
		if err := f.recorder.Record(context.Background(), audit.Event{Action: "retention.run", Outcome: audit.Partial}); err != nil {
			t.Fatal(err)
		}
		if err := f.recorder.Record(ctx, audit.Event{Action: "schedules.fire", Outcome: audit.Succeeded, Actor: audit.SystemActor("scheduler")}); err != nil {
			t.Fatal(err)
		}
		if a := f.recorded[1].Actor; a.ID != "system:controller" || a.Type != audit.ActorSystem {
			t.Errorf("no-request actor %+v", a)
		}
		if a := f.recorded[2].Actor; a.ID != "system:scheduler" {
			t.Errorf("explicit actor replaced: %+v", a)
		}
		if v, err := f.service.Verify(context.Background()); err != nil || !v.OK || v.Checked != 3 {
			t.Fatalf("verify: %+v %v", v, err)
		}
	})
}

func TestRecorderRowRollsBackWithTheUseCase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(c)
		ctx := userRequest(context.Background())
		if err := f.recorder.Record(ctx, audit.Event{Action: "a.first", Outcome: audit.Allowed}); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("write failed after the audit row")
		err := f.db.InTx(ctx, func(ctx context.Context) error {
			if err := f.recorder.Record(ctx, audit.Event{Action: "a.second", Outcome: audit.Succeeded}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		page, err := f.service.List(context.Background(), audit.Filter{}, 50, 0)
		if err != nil || page.Total != 1 || len(f.recorded) != 1 {
			t.Fatalf("rolled-back row visible: total %d, recorded %d, %v", page.Total, len(f.recorded), err)
		}
		if err := f.recorder.Record(ctx, audit.Event{Action: "a.third", Outcome: audit.Succeeded}); err != nil {
			t.Fatal(err)
		}
		if v, err := f.service.Verify(context.Background()); err != nil || !v.OK || v.Checked != 2 {
			t.Fatalf("verify after rollback: %+v %v", v, err)
		}
	})
}

func TestRecorderFailsClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(c)
		ctx := userRequest(context.Background())
		ok := audit.Event{Action: "nodes.update", Outcome: audit.Succeeded}
		for name, e := range map[string]audit.Event{
			"no outcome":  {Action: "nodes.update"},
			"no action":   {Outcome: audit.Succeeded},
			"unencodable": {Action: "nodes.update", Outcome: audit.Succeeded, After: map[string]any{"c": make(chan int)}},
		} {
			if err := f.recorder.Record(ctx, e); err == nil {
				t.Errorf("%s: recorded", name)
			}
		}
		if err := c.DB.Gorm.Exec("DROP TABLE audit_events").Error; err != nil {
			t.Fatal(err)
		}
		if err := f.recorder.Record(ctx, ok); errs.KindOf(err) != errs.KindUnavailable {
			t.Errorf("table missing: %v", err)
		}
		if err := c.DB.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.recorder.Record(ctx, ok); errs.KindOf(err) != errs.KindUnavailable {
			t.Errorf("database closed: %v", err)
		}
		if len(f.recorded) != 0 {
			t.Errorf("onRecorded ran for rows that were not written: %d", len(f.recorded))
		}
	})
}
