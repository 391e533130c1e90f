package secretbox

import (
	"bytes"
	"strings"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	b, err := New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := b.Seal([]byte("smb-password"))
	s2, _ := b.Seal([]byte("smb-password"))
	if s1 == s2 {
		t.Fatal("two seals of the same secret must differ (random nonce)")
	}
	if strings.Contains(s1, "smb-password") {
		t.Fatal("sealed value leaks the plaintext")
	}
	got, err := b.Open(s1)
	if err != nil || string(got) != "smb-password" {
		t.Fatalf("open = %q, %v", got, err)
	}
}

func TestOpenRejectsTamperingAndOtherKeys(t *testing.T) {
	b, _ := New(bytes.Repeat([]byte{7}, 32))
	other, _ := New(bytes.Repeat([]byte{8}, 32))
	s, _ := b.Seal([]byte("secret"))
	if _, err := other.Open(s); err != ErrSealed {
		t.Fatalf("other key: err = %v", err)
	}
	raw := []byte(s)
	raw[len(raw)-3] ^= 1
	for _, bad := range []string{string(raw), "v1:!!!", "plain", "v1:" + strings.Repeat("A", 8)} {
		if _, err := b.Open(bad); err != ErrSealed {
			t.Fatalf("Open(%q) err = %v, want ErrSealed", bad, err)
		}
	}
}

func TestNewRejectsShortKeys(t *testing.T) {
	if _, err := New(make([]byte, 16)); err == nil {
		t.Fatal("16-byte key accepted")
	}
}
