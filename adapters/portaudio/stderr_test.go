package portaudio_test

import (
	"context"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/rakkr/rakkr/adapters/portaudio"
	"github.com/rakkr/rakkr/test/alsa"
)

// TestNativeChatterStaysOffStderr lists devices on a machine without a
// sound card (ALSA then complains about every stock PCM and JACK about the
// missing server) and checks that none of it reaches file descriptor 2.
func TestNativeChatterStaysOffStderr(t *testing.T) {
	alsa.New(t) // an empty .asoundrc: nothing but ALSA's stock PCMs
	t.Setenv("JACK_DEFAULT_SERVER", "rakkr-no-such-server")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved, err := syscall.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Dup3(int(w.Fd()), 2, 0); err != nil {
		t.Fatal(err)
	}
	_, listErr := portaudio.Lister{}.ListAudioDevices(context.Background())
	_ = syscall.Dup3(saved, 2, 0)
	_ = syscall.Close(saved)
	_ = w.Close()
	out, _ := io.ReadAll(r)
	if listErr != nil {
		t.Fatal(listErr)
	}
	for _, noise := range []string{"ALSA lib", "jack server", "Cannot connect"} {
		if strings.Contains(string(out), noise) {
			t.Fatalf("stderr got native chatter %q:\n%s", noise, out)
		}
	}
}
