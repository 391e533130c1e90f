// Package agent is the composition root of rakkr-agent: it dispatches the
// subcommands (enroll, run, inventory, meter, analyze) and wires the audio
// sources, the capture hub, the meter loop, the health log and the
// controller client. It links PortAudio (cgo); the controller does not.
package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/rakkr/rakkr/bootstrap/settings"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"time"

	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/agent/analysis"
	"github.com/rakkr/rakkr/domain/quality"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// AgentVersion is the agent's release: the build's version (make build sets
// it with -ldflags "-X github.com/rakkr/rakkr/bootstrap/settings.Version=…").
var AgentVersion = settings.Version

// Exit codes of rakkr-agent.
const (
	agentExitOK     = 0
	agentExitFailed = 1 // the input could not be read or is unsupported
	agentExitUsage  = 2
)

const agentUsage = `usage: rakkr-agent <command> [arguments]

commands:
  enroll --controller URL --token T
                             exchange a one-time bootstrap token for this node's credential
  run                        the daemon: inventory, heartbeats, live meters, health events
  inventory                  print the audio interfaces as JSON
  meter [--source S]         print one meter frame (100 ms) as JSON
  analyze [flags] FILE.wav   meter a WAV file at the live frame rate: one JSON meter
                             frame per line, then a JSON summary line
  version                    print the agent version
`

// RunAgent is the composition root of rakkr-agent: it dispatches the
// subcommand in args (without the program name) and returns the exit code.
func RunAgent(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, agentUsage)
		return agentExitUsage
	}
	switch args[0] {
	case "analyze":
		return runAnalyze(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "rakkr-agent %s (agent wire v%d, %s)\n", AgentVersion, agentapi.Version, runtime.Version())
		return agentExitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, agentUsage)
		return agentExitOK
	case "enroll":
		return RunEnroll(ctx, args[1:], stdout, stderr)
	case "run":
		return RunDaemon(ctx, args[1:], stdout, stderr)
	case "inventory":
		return RunInventory(ctx, args[1:], stdout, stderr)
	case "meter":
		return RunMeter(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "rakkr-agent: unknown command %q\n\n%s", args[0], agentUsage)
	return agentExitUsage
}

// runAnalyze implements `rakkr-agent analyze`.
func runAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nodeID := fs.String("node-id", "local", "nodeId written into every frame")
	ifaceID := fs.String("interface-id", "", "interfaceId written into every frame (default file:<name>)")
	start := fs.String("start", "1970-01-01T00:00:00Z", "capture time of the first sample (RFC 3339); the default makes capturedAt the position in the file")
	summaryOnly := fs.Bool("summary-only", false, "print only the summary line")
	workers := fs.Int("workers", 0, "goroutines metering channels in parallel (0: one per CPU)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: rakkr-agent analyze [flags] FILE.wav\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return agentExitOK
		}
		return agentExitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "rakkr-agent analyze: exactly one WAV file is required")
		fs.Usage()
		return agentExitUsage
	}
	startAt, err := time.Parse(time.RFC3339Nano, *start)
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent analyze: -start %q is not an RFC 3339 time\n", *start)
		return agentExitUsage
	}
	path := fs.Arg(0)
	if *ifaceID == "" {
		*ifaceID = "file:" + filepath.Base(path)
	}
	src, err := wavfile.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent analyze: %v\n", err)
		return agentExitFailed
	}
	defer src.Close()

	out := bufio.NewWriterSize(stdout, 256<<10)
	labels := make([]string, src.Format().Channels)
	for i := range labels {
		labels[i] = agentapi.ChannelLabel(i + 1)
	}
	var wire agentapi.MeterFrame
	var line []byte
	onFrame := func(at time.Time, f quality.Frame) error {
		if *summaryOnly {
			return nil
		}
		agentapi.FromQualityFrame(&wire, *nodeID, *ifaceID, at, f, labels)
		line = append(wire.AppendJSON(line[:0]), '\n')
		_, err := out.Write(line)
		return err
	}
	sum, err := analysis.Run(ctx, src, analysis.Options{Start: startAt, Workers: *workers}, onFrame)
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "rakkr-agent analyze: %s: %v\n", path, err)
		return agentExitFailed
	}
	if src.Truncated() {
		fmt.Fprintf(stderr, "rakkr-agent analyze: warning: %s ends before the size its header declares; analysed the %s present\n", path, sum.Duration)
	}
	enc := json.NewEncoder(out)
	if err := enc.Encode(analyzeOutput{Summary: toAnalyzeSummaryJSON(path, src.Info(), sum, labels)}); err != nil {
		fmt.Fprintf(stderr, "rakkr-agent analyze: writing output: %v\n", err)
		return agentExitFailed
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "rakkr-agent analyze: writing output: %v\n", err)
		return agentExitFailed
	}
	return agentExitOK
}

// analyzeOutput is the last line printed by `rakkr-agent analyze`.
type analyzeOutput struct {
	Summary analyzeSummaryJSON `json:"summary"`
}

type analyzeSummaryJSON struct {
	File            string                  `json:"file"`
	SampleRate      int                     `json:"sampleRate"`
	Encoding        string                  `json:"encoding"`
	Frames          int                     `json:"frames"`
	DurationSeconds float64                 `json:"durationSeconds"`
	SpeechSeconds   float64                 `json:"speechSeconds"`
	Channels        []analyzeChannelJSON    `json:"channels"`
	Verdicts        analyzeVerdictsJSON     `json:"verdicts"`
	Transitions     []analyzeTransitionJSON `json:"transitions"`
}

type analyzeRangeJSON struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

type analyzeChannelJSON struct {
	ChannelIndex         int              `json:"channelIndex"`
	Label                string           `json:"label"`
	RMSDBFS              analyzeRangeJSON `json:"rmsDbfs"`
	PeakDBFS             analyzeRangeJSON `json:"peakDbfs"`
	CrestFactorDB        analyzeRangeJSON `json:"crestFactorDb"`
	ZeroCrossingRate     analyzeRangeJSON `json:"zeroCrossingRate"`
	SpeechScore          analyzeRangeJSON `json:"speechScore"`
	NoiseScore           analyzeRangeJSON `json:"noiseScore"`
	BroadbandNoiseScore  analyzeRangeJSON `json:"broadbandNoiseScore"`
	HumScore             analyzeRangeJSON `json:"humScore"`
	StaticScore          analyzeRangeJSON `json:"staticScore"`
	EstimatedSNRDB       analyzeRangeJSON `json:"estimatedSnrDb"`
	IntelligibilityScore analyzeRangeJSON `json:"intelligibilityScore"`
	CorrelationScore     analyzeRangeJSON `json:"correlationScore"`
	ClippedFrames        int              `json:"clippedFrames"`
	SpeechLikeFrames     int              `json:"speechLikeFrames"`
}

type analyzeVerdictsJSON struct {
	Flatline           bool `json:"flatline"`
	LowSignal          bool `json:"low_signal"`
	Clipping           bool `json:"clipping"`
	ChannelCorrelation bool `json:"channel_correlation"`
	SpeechPresent      bool `json:"speech_present"`
}

type analyzeTransitionJSON struct {
	Event              string  `json:"event"`
	Fault              string  `json:"fault"`
	Raised             bool    `json:"raised"`
	At                 string  `json:"at"`
	Since              string  `json:"since"`
	Score              float64 `json:"score"`
	MaxSpeech          float64 `json:"maxSpeech"`
	MaxNoise           float64 `json:"maxNoise"`
	MaxBroadband       float64 `json:"maxBroadband"`
	MaxHum             float64 `json:"maxHum"`
	MaxStatic          float64 `json:"maxStatic"`
	MinSNRDB           float64 `json:"minSnrDb"`
	MinIntelligibility float64 `json:"minIntelligibility"`
	MaxRMSDBFS         float64 `json:"maxRmsDbfs"`
	MaxPeakDBFS        float64 `json:"maxPeakDbfs"`
}

func toAnalyzeSummaryJSON(path string, info wavfile.Info, s analysis.Summary, labels []string) analyzeSummaryJSON {
	r := func(v analysis.Range, scale float64) analyzeRangeJSON {
		if math.IsInf(v.Min, 0) || math.IsInf(v.Max, 0) {
			return analyzeRangeJSON{}
		}
		return analyzeRangeJSON{Min: analyzeRound(v.Min, scale), Max: analyzeRound(v.Max, scale)}
	}
	out := analyzeSummaryJSON{
		File: path, SampleRate: info.Format.SampleRate, Encoding: info.Encoding.String(),
		Frames: s.Frames, DurationSeconds: analyzeRound(s.Duration.Seconds(), 1000),
		SpeechSeconds: analyzeRound(s.SpeechLike.Seconds(), 10),
		Verdicts: analyzeVerdictsJSON{Flatline: s.Verdicts.Flatline, LowSignal: s.Verdicts.LowSignal, Clipping: s.Verdicts.Clipping,
			ChannelCorrelation: s.Verdicts.ChannelCorrelation, SpeechPresent: s.Verdicts.SpeechPresent},
		Channels:    make([]analyzeChannelJSON, len(s.Channels)),
		Transitions: make([]analyzeTransitionJSON, 0, len(s.Transitions)),
	}
	for i, c := range s.Channels {
		out.Channels[i] = analyzeChannelJSON{
			ChannelIndex: i + 1, Label: labels[i],
			RMSDBFS: r(c.RMSDBFS, 10), PeakDBFS: r(c.PeakDBFS, 10), CrestFactorDB: r(c.CrestFactorDB, 10),
			ZeroCrossingRate: r(c.ZeroCrossingRate, 10000), SpeechScore: r(c.Speech, 1000), NoiseScore: r(c.Noise, 1000),
			BroadbandNoiseScore: r(c.Broadband, 1000), HumScore: r(c.Hum, 1000), StaticScore: r(c.Static, 1000),
			EstimatedSNRDB: r(c.SNRDB, 10), IntelligibilityScore: r(c.Intelligibility, 1000), CorrelationScore: r(c.Correlation, 1000),
			ClippedFrames: c.ClippedFrames, SpeechLikeFrames: c.SpeechLikeFrames,
		}
	}
	for _, t := range s.Transitions {
		e := t.Evidence
		out.Transitions = append(out.Transitions, analyzeTransitionJSON{
			Event: t.EventType(), Fault: string(t.Fault), Raised: t.Raised,
			At: t.At.UTC().Format(time.RFC3339Nano), Since: e.Since.UTC().Format(time.RFC3339Nano), Score: analyzeRound(t.Score, 1000),
			MaxSpeech: analyzeRound(e.MaxSpeech, 1000), MaxNoise: analyzeRound(e.MaxNoise, 1000), MaxBroadband: analyzeRound(e.MaxBroadband, 1000),
			MaxHum: analyzeRound(e.MaxHum, 1000), MaxStatic: analyzeRound(e.MaxStatic, 1000), MinSNRDB: analyzeRound(e.MinSNRDB, 10),
			MinIntelligibility: analyzeRound(e.MinIntelligibility, 1000), MaxRMSDBFS: analyzeRound(e.MaxRMSDBFS, 10), MaxPeakDBFS: analyzeRound(e.MaxPeakDBFS, 10),
		})
	}
	return out
}

func analyzeRound(v, scale float64) float64 { return math.Round(v*scale)/scale + 0 }
