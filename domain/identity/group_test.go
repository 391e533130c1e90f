package identity

import (
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	cases := map[string]string{
		"Ops":                    "ops",
		"  Ops — Nord  ":         "ops-nord",
		"Council Chamber 2":      "council-chamber-2",
		"--A__B--":               "a-b",
		"Ärzte & Pflege":         "rzte-pflege",
		"日本語":                    "group",
		"":                       "group",
		strings.Repeat("ab", 50): strings.Repeat("ab", 30),
		strings.Repeat("a ", 40): strings.TrimRight(strings.Repeat("a-", 30), "-"),
	}
	for in, want := range cases {
		got := Slug(in)
		if got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if !ValidGroupID(got) {
			t.Errorf("Slug(%q) = %q is not a valid id", in, got)
		}
	}
}

func TestSlugCandidate(t *testing.T) {
	for n, want := range map[int]string{0: "ops", 1: "ops", 2: "ops-2", 3: "ops-3", 12: "ops-12"} {
		if got := SlugCandidate("Ops", n); got != want || !ValidGroupID(got) {
			t.Errorf("SlugCandidate(Ops, %d) = %q, want %q", n, got, want)
		}
	}
}

func TestValidGroupID(t *testing.T) {
	for id, ok := range map[string]bool{"ops": true, "ops-2": true, "a": true, "": false, "-a": false, "a-": false,
		"A": false, "a b": false, "a--b": false, "a_b": false, strings.Repeat("a", 69): false} {
		if ValidGroupID(id) != ok {
			t.Errorf("ValidGroupID(%q) != %v", id, ok)
		}
	}
}

func TestNewGroup(t *testing.T) {
	cases := []struct {
		name, id, display, desc string
		fields                  []string
	}{
		{"ok", "ops", " Ops ", " night shift ", nil},
		{"bad id", "Ops!", "Ops", "", []string{"id"}},
		{"no name", "ops", "", "", []string{"name"}},
		{"long description", "ops", "Ops", strings.Repeat("d", 501), []string{"description"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := NewGroup(c.id, c.display, c.desc, t0)
			if c.fields == nil {
				if err != nil || g.ID() != "ops" || g.Name() != "Ops" || g.Description() != "night shift" {
					t.Fatalf("%+v %v", g, err)
				}
				if err := g.Rename("Operators", t0); err != nil || g.ID() != "ops" || g.Name() != "Operators" {
					t.Fatalf("rename: %+v %v", g, err)
				}
				return
			}
			if got := strings.Join(fieldsOf(err), ","); got != strings.Join(c.fields, ",") {
				t.Fatalf("fields %q, want %q", got, c.fields)
			}
		})
	}
}
