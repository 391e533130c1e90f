package identitytest

import (
	"context"
	"errors"
	"testing"
	"time"

	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

func userContract(t *testing.T, s Stores) {
	ctx := context.Background()
	tg := tag()
	ann := MustUser(t, s.Users, tg+"-ann", "Ann Lee")
	bob := MustUser(t, s.Users, tg+"-bob", "Bob Ray")
	cyd := MustUser(t, s.Users, tg+"-cyd", "Cyd "+tg)

	got, err := s.Users.Get(ctx, ann.ID())
	if err != nil {
		t.Fatal(err)
	}
	if err := sameUser(got, ann); err != nil {
		t.Fatal(err)
	}
	byEmail, err := s.Users.GetByEmail(ctx, tg+"-bob@example.org")
	if err != nil || byEmail.ID() != bob.ID() {
		t.Fatalf("by email: %v %v", byEmail.ID(), err)
	}
	_, err = s.Users.Get(ctx, "no-such-id")
	expectErr(t, "get missing", err, ident.ErrUserNotFound)
	_, err = s.Users.GetByEmail(ctx, tg+"-nobody@example.org")
	expectErr(t, "email missing", err, ident.ErrUserNotFound)

	// The unique index is on lower(email): a row written with other case
	// (bypassing normalization) still collides.
	twin := ident.RehydrateUser("twin-"+tg, tg+"-ANN@Example.org", "Twin", "", ident.ProviderLocal, nil, T0, T0)
	expectErr(t, "duplicate email", s.Users.Create(ctx, twin), ident.ErrEmailTaken)

	// A user without a password hash (future OIDC) keeps "".
	noPW := ident.RehydrateUser("nopw-"+tg, tg+"-oidc@example.org", "O", "", ident.ProviderLocal, nil, T0, T0)
	if err := s.Users.Create(ctx, noPW); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Users.Get(ctx, noPW.ID()); got.PasswordHash() != "" {
		t.Fatalf("empty hash read back as %q", got.PasswordHash())
	}

	later := T0.Add(90 * time.Minute)
	upd, err := s.Users.Update(ctx, bob.ID(), func(u *ident.User) error {
		u.Disable(later)
		return u.Rename("Robert Ray", later)
	})
	if err != nil || !upd.Disabled() || upd.Name() != "Robert Ray" {
		t.Fatalf("update: %v %v", describeUser(upd), err)
	}
	if got, _ := s.Users.Get(ctx, bob.ID()); sameUser(got, upd) != nil {
		t.Fatal(sameUser(got, upd))
	}
	boom := errors.New("boom")
	_, err = s.Users.Update(ctx, ann.ID(), func(u *ident.User) error { u.Disable(later); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("fn error: %v", err)
	}
	if got, _ := s.Users.Get(ctx, ann.ID()); got.Disabled() {
		t.Fatal("an update whose fn failed was saved")
	}
	_, err = s.Users.Update(ctx, "no-such-id", func(*ident.User) error { return nil })
	expectErr(t, "update missing", err, ident.ErrUserNotFound)

	listIDs := func(f ports.UserFilter) ([]string, int64) {
		t.Helper()
		us, total, err := s.Users.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(us))
		for i, u := range us {
			ids[i] = u.ID()
		}
		return ids, total
	}
	check := func(what string, ids []string, total int64, want []string, wantTotal int64) {
		t.Helper()
		if total != wantTotal || len(ids) != len(want) {
			t.Fatalf("%s: %v (total %d), want %v (total %d)", what, ids, total, want, wantTotal)
		}
		for i := range want {
			if ids[i] != want[i] {
				t.Fatalf("%s: %v, want %v", what, ids, want)
			}
		}
	}
	ids, total := listIDs(ports.UserFilter{Query: tg + "-"})
	check("by email, sorted", ids, total, []string{ann.ID(), bob.ID(), cyd.ID(), noPW.ID()}, 4)
	ids, total = listIDs(ports.UserFilter{Query: "CYD " + tg})
	check("by name, any case", ids, total, []string{cyd.ID()}, 1)
	ids, total = listIDs(ports.UserFilter{Query: tg + "-", Limit: 2, Offset: 1})
	check("page", ids, total, []string{bob.ID(), cyd.ID()}, 4)
	ids, total = listIDs(ports.UserFilter{Query: tg + "-", Offset: 10})
	check("past the end", ids, total, nil, 4)
	yes, no := true, false
	ids, total = listIDs(ports.UserFilter{Query: tg + "-", Disabled: &yes})
	check("disabled", ids, total, []string{bob.ID()}, 1)
	ids, total = listIDs(ports.UserFilter{Query: tg + "-", Disabled: &no})
	check("enabled", ids, total, []string{ann.ID(), cyd.ID(), noPW.ID()}, 3)
	ids, total = listIDs(ports.UserFilter{IDs: []string{cyd.ID(), ann.ID(), "no-such-id"}})
	check("ids", ids, total, []string{ann.ID(), cyd.ID()}, 2)
	ids, total = listIDs(ports.UserFilter{IDs: []string{}})
	check("empty ids", ids, total, nil, 0)
	ids, total = listIDs(ports.UserFilter{Query: tg + "_"})
	check("underscore is literal", ids, total, nil, 0)

	if err := s.Users.Delete(ctx, cyd.ID()); err != nil {
		t.Fatal(err)
	}
	expectErr(t, "delete twice", s.Users.Delete(ctx, cyd.ID()), ident.ErrUserNotFound)
	_, err = s.Users.Get(ctx, cyd.ID())
	expectErr(t, "get deleted", err, ident.ErrUserNotFound)
}
