package casbinauthz

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/test/dbtest"
)

// benchWorld is 1,000 users and 10,000 resources: 5 sites, 50 rooms, 250
// nodes, 1,000 schedules and 8,695 recordings (each linked to its
// schedule, node, room and site), 20 groups and 40 access policies.
// Users: 10 admins, 490 operators, 400 viewers, 100 auditors; each
// non-admin is in one group and holds a grant on a room or a node.
type benchWorld struct {
	users      []access.Principal
	recordings []access.Ref
}

func buildBenchWorld(b *testing.B, a *Authorizer) benchWorld {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	var add []rule
	link := func(child access.Ref, parents ...access.Ref) {
		add = append(add, rule{ptype: ptypeParent, vals: []string{child.Key(), child.TypeRoot()}})
		for _, p := range parents {
			add = append(add, rule{ptype: ptypeParent, vals: []string{child.Key(), p.Key()}})
		}
	}
	var w benchWorld
	var rooms, nodes []access.Ref
	resources, schedules := 0, 0
	for s := range 5 {
		site := ref(access.ResourceSite, fmt.Sprint("s", s))
		link(site)
		resources++
		for rm := range 10 {
			room := ref(access.ResourceRoom, fmt.Sprintf("r%d-%d", s, rm))
			link(room, site)
			rooms = append(rooms, room)
			resources++
			for n := range 5 {
				node := ref(access.ResourceNode, fmt.Sprintf("n%d-%d-%d", s, rm, n))
				link(node, room, site)
				nodes = append(nodes, node)
				resources++
				for sc := range 4 {
					sched := ref(access.ResourceSchedule, fmt.Sprintf("sc%d-%d-%d-%d", s, rm, n, sc))
					link(sched, node, room, site)
					resources++
					perSchedule := 8
					if schedules < 695 { // 1,305 others + 8,695 recordings = 10,000
						perSchedule = 9
					}
					schedules++
					for rec := range perSchedule {
						recording := ref(access.ResourceRecording, fmt.Sprintf("rec%d-%d-%d-%d-%d", s, rm, n, sc, rec))
						link(recording, sched, node, room, site)
						w.recordings = append(w.recordings, recording)
						resources++
					}
				}
			}
		}
	}
	if resources != 10_000 {
		b.Fatalf("built %d resources", resources)
	}
	for i := range 1000 {
		id := fmt.Sprint("u", i)
		role := access.RoleViewer
		switch {
		case i < 10:
			role = access.RoleAdmin
		case i < 500:
			role = access.RoleOperator
		case i >= 900:
			role = access.RoleAuditor
		}
		add = append(add, rule{ptype: ptypeBinding, vals: []string{userPrefix + id, rolePrefix + string(role)}})
		if !role.Unscoped() {
			add = append(add, rule{ptype: ptypeBinding, vals: []string{userPrefix + id, fmt.Sprint(groupPrefix, "g", i%20)}})
			grant := rooms[r.IntN(len(rooms))]
			if i%2 == 0 {
				grant = nodes[r.IntN(len(nodes))]
			}
			add = append(add, rule{ptype: ptypeGrant, vals: []string{userPrefix + id, grant.Key()}})
		}
		w.users = append(w.users, user(id))
	}
	for i := range 40 {
		kind := ptypeAllow
		if i%4 == 3 {
			kind = ptypeDeny
		}
		add = append(add, rule{ptype: kind, vals: []string{fmt.Sprint(groupPrefix, "g", i%20), rooms[r.IntN(len(rooms))].Key(), "bench"}})
	}
	if err := a.write(context.Background(), change{add: add}); err != nil {
		b.Fatal(err)
	}
	if err := a.Reload(context.Background()); err != nil {
		b.Fatal(err)
	}
	return w
}

// BenchmarkDecide measures one decision (recording:read on a random
// recording for a random user) with 1,000 users and 10,000 resources.
func BenchmarkDecide(b *testing.B) {
	a := newAuthorizer(b, dbtest.SQLite(b))
	w := buildBenchWorld(b, a)
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		r := rand.New(rand.NewPCG(3, 4))
		allowed := 0
		start := cpuTime()
		for b.Loop() {
			d, err := a.Decide(ctx, w.users[r.IntN(len(w.users))], access.RecordingRead, w.recordings[r.IntN(len(w.recordings))])
			if err != nil {
				b.Fatal(err)
			}
			if d.Allowed {
				allowed++
			}
		}
		reportCPU(b, start)
		b.ReportMetric(float64(allowed)/float64(b.N), "allowed/op")
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			r := rand.New(rand.NewPCG(rand.Uint64(), 5))
			for pb.Next() {
				if _, err := a.Decide(ctx, w.users[r.IntN(len(w.users))], access.RecordingRead, w.recordings[r.IntN(len(w.recordings))]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("collection", func(b *testing.B) {
		r := rand.New(rand.NewPCG(5, 6))
		start := cpuTime()
		for b.Loop() {
			if _, err := a.Decide(ctx, w.users[r.IntN(len(w.users))], access.RecordingRead, access.Global); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, start)
	})
}

// cpuTime is the CPU time the process has used (user + system), which,
// unlike wall time, does not grow when other processes share the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ns/op metric measured from start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}
