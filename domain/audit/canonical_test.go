package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sampleEvent() Event {
	return Event{
		ID:        "0b0c5b1e-6a43-4d0e-9a57-3c2f1e0d9b11",
		CreatedAt: time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.FixedZone("CET", 3600)),
		Action:    "auth.users.create.succeeded", Outcome: Succeeded, Permission: "auth:manage",
		Actor:          Actor{ID: "u1", Name: "Ada", Type: ActorUser, Roles: []string{"owner"}},
		ActorContext:   ActorContext{IPAddress: "10.0.0.1", SessionID: "s1", UserAgent: "curl/8"},
		Target:         Target{Type: "user", ID: "u2", Name: "Bob"},
		Before:         nil,
		After:          map[string]any{"email": "bob@example.com", "roles": []string{"viewer"}},
		Details:        map[string]any{"z": 1, "a": "<b>"},
		CorrelationIDs: map[string]string{"requestId": "r1"},
		Reason:         "granted",
	}
}

func TestCanonicalSortsKeysAndKeepsNumbers(t *testing.T) {
	e, err := Normalize(sampleEvent())
	if err != nil {
		t.Fatal(err)
	}
	e.Before = map[string]any{"big": json.Number("12345678901234567890"), "f": json.Number("1.10"), "neg": json.Number("-0.5e-7")}
	c, err := Canonical(e)
	if err != nil {
		t.Fatal(err)
	}
	s := string(c)
	for _, want := range []string{`"big":12345678901234567890`, `"f":1.10`, `"neg":-0.5e-7`, `"a":"<b>"`,
		`"createdAt":"2026-03-04T04:06:07.123456Z"`, `"before":{"big"`} {
		if !strings.Contains(s, want) {
			t.Errorf("canonical %s lacks %s", s, want)
		}
	}
	if !strings.HasPrefix(s, `{"action":`) || strings.Index(s, `"actor"`) > strings.Index(s, `"after"`) {
		t.Errorf("keys are not sorted: %s", s)
	}
	// The same content built in another order encodes identically.
	e2 := e
	e2.Details = map[string]any{"a": "<b>", "z": json.Number("1")}
	c2, _ := Canonical(e2)
	if string(c2) != s {
		t.Errorf("canonical differs:\n%s\n%s", s, c2)
	}
}

func TestNormalizeRoundTripsThroughStorage(t *testing.T) {
	big := json.RawMessage(`{"n": 1e400, "x": 0.1000, "s": "a\u0000b"}`)
	e := sampleEvent()
	e.Before = big
	e.ActorContext.UserAgent = "bad\xffutf8\x00nul"
	n, err := Normalize(e)
	if err != nil {
		t.Fatal(err)
	}
	if n.ActorContext.UserAgent != "bad\uFFFDutf8nul" {
		t.Errorf("user agent not cleaned: %q", n.ActorContext.UserAgent)
	}
	if !n.CreatedAt.Equal(e.CreatedAt.Truncate(time.Microsecond)) || n.CreatedAt.Location() != time.UTC {
		t.Errorf("time not normalized: %v", n.CreatedAt)
	}
	// What the store writes and reads back hashes the same.
	raw, _ := EncodeJSON(n.Before)
	back, err := DecodeJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	stored := n
	stored.Before = back
	h1, _ := ComputeHash(n)
	h2, _ := ComputeHash(stored)
	if h1 != h2 {
		t.Errorf("hash changed across storage: %s %s (%s)", h1, h2, raw)
	}
	if !strings.Contains(string(raw), "1e400") || !strings.Contains(string(raw), "0.1000") {
		t.Errorf("numbers not preserved: %s", raw)
	}
	again, _ := Normalize(n)
	if h3, _ := ComputeHash(again); h3 != h1 {
		t.Error("Normalize is not idempotent")
	}
	if _, err := Normalize(Event{Before: map[string]any{"f": func() {}}}); err == nil {
		t.Error("unencodable Before accepted")
	}
}

func TestSealLinksToHeadAndHashes(t *testing.T) {
	first, err := Seal(sampleEvent(), Genesis())
	if err != nil {
		t.Fatal(err)
	}
	if first.Seq != 1 || first.PrevHash != GenesisHash || len(first.Hash) != 64 {
		t.Fatalf("first row: seq %d prev %s hash %s", first.Seq, first.PrevHash, first.Hash)
	}
	c, _ := Canonical(first)
	sum := sha256.Sum256(append([]byte(GenesisHash), c...))
	if first.Hash != hex.EncodeToString(sum[:]) {
		t.Error("hash is not sha256(prevHash ‖ canonical)")
	}
	// Pinned: changing the canonical form breaks every stored chain.
	if first.Hash != goldenHash {
		t.Errorf("canonical form changed: hash %s, want %s\n%s", first.Hash, goldenHash, c)
	}
	e := sampleEvent()
	e.ID = "second"
	second, err := Seal(e, Head{Seq: first.Seq, Hash: first.Hash})
	if err != nil {
		t.Fatal(err)
	}
	if second.Seq != 2 || second.PrevHash != first.Hash {
		t.Errorf("second row not linked: %+v", second)
	}
	for name, bad := range map[string]func(*Event){
		"id": func(e *Event) { e.ID = "" }, "time": func(e *Event) { e.CreatedAt = time.Time{} },
		"action": func(e *Event) { e.Action = "" }, "outcome": func(e *Event) { e.Outcome = "maybe" },
	} {
		e := sampleEvent()
		bad(&e)
		if _, err := Seal(e, Genesis()); err == nil {
			t.Errorf("%s: incomplete event sealed", name)
		}
	}
}

// goldenHash is the hash of sampleEvent sealed at genesis, computed independently
// (python hashlib over the canonical text).
const goldenHash = "fc3e31e787e33036e554674aee83e7c0922037420f559b92c480d01663096076"

func TestActionWithOutcome(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"auth.users.create", "auth.users.create.succeeded"},
		{"auth.users.create.succeeded", "auth.users.create.succeeded"},
	} {
		if got := ActionWithOutcome(c.in, Succeeded); got != c.want {
			t.Errorf("%s: got %s", c.in, got)
		}
	}
	if Outcome("x").Valid() || !Partial.Valid() {
		t.Error("Outcome.Valid")
	}
}

func TestFilterValidateNamesFields(t *testing.T) {
	now := time.Now()
	err := Filter{Outcome: "meh", From: now, To: now.Add(-time.Hour), IDs: make([]string, 501)}.Validate()
	if err == nil {
		t.Fatal("bad filter accepted")
	}
	for _, f := range []string{"outcome", "to", "ids"} {
		if !strings.Contains(strings.ToLower(err.Error()), "invalid") || !strings.Contains(toJSON(err), `"`+f+`"`) {
			t.Errorf("issue for %s missing: %v", f, toJSON(err))
		}
	}
	if err := (Filter{ActorID: "u1", Outcome: Denied}).Validate(); err != nil {
		t.Errorf("good filter refused: %v", err)
	}
}

func toJSON(err error) string {
	b, _ := json.Marshal(err)
	return string(b)
}
