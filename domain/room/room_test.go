package room

import (
	"strings"
	"testing"
	"time"
)

func TestNewRoom(t *testing.T) {
	cases := []struct {
		name, site, room string
		ok               bool
	}{
		{"good", "hq", "Studio A", true},
		{"no site", "", "Studio A", false},
		{"site with space", "h q", "Studio A", false},
		{"no name", "hq", "  ", false},
		{"long name", "hq", strings.Repeat("x", MaxNameLength+1), false},
	}
	for _, c := range cases {
		r, err := New(c.site, c.room, "", "", "", time.Now())
		if (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
		if err == nil && !strings.HasPrefix(r.ID, "room_") {
			t.Errorf("id %q", r.ID)
		}
	}
}
