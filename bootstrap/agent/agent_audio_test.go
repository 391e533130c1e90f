package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/adapters/procasound"
	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
	"github.com/rakkr/rakkr/test/alsa"
)

type meterJSON struct {
	NodeID      string `json:"nodeId"`
	InterfaceID string `json:"interfaceId"`
	CapturedAt  string `json:"capturedAt"`
	Levels      []struct {
		ChannelIndex int     `json:"channelIndex"`
		Label        string  `json:"label"`
		RMSDBFS      float64 `json:"rmsDbfs"`
		PeakDBFS     float64 `json:"peakDbfs"`
		Clipping     bool    `json:"clipping"`
	} `json:"levels"`
}

func runMeter(t *testing.T, args ...string) (meterJSON, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := RunMeter(context.Background(), args, &out, &errOut); code != 0 {
		t.Fatalf("RunMeter %v = %d\nstderr: %s", args, code, errOut.String())
	}
	if lines := strings.Count(out.String(), "\n"); lines != 1 {
		t.Fatalf("%d lines, want one frame: %s", lines, out.String())
	}
	var m meterJSON
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	return m, errOut.String()
}

func TestParseAudioSource(t *testing.T) {
	for spec, want := range map[string]audioSource{
		"":                   {kind: "portaudio", device: "default"},
		"portaudio":          {kind: "portaudio", device: "default", explicit: true},
		"portaudio:hw:1,0":   {kind: "portaudio", device: "hw:1,0", explicit: true},
		"file:/tmp/a b.wav":  {kind: "file", device: "/tmp/a b.wav", explicit: true},
		"demo":               {kind: "demo", device: "demo", explicit: true},
		" portaudio:fakemic": {kind: "portaudio", device: "fakemic", explicit: true},
	} {
		if got, err := parseAudioSource(spec); err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", spec, got, err, want)
		}
	}
	for _, bad := range []string{"file:", "pulse:default", "demo2"} {
		if _, err := parseAudioSource(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	var out, errOut bytes.Buffer
	if code := RunMeter(context.Background(), []string{"--source", "nope"}, &out, &errOut); code != 2 {
		t.Errorf("bad source: exit %d", code)
	}
}

func TestRunMeterOnTheDemoSource(t *testing.T) {
	m, _ := runMeter(t, "--source", "demo", "--node-id", "n1")
	if m.NodeID != "n1" || m.InterfaceID != "demo:signal" || len(m.Levels) != 2 || m.Levels[1].Label != "Input 2" {
		t.Fatalf("%+v", m)
	}
	if m.Levels[0].RMSDBFS < -45 || m.Levels[0].RMSDBFS > -5 {
		t.Fatalf("demo level %v dBFS, want a talker around −20", m.Levels[0].RMSDBFS)
	}
}

func TestRunMeterOnAFileSource(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tone.wav")
	tone := synth.Sine(48000, 48000, 1000, synth.SineRMS(-20))
	if err := wavfile.WriteFile(path, pcm.Format{SampleRate: 48000, Channels: 1}, tone, wavfile.WriteOptions{Encoding: wavfile.Float32}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RAKKR_AUDIO_SOURCE", "file:"+path)
	m, _ := runMeter(t)
	if m.InterfaceID != "file:"+path || len(m.Levels) != 1 || math.Abs(m.Levels[0].RMSDBFS+20) > 0.2 {
		t.Fatalf("%+v", m)
	}
}

func TestRunMeterOnAPortAudioDevice(t *testing.T) {
	alsa.Require(t, "sox")
	env := alsa.New(t)
	wav := filepath.Join(t.TempDir(), "sine.wav")
	alsa.Sox(t, "-n", "-r", "48000", "-b", "16", "-c", "2", wav, "synth", "2", "sine", "1000", "gain", "-16.9897")
	env.AddFileDevice("fakemic", alsa.ToRawS16(t, wav), 48000, 2)
	m, _ := runMeter(t, "--source", "portaudio:fakemic")
	t.Logf("frame: %+v", m)
	if m.InterfaceID != "alsa:fakemic" || len(m.Levels) != 2 {
		t.Fatalf("%+v", m)
	}
	for _, l := range m.Levels {
		if math.Abs(l.RMSDBFS+20) > 0.5 || l.Clipping {
			t.Fatalf("channel %d: %+v, want −20 dBFS", l.ChannelIndex, l)
		}
	}
}

func TestWithoutAnyInputTheAgentSaysItUsesTheDemo(t *testing.T) {
	if cards, _ := (procasound.Reader{}).ListSoundCards(context.Background()); len(cards) > 0 {
		t.Skip("this machine has a sound card; the fallback needs a machine without one")
	}
	alsa.New(t) // no devices defined
	t.Setenv("JACK_DEFAULT_SERVER", "rakkr-no-such-server")
	t.Setenv("RAKKR_AUDIO_SOURCE", "")
	m, stderr := runMeter(t)
	if m.InterfaceID != "demo:signal" || !strings.Contains(stderr, "demo signal (not a real input)") {
		t.Fatalf("frame %+v, stderr %q", m, stderr)
	}
	var out, errOut bytes.Buffer
	if code := RunInventory(context.Background(), nil, &out, &errOut); code != 0 {
		t.Fatalf("inventory exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), `"backend":"demo"`) || !strings.Contains(out.String(), "Demo signal (not a real input)") {
		t.Fatalf("inventory without devices: %s", out.String())
	}
	// An explicit PortAudio source never falls back.
	if code := RunMeter(context.Background(), []string{"--source", "portaudio:default"}, &out, &errOut); code != 1 {
		t.Fatalf("explicit missing device: exit %d", code)
	}
}

func TestRunInventoryPrintsTheInterfaces(t *testing.T) {
	alsa.Require(t, "sox")
	env := alsa.New(t)
	wav := filepath.Join(t.TempDir(), "in.wav")
	alsa.Sox(t, "-n", "-r", "48000", "-b", "16", "-c", "2", wav, "synth", "0.2", "sine", "440")
	env.AddFileDevice("fakemic", alsa.ToRawS16(t, wav), 48000, 2)
	var out, errOut bytes.Buffer
	if code := RunInventory(context.Background(), []string{"--source", "demo"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	t.Logf("rakkr-agent inventory --source demo:\n%s", out.String())
	var doc struct {
		Interfaces []struct {
			SystemRef    string `json:"systemRef"`
			Backend      string `json:"backend"`
			ChannelCount int    `json:"channelCount"`
			Channels     []struct {
				Index int    `json:"index"`
				Label string `json:"label"`
			} `json:"channels"`
		} `json:"interfaces"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	refs := map[string]string{}
	for _, i := range doc.Interfaces {
		refs[i.SystemRef] = i.Backend
		if len(i.Channels) != i.ChannelCount || i.Channels[0].Label != "Input 1" {
			t.Errorf("%+v", i)
		}
	}
	if refs["alsa:fakemic"] != "alsa" || refs["demo:signal"] != "demo" {
		t.Fatalf("interfaces %v\n%s", refs, out.String())
	}
}
