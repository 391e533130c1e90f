package meters_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/domain/access"
)

// versionedRooms is meterRooms with a version and a count of decisions.
type versionedRooms struct {
	meterRooms
	version atomic.Uint64
	calls   atomic.Int64
}

func (v *versionedRooms) Decide(ctx context.Context, p access.Principal, perm access.Permission, t access.Ref) (access.Decision, error) {
	v.calls.Add(1)
	return v.meterRooms.Decide(ctx, p, perm, t)
}

func (v *versionedRooms) Version() uint64 { return v.version.Load() }

// TestMeterFilterKeepsDecisionsUntilTheVersionMoves: with an authorizer
// that has a version, a decision is reused however old it is (no burst of
// decisions when a time-to-live runs out) and made again as soon as the
// version moves — a change of rights applies to the next frame.
func TestMeterFilterKeepsDecisionsUntilTheVersionMoves(t *testing.T) {
	clk := &meterClock{now: time.Now()}
	authz := &versionedRooms{meterRooms: meterRooms{channels: map[string]bool{"channel:i1.1": true, "channel:i1.2": true}}}
	f := meters.NewFilter(authz, access.Principal{ID: "u"}, time.Second, clk)
	ctx := context.Background()
	fr := meterFrame("n1", "i1", clk.Now(), 2)
	if out, ok := f.Frame(ctx, fr); !ok || len(out.Levels) != 2 {
		t.Fatalf("first frame %+v %v", out.Levels, ok)
	}
	first := authz.calls.Load()
	for range 10 {
		clk.advance(time.Hour)
		if out, ok := f.Frame(ctx, fr); !ok || len(out.Levels) != 2 {
			t.Fatalf("later frame %+v %v", out.Levels, ok)
		}
		f.Allowed(ctx, access.NodeRead, meters.NodeRef("n1"))
	}
	if authz.calls.Load() != first {
		t.Fatalf("%d decisions at an unchanged version", authz.calls.Load()-first)
	}
	delete(authz.channels, "channel:i1.2")
	authz.version.Add(1)
	if out, ok := f.Frame(ctx, fr); !ok || len(out.Levels) != 1 || out.Levels[0].ChannelIndex != 1 {
		t.Fatalf("after the change %+v %v", out.Levels, ok)
	}
	if authz.calls.Load() == first {
		t.Fatal("no new decision after the version moved")
	}
}
