package identity

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/access"
)

func TestTokenPermissionsMustBeASubset(t *testing.T) {
	f := newFixture(t)
	vera := f.user(t, "vera", access.RoleViewer)
	_, err := f.svc.CreateToken(as(vera), NewTokenInput{Name: "ci", Permissions: []access.Permission{access.NodeRead, access.NodeManage}})
	e := wantCode(t, err, "request.invalid")
	if !strings.Contains(e.Message, "permissions[1]") || !strings.Contains(e.Message, "node:manage") {
		t.Fatalf("message %q does not name the permission", e.Message)
	}
	_, err = f.svc.CreateToken(as(vera), NewTokenInput{Name: "ci", Permissions: []access.Permission{"node:fly"}})
	wantFields(t, err, "permissions[0]")
	_, err = f.svc.CreateToken(as(vera), NewTokenInput{Name: "ci", Permissions: []access.Permission{}})
	wantFields(t, err, "permissions")
	past := f.clock.Now().Add(-time.Minute)
	_, err = f.svc.CreateToken(as(vera), NewTokenInput{Name: "", ExpiresAt: &past})
	wantFields(t, err, "name", "expiresAt")

	exp := f.clock.Now().Add(24 * time.Hour)
	tok, err := f.svc.CreateToken(as(vera), NewTokenInput{Name: "reader", Permissions: []access.Permission{access.RecordingRead}, ExpiresAt: &exp})
	if err != nil || !strings.HasPrefix(tok.Secret, "rakkr_pat_") || !strings.HasPrefix(tok.Secret, tok.Token.Prefix()) {
		t.Fatalf("token %+v %v", tok, err)
	}
	e2, _ := f.audit.Last()
	if e2.Action != "auth.tokens.create" || e2.After.(map[string]any)["prefix"] != tok.Token.Prefix() {
		t.Fatalf("audit %+v", e2)
	}
	f.noSecretsAudited(t, tok.Secret, tok.Token.TokenHash())
	f.clock.Advance(24 * time.Hour)
	_, err = f.svc.Authenticate(context.Background(), tok.Secret)
	wantCode(t, err, "auth.invalidToken")
}

// TestTokenCallerCannotWiden checks that a caller using a narrow API token
// mints only tokens within that token's limit.
func TestTokenCallerCannotWiden(t *testing.T) {
	f := newFixture(t)
	olga := f.user(t, "olga", access.RoleOwner)
	narrow, err := f.svc.CreateToken(as(olga), NewTokenInput{Name: "narrow", Permissions: []access.Permission{access.NodeRead}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.Authenticate(context.Background(), narrow.Secret)
	if err != nil {
		t.Fatal(err)
	}
	ctx := access.WithPrincipal(context.Background(), p)
	_, err = f.svc.CreateToken(ctx, NewTokenInput{Name: "wide", Permissions: []access.Permission{access.AuthManage}})
	wantFields(t, err, "permissions[0]")
	child, err := f.svc.CreateToken(ctx, NewTokenInput{Name: "child"})
	if err != nil || !slices.Equal(child.Token.Permissions(), []access.Permission{access.NodeRead}) {
		t.Fatalf("child of a narrow token: %v %v", child.Token.Permissions(), err)
	}
	me, err := f.svc.Me(ctx)
	if err != nil || !slices.Equal(me.Permissions, []access.Permission{access.NodeRead}) || me.TokenID != narrow.Token.ID() {
		t.Fatalf("me through a token: %+v %v", me, err)
	}
}

func TestTokensListAndRevokeOwnOnly(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "ann", access.RoleOperator)
	bob := f.user(t, "bob", access.RoleOperator)
	a1, _ := f.svc.CreateToken(as(ann), NewTokenInput{Name: "one"})
	f.clock.Advance(time.Second)
	a2, _ := f.svc.CreateToken(as(ann), NewTokenInput{Name: "two"})
	b1, _ := f.svc.CreateToken(as(bob), NewTokenInput{Name: "bob"})

	list, err := f.svc.ListTokens(as(ann))
	if err != nil || len(list) != 2 || list[0].ID() != a2.Token.ID() || list[1].ID() != a1.Token.ID() {
		t.Fatalf("list %v %v", len(list), err)
	}
	_, err = f.svc.RevokeToken(as(ann), b1.Token.ID())
	wantCode(t, err, "token.notFound")
	if _, err := f.svc.Authenticate(context.Background(), b1.Secret); err != nil {
		t.Fatalf("bob's token harmed: %v", err)
	}
	rev, err := f.svc.RevokeToken(as(ann), a1.Token.ID())
	if err != nil || rev.RevokedAt() == nil {
		t.Fatalf("revoke %v %v", rev.RevokedAt(), err)
	}
	_, err = f.svc.Authenticate(context.Background(), a1.Secret)
	wantCode(t, err, "auth.invalidToken")
	if _, err := f.svc.ListTokens(context.Background()); err == nil {
		t.Fatal("anonymous listing")
	}
}
