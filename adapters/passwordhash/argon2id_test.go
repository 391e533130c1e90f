package passwordhash

import (
	"strings"
	"testing"
	"time"
)

// cheap keeps unit tests fast; the cost of DefaultParams is measured by
// BenchmarkDefaultHash.
var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	h := New(cheap)
	enc, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Contains(enc, "correct") {
		t.Fatalf("encoded %q", enc)
	}
	again, _ := h.Hash("correct horse battery")
	if again == enc {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		ok, err := h.Verify(pw, enc)
		if err != nil || ok != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	// A hasher with other parameters still verifies old hashes and asks
	// for a rehash.
	other := New(Params{Memory: 128, Time: 2, Threads: 1})
	if ok, err := other.Verify("correct horse battery", enc); !ok || err != nil {
		t.Fatalf("verify with other params: %v %v", ok, err)
	}
	if !other.NeedsRehash(enc) || h.NeedsRehash(enc) {
		t.Fatal("NeedsRehash wrong")
	}
}

func TestDefaults(t *testing.T) {
	p := New(Params{}).Params()
	if p != DefaultParams || p.Memory != 65536 || p.Time != 1 || p.Threads != 2 {
		t.Fatalf("defaults %+v", p)
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	good, _ := New(cheap).Hash("correct horse battery")
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	bad := []string{
		"",
		"plain",
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1,x=2$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=99,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$!!!$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
		good + "=",
	}
	for _, enc := range bad {
		if _, _, _, err := Decode(enc); err == nil {
			t.Errorf("Decode(%q) accepted", enc)
		}
		if ok, err := New(cheap).Verify("correct horse battery", enc); ok || err == nil {
			t.Errorf("Verify against %q = %v, %v", enc, ok, err)
		}
	}
}

// TestDefaultCost logs the cost of one default hash (the login cost); it
// asserts nothing about time, which depends on the machine.
func TestDefaultCost(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	h := New(DefaultParams)
	enc, _ := h.Hash("warm up the allocator")
	best := time.Hour
	for i := 0; i < 3; i++ {
		start := time.Now()
		if ok, _ := h.Verify("warm up the allocator", enc); !ok {
			t.Fatal("verify failed")
		}
		best = min(best, time.Since(start))
	}
	t.Logf("argon2id m=64MiB t=1 p=2 verify: best of 3 = %v", best)
}

// BenchmarkDefaultHash measures one login's hashing cost.
func BenchmarkDefaultHash(b *testing.B) {
	h := New(DefaultParams)
	for b.Loop() {
		if _, err := h.Hash("correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}
