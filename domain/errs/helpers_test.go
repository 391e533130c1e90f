package errs

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestIssuesTimeAndPage(t *testing.T) {
	var is Issues
	if got := is.Time("from", ""); !got.IsZero() || len(is) != 0 {
		t.Fatalf("empty: %v %v", got, is)
	}
	got := is.Time("from", "2026-01-02T16:04:05+01:00")
	if !got.Equal(time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)) || got.Location() != time.UTC || len(is) != 0 {
		t.Fatalf("valid: %v %v", got, is)
	}
	if got := is.Time("to", "yesterday"); !got.IsZero() || len(is) != 1 || is[0].Field != "to" {
		t.Fatalf("bad: %v %v", got, is)
	}
	is = nil
	is.Page(1, 0, 500)
	is.Page(500, 10, 500)
	if len(is) != 0 {
		t.Fatalf("valid pages: %v", is)
	}
	is.Page(0, -1, 500)
	is.Page(501, 0, 500)
	if len(is) != 3 || is[0].Field != "limit" || is[1].Field != "offset" || !strings.Contains(is[2].Message, "1 to 500") {
		t.Fatalf("bad pages: %v", is)
	}
}

func TestAtItemNamesTheItem(t *testing.T) {
	base := &Error{Kind: KindConflict, Code: "x.busy", Message: "busy", Details: map[string]any{"index": 99, "extra": "kept"}}
	err := AtItem(base, 2, "rec_7")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindConflict || e.Code != "x.busy" || e.Message != "ids[2] (rec_7): busy" {
		t.Fatalf("%#v", err)
	}
	d := e.Details.(map[string]any)
	if d["index"] != 2 || d["id"] != "rec_7" || d["field"] != "ids[2]" || d["extra"] != "kept" || base.Message != "busy" {
		t.Fatalf("details %v, original %q", d, base.Message)
	}
	plain := errors.New("disk")
	if AtItem(plain, 0, "a") != plain {
		t.Fatal("a plain error was changed")
	}
}
