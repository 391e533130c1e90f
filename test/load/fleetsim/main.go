// Command fleetsim is a bounded load tool for the live-meter path: it
// simulates N nodes × C channels streaming meter frames at R frames/s over
// the agent stream protocol (plus 5 s heartbeats when --heartbeat is set),
// subscribes console subscribers to every node (each over ceil(nodes/200)
// sockets: the hub allows 256 topics per socket), and reports frames sent,
// received and dropped, the capture → console latency percentiles and the
// heartbeat round-trip percentiles. The agents send meter frames in the
// binary encoding when the controller accepts it (--json forces JSON text).
//
// Without --url it starts an in-process hub on loopback (fake credentials),
// which measures the hub alone. With --url it drives a real controller:
// node ids and tokens come from --tokens (lines "nodeId token", used in
// file order; --nodes should not exceed their number) and the console
// bearer from --console-token.
//
//	go run ./test/load/fleetsim --nodes 200 --duration 10s
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fleetsim:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("fleetsim", flag.ContinueOnError)
	nodes := fs.Int("nodes", 50, "simulated nodes (1-5000)")
	channels := fs.Int("channels", 8, "channels per node (1-512)")
	rate := fs.Int("rate", 10, "frames per second per node (1-100)")
	duration := fs.Duration("duration", 10*time.Second, "run length (at most 10m)")
	url := fs.String("url", "", "controller base URL; empty starts an in-process hub")
	tokens := fs.String("tokens", "", "file of \"nodeId token\" lines (with --url)")
	console := fs.String("console-token", "", "console bearer for the subscribers (with --url)")
	subscribers := fs.Int("subscribers", 1, "logical console subscribers, each subscribed to every node over ceil(nodes/200) sockets (0-100)")
	heartbeat := fs.String("heartbeat", "", "controller base URL for 5 s heartbeats (optional)")
	jsonStream := fs.Bool("json", false, "send meter frames as JSON text even when the controller accepts the binary encoding")
	warmup := fs.Duration("warmup", 0, "run this long first, its latencies left out of the percentiles (at most 1m)")
	timeline := fs.Bool("timeline", false, "also print, per second of the run, the heartbeats started and the slowest")
	cpuProfile := fs.String("cpuprofile", "", "write the simulator's own CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch {
	case *nodes < 1 || *nodes > 5000:
		return fmt.Errorf("--nodes must be 1-5000")
	case *channels < 1 || *channels > 512:
		return fmt.Errorf("--channels must be 1-512")
	case *rate < 1 || *rate > 100:
		return fmt.Errorf("--rate must be 1-100")
	case *duration <= 0 || *duration > 10*time.Minute:
		return fmt.Errorf("--duration must be positive and at most 10m")
	case *subscribers < 0 || *subscribers > 100:
		return fmt.Errorf("--subscribers must be 0-100")
	case *warmup < 0 || *warmup > time.Minute:
		return fmt.Errorf("--warmup must be 0-1m")
	}
	cfg := simConfig{Nodes: *nodes, Channels: *channels, Rate: *rate, Duration: *duration,
		Subscribers: *subscribers, Heartbeat: *heartbeat, ConsoleToken: *console, JSON: *jsonStream, Timeline: *timeline, Warmup: *warmup}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *url == "" {
		base, closeHub, err := startLocalHub()
		if err != nil {
			return err
		}
		defer closeHub()
		cfg.BaseURL, cfg.ConsoleToken = base, "sim-console"
		cfg.NodeToken = func(n string) string { return "sim-node." + n }
	} else {
		ids, m, err := readTokens(*tokens)
		if err != nil {
			return err
		}
		cfg.BaseURL, cfg.NodeIDs = *url, ids
		cfg.NodeToken = func(n string) string { return m[n] }
	}
	res, err := simulate(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Println(res)
	return nil
}

// readTokens reads "nodeId token" lines: the node ids in file order and
// their tokens.
func readTokens(path string) ([]string, map[string]string, error) {
	m := map[string]string{}
	if path == "" {
		return nil, m, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if id, tok, ok := strings.Cut(strings.TrimSpace(sc.Text()), " "); ok {
			ids = append(ids, id)
			m[id] = strings.TrimSpace(tok)
		}
	}
	return ids, m, sc.Err()
}
