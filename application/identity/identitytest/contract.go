package identitytest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// RunStoreContract runs the behaviour every implementation of the identity
// store ports must show (SQLite, Postgres, the in-memory fakes). Subtests
// may share one database: each uses its own unique emails and names.
func RunStoreContract(t *testing.T, s Stores) {
	t.Run("users", func(t *testing.T) { userContract(t, s) })
	t.Run("groups", func(t *testing.T) { groupContract(t, s) })
	t.Run("sessions", func(t *testing.T) { sessionContract(t, s) })
	t.Run("tokens", func(t *testing.T) { tokenContract(t, s) })
}

// T0 is the base time of contract data: a fixed instant with nanoseconds,
// which stores keep to the microsecond.
var T0 = time.Date(2026, 3, 1, 9, 30, 15, 123456789, time.UTC)

func tag() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// MustUser creates and stores a user with email local@example.org.
func MustUser(t testing.TB, s ports.UserStore, local, name string) ident.User {
	t.Helper()
	u, err := ident.NewUser(local+"@example.org", name, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", T0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Create(context.Background(), u); err != nil {
		t.Fatalf("create user %s: %v", local, err)
	}
	return u
}

func sameUser(a, b ident.User) error {
	if a.ID() != b.ID() || a.Email() != b.Email() || a.Name() != b.Name() || a.PasswordHash() != b.PasswordHash() ||
		a.Provider() != b.Provider() || !a.CreatedAt().Equal(b.CreatedAt()) || !a.UpdatedAt().Equal(b.UpdatedAt()) ||
		!sameTime(a.DisabledAt(), b.DisabledAt()) {
		return fmt.Errorf("users differ:\n got  %s\n want %s", describeUser(a), describeUser(b))
	}
	return nil
}

func describeUser(u ident.User) string {
	return fmt.Sprintf("{%s %s %q hash=%q %s disabled=%v created=%s updated=%s}", u.ID(), u.Email(), u.Name(), u.PasswordHash(),
		u.Provider(), u.DisabledAt(), u.CreatedAt().Format(time.RFC3339Nano), u.UpdatedAt().Format(time.RFC3339Nano))
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func expectErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

func groupContract(t *testing.T, s Stores) {
	ctx := context.Background()
	tg := tag()
	mk := func(id, name string) ident.Group {
		g, err := ident.NewGroup(tg+"-"+id, name+" "+tg, "about "+name, T0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Groups.Create(ctx, g); err != nil {
			t.Fatalf("create group: %v", err)
		}
		return g
	}
	ops := mk("ops", "Ops")
	mk("audio", "Audio")
	mk("zeta", "zeta")
	dup, _ := ident.NewGroup(ops.ID(), "Other", "", T0)
	expectErr(t, "duplicate id", s.Groups.Create(ctx, dup), ident.ErrGroupIDTaken)

	got, err := s.Groups.Get(ctx, ops.ID())
	if err != nil || got.Name() != ops.Name() || got.Description() != ops.Description() || !got.CreatedAt().Equal(ops.CreatedAt()) {
		t.Fatalf("get: %+v %v", got, err)
	}
	_, err = s.Groups.Get(ctx, tg+"-missing")
	expectErr(t, "get missing", err, ident.ErrGroupNotFound)

	later := T0.Add(time.Hour)
	upd, err := s.Groups.Update(ctx, ops.ID(), func(g *ident.Group) error { return g.Rename("Operators "+tg, later) })
	if err != nil || upd.Name() != "Operators "+tg || upd.ID() != ops.ID() || !upd.UpdatedAt().Equal(later.Truncate(time.Microsecond)) {
		t.Fatalf("update: %+v %v", upd, err)
	}
	boom := errors.New("boom")
	if _, err := s.Groups.Update(ctx, ops.ID(), func(g *ident.Group) error { _ = g.Rename("Lost", later); return boom }); !errors.Is(err, boom) {
		t.Fatalf("update error not passed on: %v", err)
	}
	if got, _ := s.Groups.Get(ctx, ops.ID()); got.Name() != "Operators "+tg {
		t.Fatalf("failed update saved: %q", got.Name())
	}
	_, err = s.Groups.Update(ctx, tg+"-missing", func(*ident.Group) error { return nil })
	expectErr(t, "update missing", err, ident.ErrGroupNotFound)

	list, total, err := s.Groups.List(ctx, ports.GroupFilter{Query: tg})
	if err != nil || total != 3 || len(list) != 3 || list[0].ID() != tg+"-audio" || list[1].ID() != tg+"-ops" || list[2].ID() != tg+"-zeta" {
		t.Fatalf("list by name: %d %v %v", total, groupIDs(list), err)
	}
	list, total, err = s.Groups.List(ctx, ports.GroupFilter{Query: tg, Limit: 1, Offset: 1})
	if err != nil || total != 3 || len(list) != 1 || list[0].ID() != tg+"-ops" {
		t.Fatalf("page: %d %v %v", total, groupIDs(list), err)
	}
	if list, total, _ = s.Groups.List(ctx, ports.GroupFilter{Query: tg + "%"}); total != 0 || len(list) != 0 {
		t.Fatalf("LIKE wildcard not escaped: %v", groupIDs(list))
	}
	if err := s.Groups.Delete(ctx, ops.ID()); err != nil {
		t.Fatal(err)
	}
	expectErr(t, "delete twice", s.Groups.Delete(ctx, ops.ID()), ident.ErrGroupNotFound)
}

func groupIDs(gs []ident.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.ID()
	}
	return out
}
