package settings

import (
	"os"
	"strings"
	"testing"
)

func TestEverySettingIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ControllerSettings {
		row := "| `" + s.Env + "` | `--" + s.Flag + "` |"
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/configuration.md lacks the row for %s (expected to contain %q)", s.Env, row)
		}
	}
}

func TestParsePrecedenceFlagOverEnvOverDefault(t *testing.T) {
	t.Setenv("RAKKR_LISTEN", "127.0.0.1:9999")
	v, err := Parse(ControllerSettings, nil, "t")
	if err != nil {
		t.Fatal(err)
	}
	if v["RAKKR_LISTEN"] != "127.0.0.1:9999" {
		t.Fatalf("env not applied: %q", v["RAKKR_LISTEN"])
	}
	v, err = Parse(ControllerSettings, []string{"--listen", "127.0.0.1:1"}, "t")
	if err != nil || v["RAKKR_LISTEN"] != "127.0.0.1:1" {
		t.Fatalf("flag not applied: %q %v", v["RAKKR_LISTEN"], err)
	}
	if v["RAKKR_SESSION_TTL"] != "12h" {
		t.Fatalf("default not applied: %q", v["RAKKR_SESSION_TTL"])
	}
	if _, err := Parse(ControllerSettings, []string{"--nope"}, "t"); err == nil {
		t.Fatal("unknown flag accepted")
	}
}

func TestParseSizeAndSecretKey(t *testing.T) {
	cases := map[string]int64{"512MiB": 512 << 20, "1MB": 1_000_000, "4096": 4096, "2 GiB": 2 << 30}
	for in, want := range cases {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "12XB", "MiB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
	if k, err := SecretKey(strings.Repeat("ab", 32)); err != nil || len(k) != 32 {
		t.Fatalf("hex key: %v", err)
	}
	if k, err := SecretKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="); err != nil || len(k) != 32 {
		t.Fatalf("base64 key: %v", err)
	}
	if _, err := SecretKey("c2hvcnQ="); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestBooleanSettingsAcceptABareFlag(t *testing.T) {
	v, err := Parse(ControllerSettings, []string{"--dev", "--listen", "127.0.0.1:2"}, "t")
	if err != nil || v["RAKKR_DEV"] != "true" || v["RAKKR_LISTEN"] != "127.0.0.1:2" {
		t.Fatalf("--dev: %v %v", v["RAKKR_DEV"], err)
	}
	v, _ = Parse(ControllerSettings, []string{"--dev=false"}, "t")
	if b, err := v.Bool("RAKKR_DEV"); b || err != nil {
		t.Fatalf("--dev=false: %v %v", b, err)
	}
}
