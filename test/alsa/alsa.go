// Package alsa gives tests real capture devices on a machine without a sound
// card: it writes an .asoundrc into a temporary HOME that defines
//
//   - a fast, unclocked device playing a raw S16_LE file through ALSA's
//     file plugin over the null PCM (samples arrive faster than real time and
//     equal the file exactly), and
//   - a real-time device playing a raw float32 file, clocked by a private
//     jackd running the dummy driver (samples arrive at wall-clock speed).
//
// PortAudio then lists these devices like any other ALSA PCM. ALSA reads
// .asoundrc when PortAudio initialises, so open devices after defining them.
// The helpers use t.Setenv and therefore do not work in parallel tests.
//
// Tests call Require first: missing tools skip the test, except under
// CI=true, where they fail it.
package alsa

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tool names accepted by Require besides executables on PATH.
const (
	// JACKPlugin is ALSA's JACK PCM plugin (libasound2-plugins).
	JACKPlugin = "alsa-jack-plugin"
)

// Require skips t unless every tool is available (executables on PATH, or
// JACKPlugin); under CI=true a missing tool fails t instead.
func Require(t testing.TB, tools ...string) {
	t.Helper()
	var missing []string
	for _, tool := range tools {
		if !available(tool) {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "missing " + strings.Join(missing, ", ") + " (apt-get install -y jackd2 libasound2-plugins sox portaudio19-dev)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func available(tool string) bool {
	if tool == JACKPlugin {
		m, _ := filepath.Glob("/usr/lib/*/alsa-lib/libasound_module_pcm_jack.so")
		m2, _ := filepath.Glob("/usr/lib/alsa-lib/libasound_module_pcm_jack.so")
		return len(m)+len(m2) > 0
	}
	_, err := exec.LookPath(tool)
	return err == nil
}

// Env is a temporary HOME whose .asoundrc defines test capture devices.
type Env struct {
	t    testing.TB
	Home string
	defs []string
}

// New creates a temporary HOME, points $HOME at it for the rest of the test
// and writes an empty .asoundrc.
func New(t testing.TB) *Env {
	t.Helper()
	e := &Env{t: t, Home: t.TempDir()}
	t.Setenv("HOME", e.Home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(e.Home, ".config"))
	e.write()
	return e
}

// AsoundRC returns the current .asoundrc text.
func (e *Env) AsoundRC() string { return strings.Join(e.defs, "\n") }

// Define appends raw ALSA configuration text and rewrites .asoundrc.
func (e *Env) Define(text string) {
	e.t.Helper()
	e.defs = append(e.defs, strings.TrimSpace(text)+"\n")
	e.write()
}

func (e *Env) write() {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.Home, ".asoundrc"), []byte(e.AsoundRC()), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// AddFileDevice defines the fast capture device name, which plays the raw
// interleaved S16_LE file at rate and channels (a "plug" over "<name>_file",
// a "file" PCM over "null"). The null PCM has no clock: a second of audio
// arrives in a few tens of milliseconds, and after the end of the file the
// last signal continues. Use it where exact samples matter, not time, and
// read it as int16: other formats make the plug convert, and then the file
// plugin skips parts of the file (see AddRawDevice).
func (e *Env) AddFileDevice(name, raw string, rate, channels int) {
	e.t.Helper()
	e.Define(fmt.Sprintf(`pcm.%[1]s_file { type file  slave.pcm "null"  file "/dev/null"  infile %[2]q  format "raw" }
pcm.%[1]s { type plug  slave { pcm "%[1]s_file" format S16_LE rate %[3]d channels %[4]d }  hint { show on description "Test file capture %[1]s" } }`,
		name, raw, rate, channels))
}

// AddRawDevice defines the fast capture device name: ALSA's file plugin
// over the null PCM with no conversion, so the raw file is read in whatever
// sample format the client negotiates (PortAudio asks for its own format:
// give a float32 file to a float32 stream, S32_LE to an int32 stream). Like
// AddFileDevice it has no clock. A "plug" is deliberately absent: ALSA's
// file plugin advances its input file on every mmap_begin, so a converting
// plug that commits less than it began skips parts of the file; only a
// client reading the native format gets the file exactly.
func (e *Env) AddRawDevice(name, raw string) {
	e.t.Helper()
	e.Define(fmt.Sprintf(`pcm.%[1]s { type file  slave.pcm "null"  file "/dev/null"  infile %[2]q  format "raw" }`, name, raw))
}

// AddJACKFileDevice defines the real-time capture device name, which plays
// the raw interleaved float32 file f32 (j.Channels channels) clocked by the
// JACK server j: a "file" PCM over a "jack" PCM "<name>_jack" connected to
// the server's system ports. PortAudio lists it (a "plug" on top would not
// be listed).
func (e *Env) AddJACKFileDevice(j *JACK, name, f32 string) {
	e.t.Helper()
	var capture []string
	for i := 0; i < j.Channels; i++ {
		capture = append(capture, fmt.Sprintf("%d system:capture_%d", i, i+1))
	}
	e.Define(fmt.Sprintf(`pcm.%[1]s_jack { type jack  playback_ports { 0 system:playback_1 1 system:playback_2 }  capture_ports { %[2]s } }
pcm.%[1]s { type file  slave.pcm "%[1]s_jack"  file "/dev/null"  infile %[3]q  format "raw" }`,
		name, strings.Join(capture, " "), f32))
}

// Sox runs sox with args and fails t on error.
func Sox(t testing.TB, args ...string) {
	t.Helper()
	out, err := exec.Command("sox", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("sox %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// ToRawS16 converts a WAV file to raw interleaved S16_LE next to it and
// returns the new path (the input of AddFileDevice).
func ToRawS16(t testing.TB, wav string) string {
	t.Helper()
	return toRaw(t, wav, "signed-integer", 16, ".s16")
}

// ToRawS32 converts a WAV file to raw interleaved S32_LE next to it and
// returns the new path (for AddRawDevice read as int32).
func ToRawS32(t testing.TB, wav string) string {
	t.Helper()
	return toRaw(t, wav, "signed-integer", 32, ".s32")
}

// ToRawF32 converts a WAV file to raw interleaved 32-bit float next to it
// and returns the new path (the input of AddJACKFileDevice, or of
// AddRawDevice read as float32).
func ToRawF32(t testing.TB, wav string) string {
	t.Helper()
	return toRaw(t, wav, "floating-point", 32, ".f32")
}

func toRaw(t testing.TB, wav, encoding string, bits int, ext string) string {
	t.Helper()
	raw := strings.TrimSuffix(wav, filepath.Ext(wav)) + ext
	Sox(t, wav, "-t", "raw", "-e", encoding, "-b", fmt.Sprint(bits), "-L", raw)
	return raw
}
