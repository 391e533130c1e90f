package gormstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/application/identity/identitytest"
	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/test/dbtest"
)

func identityStores(db *gormstore.DB) identitytest.Stores {
	return identitytest.Stores{Tx: db, Users: gormstore.NewUserStore(db), Groups: gormstore.NewGroupStore(db),
		Sessions: gormstore.NewSessionStore(db), Tokens: gormstore.NewAPITokenStore(db)}
}

// TestIdentityStoreContract runs the identity store contract on SQLite and
// Postgres.
func TestIdentityStoreContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		identitytest.RunStoreContract(t, identityStores(c.DB))
	})
}

// TestIdentityWritesRollBackWithTheTransaction checks that a user and a
// session written in a failed transaction leave nothing behind.
func TestIdentityWritesRollBackWithTheTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		s := identityStores(c.DB)
		ctx := context.Background()
		boom := errors.New("audit row not written")
		var secret string
		err := c.DB.InTx(ctx, func(ctx context.Context) error {
			u, err := ident.NewUser("rollback@example.org", "Roll Back", "h", identitytest.T0)
			if err != nil {
				return err
			}
			if err := s.Users.Create(ctx, u); err != nil {
				return err
			}
			sess, sec, err := ident.NewSession(u.ID(), time.Hour, "", "", identitytest.T0)
			if err != nil {
				return err
			}
			secret = sec
			if err := s.Sessions.Create(ctx, sess); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		if _, err := s.Users.GetByEmail(ctx, "rollback@example.org"); !errors.Is(err, ident.ErrUserNotFound) {
			t.Fatalf("user survived the rollback: %v", err)
		}
		if _, err := s.Sessions.GetByTokenHash(ctx, ident.HashSecret(secret)); !errors.Is(err, ident.ErrSessionNotFound) {
			t.Fatalf("session survived the rollback: %v", err)
		}
	})
}

// TestIdentityStoreDownIsUnavailable checks that a closed database is
// database.unavailable, never "not found".
func TestIdentityStoreDownIsUnavailable(t *testing.T) {
	c := dbtest.SQLite(t)
	s := identityStores(c.DB)
	c.DB.Close()
	_, err := s.Users.Get(context.Background(), "x")
	if err == nil || errors.Is(err, ident.ErrUserNotFound) {
		t.Fatalf("closed database: %v", err)
	}
	if _, err := s.Sessions.GetByTokenHash(context.Background(), "x"); err == nil || errors.Is(err, ident.ErrSessionNotFound) {
		t.Fatalf("closed database: %v", err)
	}
}
