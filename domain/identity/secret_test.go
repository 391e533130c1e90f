package identity

import (
	"errors"
	"github.com/rakkr/rakkr/domain/uid"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/access"
)

func TestSecrets(t *testing.T) {
	s := NewSessionSecret()
	p := NewAPITokenSecret()
	if KindOfSecret(s) != SecretSession || KindOfSecret(p) != SecretAPIToken {
		t.Fatalf("kinds of %q and %q", s, p)
	}
	if len(s) != len("rakkr_")+43 || len(p) != len("rakkr_pat_")+43 {
		t.Fatalf("lengths %d %d", len(s), len(p))
	}
	if h := HashSecret(s); len(h) != 64 || h == HashSecret(p) || h != HashSecret(s) {
		t.Fatalf("hash %q", h)
	}
	for _, bad := range []string{"", "rakkr_", "rakkr_node_abc", s + "x", s[:len(s)-1] + "!", "Bearer " + s, strings.ToUpper(p[:6]) + p[6:]} {
		if KindOfSecret(bad) != SecretUnknown {
			t.Errorf("KindOfSecret(%q) is known", bad)
		}
	}
}

func TestSessionCheck(t *testing.T) {
	s, secret, err := NewSession("u1", 12*time.Hour, "10.0.0.1", "curl/8 \xff", t0)
	if err != nil {
		t.Fatal(err)
	}
	if s.TokenHash() != HashSecret(secret) || strings.Contains(s.TokenHash(), secret) || s.UserAgent() != "curl/8 " {
		t.Fatalf("session %+v", s)
	}
	cases := []struct {
		at   time.Time
		want error
	}{
		{t0, nil},
		{t0.Add(12*time.Hour - time.Second), nil},
		{t0.Add(12 * time.Hour), ErrSessionExpired},
	}
	for _, c := range cases {
		if err := s.Check(c.at); !errors.Is(err, c.want) && err != c.want {
			t.Errorf("Check(%v) = %v, want %v", c.at, err, c.want)
		}
	}
	s.Revoke(t0.Add(time.Minute))
	if err := s.Check(t0.Add(2 * time.Minute)); err != ErrInvalidToken {
		t.Fatalf("revoked session: %v", err)
	}
	if _, _, err := NewSession("", time.Hour, "", "", t0); err == nil {
		t.Fatal("session without user accepted")
	}
}

func TestNewAPIToken(t *testing.T) {
	future := t0.Add(time.Hour)
	past := t0.Add(-time.Hour)
	cases := []struct {
		name   string
		perms  []access.Permission
		exp    *time.Time
		tok    string
		fields []string
	}{
		{"all rights", nil, nil, "ci", nil},
		{"subset sorted and deduplicated", []access.Permission{"node:read", "audit:read", "node:read"}, &future, "ci", nil},
		{"empty list", []access.Permission{}, nil, "ci", []string{"permissions"}},
		{"unknown permission", []access.Permission{"node:read", "node:fly"}, nil, "ci", []string{"permissions[1]"}},
		{"past expiry", nil, &past, "ci", []string{"expiresAt"}},
		{"no name", nil, nil, " ", []string{"name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, secret, err := NewAPIToken("u1", c.tok, c.perms, c.exp, t0)
			if c.fields != nil {
				if got := strings.Join(fieldsOf(err), ","); got != strings.Join(c.fields, ",") {
					t.Fatalf("fields %q, want %q (%v)", got, c.fields, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(secret, tok.Prefix()) || len(tok.Prefix()) != APITokenDisplayLength || tok.TokenHash() != HashSecret(secret) {
				t.Fatalf("token %+v", tok)
			}
			if c.perms == nil && tok.Permissions() != nil {
				t.Fatal("nil permissions became a list")
			}
			if c.perms != nil && strings.Join(permStrings(tok.Permissions()), ",") != "audit:read,node:read" {
				t.Fatalf("permissions %v", tok.Permissions())
			}
			if err := tok.Check(t0); err != nil {
				t.Fatal(err)
			}
			if c.exp != nil && tok.Check(*c.exp) != ErrInvalidToken {
				t.Fatal("expired token accepted")
			}
			tok.Revoke(t0)
			if tok.Check(t0) != ErrInvalidToken {
				t.Fatal("revoked token accepted")
			}
		})
	}
}

func permStrings(ps []access.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func TestNewIDIsAVersion4UUID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id := uid.New()
		if len(id) != 36 || id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) || strings.Count(id, "-") != 4 || seen[id] {
			t.Fatalf("id %q", id)
		}
		seen[id] = true
	}
}
