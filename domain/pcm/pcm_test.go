package pcm

import (
	"errors"
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	f := Format{SampleRate: 48000, Channels: 2}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := f.FramesIn(100 * time.Millisecond); got != 4800 {
		t.Errorf("FramesIn(100ms) = %d", got)
	}
	if got := (Format{SampleRate: 44100, Channels: 1}).Duration(44100*3600 + 441); got != time.Hour+10*time.Millisecond {
		t.Errorf("Duration = %v", got)
	}
	for _, bad := range []Format{{48000, 0}, {48000, 65}, {100, 2}, {1_000_000, 2}} {
		if err := bad.Validate(); !errors.Is(err, ErrInvalidFormat) {
			t.Errorf("%v: %v", bad, err)
		}
	}
	if f.String() != "48000 Hz, 2 ch" {
		t.Errorf("String() = %q", f.String())
	}
}
