package frontend

import (
	"io/fs"
	"os"
	"testing"
)

// TestDist checks both states: a built console (index.html served from the
// root of the returned FS) and a fresh clone (only dist/.keep, so nil).
func TestDist(t *testing.T) {
	_, statErr := os.Stat("dist/index.html")
	got := Dist()
	if statErr != nil {
		if got != nil {
			t.Fatal("Dist() is not nil although dist/index.html does not exist")
		}
		return
	}
	if got == nil {
		t.Fatal("Dist() is nil although dist/index.html exists")
	}
	b, err := fs.ReadFile(got, "index.html")
	if err != nil || len(b) == 0 {
		t.Fatalf("index.html not readable at the root: %v", err)
	}
}
