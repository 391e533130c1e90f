package gormstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rakkr/rakkr/adapters/passwordhash"
	"github.com/rakkr/rakkr/application/identity"
	"github.com/rakkr/rakkr/application/identity/identitytest"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/test/dbtest"
)

// TestIdentityLoginCommitsWithItsAuditRow runs the identity service on the
// real stores and argon2id: a login whose audit row cannot be written
// leaves no session behind, and a good one leaves exactly one.
func TestIdentityLoginCommitsWithItsAuditRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		s := identityStores(c.DB)
		rec := &identitytest.Audit{}
		svc, err := identity.New(identity.Deps{Tx: c.DB, Users: s.Users, Groups: s.Groups, Sessions: s.Sessions, Tokens: s.Tokens,
			Hasher: passwordhash.New(passwordhash.Params{Memory: 64, Time: 1, Threads: 1}), Bindings: identitytest.NewBindings(),
			Permissions: identitytest.Permissions{}, Audit: rec})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, created, err := svc.EnsureOwner(ctx, "owner@example.org", "Owner", "owner password"); err != nil || !created {
			t.Fatalf("ensure owner: %v %v", created, err)
		}
		sessions := func() int64 {
			var n int64
			if err := c.DB.Gorm.Table("auth_sessions").Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		rec.Err = errs.Unavailable(errors.New("audit store down"))
		if _, err := svc.Login(ctx, "owner@example.org", "owner password", "192.0.2.1", ""); errs.KindOf(err) != errs.KindUnavailable {
			t.Fatalf("login without its audit row: %v", err)
		}
		if n := sessions(); n != 0 {
			t.Fatalf("%d sessions committed without their audit row", n)
		}
		rec.Err = nil
		res, err := svc.Login(ctx, "owner@example.org", "owner password", "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if n := sessions(); n != 1 {
			t.Fatalf("%d sessions after one login", n)
		}
		p, err := svc.Authenticate(ctx, res.Token)
		if err != nil || p.ID != res.Account.User.ID() {
			t.Fatalf("authenticate: %+v %v", p, err)
		}
	})
}
