package agent

import (
	"github.com/rakkr/rakkr/bootstrap/settings"

	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rakkr/rakkr/adapters/demosource"
	"github.com/rakkr/rakkr/adapters/filesource"
	"github.com/rakkr/rakkr/adapters/portaudio"
	"github.com/rakkr/rakkr/adapters/procasound"
	"github.com/rakkr/rakkr/agent/inventory"
	"github.com/rakkr/rakkr/domain/quality"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// AudioSourceSetting is the agent's capture source: `portaudio:<device>`
// (`portaudio:default` is the system's default input), `file:<path.wav>`
// (played at real time, looping) or `demo` (a synthetic signal labelled as
// such). Unset means the default PortAudio input, or the demo signal — with
// a notice — when the machine has no input device.
var AudioSourceSetting = settings.Setting{Env: "RAKKR_AUDIO_SOURCE", Flag: "source",
	Help: "capture source: portaudio:<device>, file:<path.wav> or demo; unset: the default input, else the demo signal"}

// Exit codes of the audio one-shots (the same as the agent's).
const (
	audioExitOK     = 0
	audioExitFailed = 1
	audioExitUsage  = 2
)

// audioSource is a parsed RAKKR_AUDIO_SOURCE.
type audioSource struct {
	kind     string // "portaudio", "file" or "demo"
	device   string // PortAudio device name or file path
	explicit bool   // set by the operator (no demo fallback)
}

// parseAudioSource parses a source specification.
func parseAudioSource(spec string) (audioSource, error) {
	spec = strings.TrimSpace(spec)
	switch {
	case spec == "":
		return audioSource{kind: "portaudio", device: "default"}, nil
	case spec == demosource.Device:
		return audioSource{kind: "demo", device: demosource.Device, explicit: true}, nil
	case spec == "portaudio" || strings.HasPrefix(spec, "portaudio:"):
		dev := strings.TrimPrefix(strings.TrimPrefix(spec, "portaudio"), ":")
		if dev == "" {
			dev = "default"
		}
		return audioSource{kind: "portaudio", device: dev, explicit: true}, nil
	case strings.HasPrefix(spec, filesource.Prefix) && len(spec) > len(filesource.Prefix):
		return audioSource{kind: "file", device: strings.TrimPrefix(spec, filesource.Prefix), explicit: true}, nil
	}
	return audioSource{}, fmt.Errorf("%s %q: want portaudio:<device>, file:<path.wav> or demo", AudioSourceSetting.Env, spec)
}

// audioFlags parses the one-shots' flags; the source defaults to the
// environment.
func audioFlags(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (audioSource, int) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String(AudioSourceSetting.Flag, os.Getenv(AudioSourceSetting.Env), AudioSourceSetting.Help+" (env "+AudioSourceSetting.Env+")")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return audioSource{}, audioExitOK
		}
		return audioSource{}, audioExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rakkr-agent %s: unexpected arguments: %s\n", name, strings.Join(fs.Args(), " "))
		return audioSource{}, audioExitUsage
	}
	src, err := parseAudioSource(*spec)
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent %s: %v\n", name, err)
		return audioSource{}, audioExitUsage
	}
	return src, -1
}

// RunInventory implements `rakkr-agent inventory`: it prints the node's
// audio interfaces as one line of JSON (see inventory.Document). The demo
// or file source in use is listed as what it is.
func RunInventory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	src, code := audioFlags("inventory", args, stderr, nil)
	if code >= 0 {
		return code
	}
	listers := []ports.DeviceLister{portaudio.Lister{}}
	switch src.kind {
	case "demo":
		listers = append(listers, demosource.Lister{})
	case "file":
		listers = append(listers, filesource.Lister{Path: src.device})
	}
	inv, err := inventory.Builder{Devices: listers, Cards: procasound.Reader{}}.Build(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent inventory: warning: %v\n", err)
	}
	if !src.explicit && len(inv.Interfaces) == 0 {
		fmt.Fprintln(stderr, "rakkr-agent inventory: no input device found; the agent captures the demo signal (not a real input)")
		inv.Interfaces = append(inv.Interfaces, mustDemoInterface(ctx))
	}
	out, err := json.Marshal(inventory.ToDocument(inv))
	if err == nil {
		_, err = fmt.Fprintf(stdout, "%s\n", out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent inventory: %v\n", err)
		return audioExitFailed
	}
	return audioExitOK
}

// mustDemoInterface is the demo input's inventory entry.
func mustDemoInterface(ctx context.Context) inventory.Interface {
	inv, _ := inventory.Builder{Devices: []ports.DeviceLister{demosource.Lister{}}}.Build(ctx)
	return inv.Interfaces[0]
}

// RunMeter implements `rakkr-agent meter`: it opens the capture source,
// collects one meter frame (100 ms) and prints it as one JSON line in the
// wire form of agentapi.MeterFrame.
func RunMeter(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var nodeID, ifaceID *string
	var timeout *time.Duration
	src, code := audioFlags("meter", args, stderr, func(fs *flag.FlagSet) {
		nodeID = fs.String("node-id", "local", "nodeId written into the frame")
		ifaceID = fs.String("interface-id", "", "interfaceId written into the frame (default: the source's systemRef)")
		timeout = fs.Duration("timeout", 10*time.Second, "give up when no audio arrives within this time")
	})
	if code >= 0 {
		return code
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	stream, ref, err := openAudioSource(ctx, src, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent meter: %v\n", err)
		return audioExitFailed
	}
	defer stream.Close()
	if *ifaceID == "" {
		*ifaceID = ref
	}
	cfg := quality.DefaultConfig()
	analyzer, err := quality.NewAnalyzer(stream.Format(), cfg)
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent meter: %v\n", err)
		return audioExitFailed
	}
	samples, at, err := collect(ctx, stream, analyzer.FrameLength())
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent meter: %v\n", err)
		return audioExitFailed
	}
	frame, err := analyzer.Analyze(samples)
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent meter: %v\n", err)
		return audioExitFailed
	}
	var wire agentapi.MeterFrame
	agentapi.FromQualityFrame(&wire, *nodeID, *ifaceID, at, frame, nil)
	if _, err := stdout.Write(append(wire.AppendJSON(nil), '\n')); err != nil {
		fmt.Fprintf(stderr, "rakkr-agent meter: %v\n", err)
		return audioExitFailed
	}
	return audioExitOK
}

// openAudioSource opens src and returns it with its systemRef. An unset
// source without any input device falls back to the demo signal, saying so.
func openAudioSource(ctx context.Context, src audioSource, stderr io.Writer) (ports.AudioSource, string, error) {
	switch src.kind {
	case "demo":
		s, err := (&demosource.Opener{}).OpenAudio(ctx, ports.AudioRequest{})
		return s, demosource.SystemRef, err
	case "file":
		s, err := filesource.Opener{}.OpenAudio(ctx, ports.AudioRequest{Device: src.device})
		abs, _ := filepath.Abs(src.device)
		return s, filesource.Prefix + abs, err
	}
	s, err := portaudio.Opener{}.OpenAudio(ctx, ports.AudioRequest{Device: src.device})
	if err != nil {
		if !src.explicit && errors.Is(err, ports.ErrDeviceUnavailable) {
			fmt.Fprintf(stderr, "rakkr-agent: no usable input device (%v); using the demo signal (not a real input)\n", err)
			return openAudioSource(ctx, audioSource{kind: "demo"}, stderr)
		}
		return nil, "", err
	}
	ref := "portaudio:" + src.device
	if named, ok := s.(interface{ DeviceName() string }); ok {
		// Listing while the stream is open reuses PortAudio's session and
		// does not probe the busy device.
		inv, _ := inventory.Builder{Devices: []ports.DeviceLister{portaudio.Lister{}}, Cards: procasound.Reader{}}.Build(ctx)
		for _, i := range inv.Interfaces {
			if i.Device == named.DeviceName() {
				ref = i.SystemRef
				break
			}
		}
	}
	return s, ref, nil
}

// collect reads until n frames are buffered and returns the first n with
// the capture time of the first. Overruns are skipped: a meter frame needs
// contiguous audio, so an overrun starts the collection again.
func collect(ctx context.Context, s ports.AudioSource, n int) ([]float32, time.Time, error) {
	ch := s.Format().Channels
	var buf []float32
	var at time.Time
	for len(buf) < n*ch {
		b, err := s.Read(ctx)
		if errors.Is(err, ports.ErrXrun) {
			buf = buf[:0]
			continue
		}
		if err != nil {
			return nil, time.Time{}, err
		}
		if len(buf) == 0 {
			at = b.CapturedAt
		}
		buf = append(buf, b.Samples...)
	}
	return buf[:n*ch], at, nil
}
