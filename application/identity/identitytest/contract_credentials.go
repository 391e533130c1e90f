package identitytest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	ident "github.com/rakkr/rakkr/domain/identity"
)

func sessionContract(t *testing.T, s Stores) {
	ctx := context.Background()
	tg := tag()
	ann := MustUser(t, s.Users, tg+"-ann", "Ann")
	bob := MustUser(t, s.Users, tg+"-bob", "Bob")
	mk := func(u ident.User, ttl time.Duration) (ident.Session, string) {
		sess, secret, err := ident.NewSession(u.ID(), ttl, "10.1.2.3", "agent/1.0", T0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Sessions.Create(ctx, sess); err != nil {
			t.Fatalf("create session: %v", err)
		}
		return sess, secret
	}
	s1, secret1 := mk(ann, 12*time.Hour)
	s2, _ := mk(ann, time.Hour)
	s3, secret3 := mk(bob, 12*time.Hour)

	got, err := s.Sessions.GetByTokenHash(ctx, ident.HashSecret(secret1))
	if err != nil || got.ID() != s1.ID() || got.UserID() != ann.ID() || got.TokenHash() != s1.TokenHash() ||
		!got.CreatedAt().Equal(s1.CreatedAt()) || !got.ExpiresAt().Equal(s1.ExpiresAt()) || got.RevokedAt() != nil ||
		got.IPAddress() != "10.1.2.3" || got.UserAgent() != "agent/1.0" {
		t.Fatalf("get by hash: %+v %v", got, err)
	}
	_, err = s.Sessions.GetByTokenHash(ctx, ident.HashSecret("rakkr_unknown"))
	expectErr(t, "unknown hash", err, ident.ErrSessionNotFound)

	first := T0.Add(time.Minute).Truncate(time.Microsecond)
	if err := s.Sessions.Revoke(ctx, s1.ID(), first); err != nil {
		t.Fatal(err)
	}
	if err := s.Sessions.Revoke(ctx, s1.ID(), first.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Sessions.GetByTokenHash(ctx, s1.TokenHash())
	if got.RevokedAt() == nil || !got.RevokedAt().Equal(first) {
		t.Fatalf("revoked at %v, want the first time %v", got.RevokedAt(), first)
	}
	expectErr(t, "revoke unknown", s.Sessions.Revoke(ctx, "no-such-id", first), ident.ErrSessionNotFound)

	n, err := s.Sessions.RevokeUser(ctx, ann.ID(), T0.Add(2*time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("revoke user: %d %v (only s2 was live)", n, err)
	}
	if got, _ := s.Sessions.GetByTokenHash(ctx, s2.TokenHash()); got.RevokedAt() == nil {
		t.Fatal("s2 not revoked")
	}
	if got, _ := s.Sessions.GetByTokenHash(ctx, s3.TokenHash()); got.RevokedAt() != nil {
		t.Fatal("another user's session revoked")
	}

	// s2 expired at T0+1h; the others live 12 h.
	n, err = s.Sessions.DeleteExpired(ctx, T0.Add(2*time.Hour))
	if err != nil || n < 1 {
		t.Fatalf("delete expired: %d %v", n, err)
	}
	_, err = s.Sessions.GetByTokenHash(ctx, s2.TokenHash())
	expectErr(t, "expired session deleted", err, ident.ErrSessionNotFound)
	if _, err := s.Sessions.GetByTokenHash(ctx, s1.TokenHash()); err != nil {
		t.Fatalf("live session deleted: %v", err)
	}

	if err := s.Users.Delete(ctx, bob.ID()); err != nil {
		t.Fatal(err)
	}
	_, err = s.Sessions.GetByTokenHash(ctx, ident.HashSecret(secret3))
	expectErr(t, "sessions go with their user", err, ident.ErrSessionNotFound)
}

func tokenContract(t *testing.T, s Stores) {
	ctx := context.Background()
	tg := tag()
	ann := MustUser(t, s.Users, tg+"-ann", "Ann")
	bob := MustUser(t, s.Users, tg+"-bob", "Bob")
	exp := T0.Add(30 * 24 * time.Hour).Truncate(time.Microsecond)
	mk := func(u ident.User, name string, perms []access.Permission, exp *time.Time, at time.Time) (ident.APIToken, string) {
		tok, secret, err := ident.NewAPIToken(u.ID(), name, perms, exp, at)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Tokens.Create(ctx, tok); err != nil {
			t.Fatalf("create token: %v", err)
		}
		return tok, secret
	}
	all, secretAll := mk(ann, "ci all", nil, nil, T0)
	some, _ := mk(ann, "ci some", []access.Permission{access.NodeRead, access.AuditRead}, &exp, T0.Add(time.Second))
	bobs, secretBob := mk(bob, "bob", nil, nil, T0)

	got, err := s.Tokens.GetByHash(ctx, ident.HashSecret(secretAll))
	if err != nil || got.ID() != all.ID() || got.Permissions() != nil || got.ExpiresAt() != nil || got.Prefix() != all.Prefix() ||
		got.Name() != "ci all" || !got.CreatedAt().Equal(all.CreatedAt()) || got.LastUsedAt() != nil {
		t.Fatalf("token with all rights: %+v %v", got, err)
	}
	got, err = s.Tokens.GetByHash(ctx, some.TokenHash())
	if err != nil || !slices.Equal(got.Permissions(), []access.Permission{access.AuditRead, access.NodeRead}) ||
		got.ExpiresAt() == nil || !got.ExpiresAt().Equal(exp) {
		t.Fatalf("token with a subset: %v %v %v", got.Permissions(), got.ExpiresAt(), err)
	}
	_, err = s.Tokens.GetByHash(ctx, ident.HashSecret("rakkr_pat_unknown"))
	expectErr(t, "unknown hash", err, ident.ErrTokenNotFound)

	list, err := s.Tokens.ListByUser(ctx, ann.ID())
	if err != nil || len(list) != 2 || list[0].ID() != some.ID() || list[1].ID() != all.ID() {
		t.Fatalf("list own, newest first: %v %v", len(list), err)
	}

	_, err = s.Tokens.Revoke(ctx, ann.ID(), bobs.ID(), T0)
	expectErr(t, "revoke another user's token", err, ident.ErrTokenNotFound)
	first := T0.Add(time.Minute).Truncate(time.Microsecond)
	rev, err := s.Tokens.Revoke(ctx, ann.ID(), all.ID(), first)
	if err != nil || rev.RevokedAt() == nil || !rev.RevokedAt().Equal(first) {
		t.Fatalf("revoke: %v %v", rev.RevokedAt(), err)
	}
	rev, err = s.Tokens.Revoke(ctx, ann.ID(), all.ID(), first.Add(time.Hour))
	if err != nil || !rev.RevokedAt().Equal(first) {
		t.Fatalf("revoke twice keeps the first time: %v %v", rev.RevokedAt(), err)
	}
	n, err := s.Tokens.RevokeUser(ctx, ann.ID(), T0.Add(2*time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("revoke user: %d %v", n, err)
	}

	used := T0.Add(5 * time.Minute).Truncate(time.Microsecond)
	if err := s.Tokens.MarkUsed(ctx, bobs.ID(), used); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Tokens.GetByHash(ctx, bobs.TokenHash())
	if got.LastUsedAt() == nil || !got.LastUsedAt().Equal(used) || got.RevokedAt() != nil {
		t.Fatalf("mark used: %v %v", got.LastUsedAt(), got.RevokedAt())
	}
	expectErr(t, "mark unknown", s.Tokens.MarkUsed(ctx, "no-such-id", used), ident.ErrTokenNotFound)

	if err := s.Users.Delete(ctx, bob.ID()); err != nil {
		t.Fatal(err)
	}
	_, err = s.Tokens.GetByHash(ctx, ident.HashSecret(secretBob))
	expectErr(t, "tokens go with their user", err, ident.ErrTokenNotFound)
}
