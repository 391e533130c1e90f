package alsa_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rakkr/rakkr/test/alsa"
)

func TestAsoundRCDefinesTheDevices(t *testing.T) {
	env := alsa.New(t)
	if os.Getenv("HOME") != env.Home {
		t.Fatal("HOME not set")
	}
	env.AddFileDevice("fakemic", "/data/in.s16", 48000, 2)
	env.AddRawDevice("rawmic", "/data/in.f32")
	b, err := os.ReadFile(filepath.Join(env.Home, ".asoundrc"))
	if err != nil {
		t.Fatal(err)
	}
	want := `pcm.fakemic_file { type file  slave.pcm "null"  file "/dev/null"  infile "/data/in.s16"  format "raw" }
pcm.fakemic { type plug  slave { pcm "fakemic_file" format S16_LE rate 48000 channels 2 }  hint { show on description "Test file capture fakemic" } }

pcm.rawmic { type file  slave.pcm "null"  file "/dev/null"  infile "/data/in.f32"  format "raw" }
`
	if string(b) != want {
		t.Fatalf(".asoundrc:\n%s\nwant:\n%s", b, want)
	}
}

func TestJACKStartsWithAStableNameAndStopsAtCleanup(t *testing.T) {
	alsa.Require(t, "jackd", "jack_lsp", alsa.JACKPlugin)
	var pid int
	t.Run("running", func(t *testing.T) {
		env := alsa.New(t)
		j := env.StartJACK(4)
		pid = j.PID()
		if os.Getenv("JACK_DEFAULT_SERVER") != j.Server || !strings.HasPrefix(j.Server, "rakkr-alsa-") {
			t.Fatalf("server %q, env %q", j.Server, os.Getenv("JACK_DEFAULT_SERVER"))
		}
		out, err := exec.Command("jack_lsp").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "system:capture_4") {
			t.Fatalf("jack_lsp: %v\n%s", err, out)
		}
		env.AddJACKFileDevice(j, "rtmic", "/data/in.f32")
		if !strings.Contains(env.AsoundRC(), "capture_ports { 0 system:capture_1 1 system:capture_2 2 system:capture_3 3 system:capture_4 }") {
			t.Fatalf(".asoundrc:\n%s", env.AsoundRC())
		}
	})
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("jackd (pid %d) still running after cleanup: %v", pid, err)
	}
}
