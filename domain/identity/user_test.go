package identity

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)

// fieldsOf lists the fields named by a validation error.
func fieldsOf(err error) []string {
	var out []string
	for _, is := range issuesOf(err) {
		out = append(out, is.Field)
	}
	return out
}

func TestNormalizeEmail(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"ann@example.org", "ann@example.org", true},
		{"  Ann.Lee@Example.ORG ", "ann.lee@example.org", true},
		{"admin@rakkr.local", "admin@rakkr.local", true},
		{"a+tag@sub.example.org", "a+tag@sub.example.org", true},
		{"", "", false},
		{"   ", "", false},
		{"ann", "", false},
		{"ann@", "", false},
		{"@example.org", "", false},
		{"Ann <ann@example.org>", "", false},
		{"ann@@example.org", "", false},
		{"ann lee@example.org", "", false},
		{strings.Repeat("a", 65) + "@example.org", "", false},
		{"a@" + strings.Repeat("b", 250) + ".org", "", false},
	}
	for _, c := range cases {
		got, err := NormalizeEmail(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q ok=%v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && (errs.KindOf(err) != errs.KindInvalid || fieldsOf(err)[0] != "email") {
			t.Errorf("NormalizeEmail(%q) error %v does not name the email field", c.in, err)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{"correct horse", true},
		{"0123456789", true},
		{"ääääääääää", true}, // 10 characters, 20 bytes
		{strings.Repeat("x", 256), true},
		{"", false},
		{"short", false},
		{"123456789", false},
		{strings.Repeat("x", 257), false},
		{strings.Repeat(" ", 12), false},
		{"\t\n  \t\n  \t\n", false},
		{string([]byte{0xff, 0xfe, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'}), false},
	}
	for _, c := range cases {
		err := ValidatePassword("password", c.in)
		if (err == nil) != c.ok {
			t.Errorf("ValidatePassword(%q) = %v, want ok=%v", c.in, err, c.ok)
		}
		if err != nil && fieldsOf(err)[0] != "password" {
			t.Errorf("ValidatePassword(%q) names %v", c.in, fieldsOf(err))
		}
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		p := GeneratePassword()
		if err := ValidatePassword("password", p); err != nil || len(p) != 24 {
			t.Fatalf("generated %q: %v", p, err)
		}
		if strings.ContainsAny(p, "0O1lI") || seen[p] {
			t.Fatalf("generated %q is ambiguous or repeated", p)
		}
		seen[p] = true
	}
}

func TestNewUser(t *testing.T) {
	cases := []struct {
		name, email, display, hash string
		fields                     []string
	}{
		{"ok", " Ann@Example.org", "  Ann Lee ", "$argon2id$x", nil},
		{"bad email", "nope", "Ann", "h", []string{"email"}},
		{"empty name", "ann@example.org", "  ", "h", []string{"name"}},
		{"long name", "ann@example.org", strings.Repeat("n", 101), "h", []string{"name"}},
		{"control in name", "ann@example.org", "Ann\x00Lee", "h", []string{"name"}},
		{"no hash", "ann@example.org", "Ann", "", []string{"password"}},
		{"everything", "", "", "", []string{"email", "name", "password"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, err := NewUser(c.email, c.display, c.hash, t0)
			if c.fields == nil {
				if err != nil {
					t.Fatal(err)
				}
				if u.Email() != "ann@example.org" || u.Name() != "Ann Lee" || u.Provider() != ProviderLocal ||
					u.Disabled() || len(u.ID()) != 36 || !u.CreatedAt().Equal(t0.Truncate(time.Microsecond)) {
					t.Fatalf("unexpected user %+v", u)
				}
				return
			}
			if got := strings.Join(fieldsOf(err), ","); got != strings.Join(c.fields, ",") {
				t.Fatalf("fields %q, want %q (%v)", got, c.fields, err)
			}
		})
	}
}

func TestUserDisableEnable(t *testing.T) {
	u, err := NewUser("ann@example.org", "Ann", "h", t0)
	if err != nil {
		t.Fatal(err)
	}
	u.Disable(t0.Add(time.Minute))
	u.Disable(t0.Add(2 * time.Minute))
	if !u.Disabled() || !u.DisabledAt().Equal(t0.Add(time.Minute).Truncate(time.Microsecond)) {
		t.Fatalf("disabledAt %v", u.DisabledAt())
	}
	u.Enable(t0.Add(3 * time.Minute))
	if u.Disabled() || !u.UpdatedAt().Equal(t0.Add(3*time.Minute).Truncate(time.Microsecond)) {
		t.Fatalf("enable: %v %v", u.DisabledAt(), u.UpdatedAt())
	}
	if err := u.SetPasswordHash("", t0); err == nil {
		t.Fatal("empty hash accepted")
	}
	if err := u.Rename(" ", t0); err == nil {
		t.Fatal("empty name accepted")
	}
}

func TestErrorsHaveKinds(t *testing.T) {
	cases := map[*errs.Error]errs.Kind{
		ErrInvalidCredentials: errs.KindUnauthorized, ErrInvalidToken: errs.KindUnauthorized,
		ErrSessionExpired: errs.KindUnauthorized, ErrEmailTaken: errs.KindConflict, ErrLastOwner: errs.KindConflict,
		ErrCannotDeleteSelf: errs.KindConflict, ErrUserNotFound: errs.KindNotFound, ErrOwnerRequired: errs.KindForbidden,
	}
	for e, k := range cases {
		if e.Kind != k || !errors.Is(e, e) {
			t.Errorf("%s has kind %v", e.Code, e.Kind)
		}
	}
}
