package agent

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/rakkr/rakkr/adapters/agentclient"
	"github.com/rakkr/rakkr/adapters/demosource"
	"github.com/rakkr/rakkr/adapters/filesource"
	"github.com/rakkr/rakkr/adapters/portaudio"
	"github.com/rakkr/rakkr/adapters/procasound"
	"github.com/rakkr/rakkr/agent/inventory"
	"github.com/rakkr/rakkr/bootstrap/settings"
	"github.com/rakkr/rakkr/ports"
)

// AgentNodeSettings lists the settings of `rakkr-agent enroll` and
// `rakkr-agent run` (each an environment variable and a flag), for
// docs/configuration.md.
var AgentNodeSettings = []settings.Setting{
	{Env: "RAKKR_CONTROLLER_URL", Flag: "controller", Help: "controller base URL (https://…; http:// only to loopback unless insecure is allowed); run: overrides the credential's"},
	{Env: "RAKKR_BOOTSTRAP_TOKEN", Flag: "token", Help: "enroll: the one-time bootstrap token", Secret: true},
	{Env: "RAKKR_AGENT_DATA_DIR", Flag: "data-dir", Default: "/var/lib/rakkr-agent (./data/agent when not root)", Help: "the agent's state: credential.json, health event log, job state (state.db), recording cache (recordings/)"},
	{Env: "RAKKR_ALLOW_INSECURE_CONTROLLER", Flag: "allow-insecure-controller", Default: "false", Help: "allow plain http:// to a non-loopback controller"},
	{Env: "RAKKR_CONTROLLER_CA", Flag: "controller-ca", Help: "PEM CA bundle trusted for the controller in addition to the system roots"},
	{Env: "RAKKR_NODE_ID", Flag: "node-id", Help: "run: node id (overrides the credential's; with RAKKR_NODE_TOKEN and RAKKR_CONTROLLER_URL no credential file is needed)"},
	{Env: "RAKKR_NODE_TOKEN", Flag: "node-token", Help: "run: node token (overrides the credential's)", Secret: true},
	{Env: AudioSourceSetting.Env, Flag: AudioSourceSetting.Flag, Default: "portaudio:default", Help: AudioSourceSetting.Help},
	{Env: "RAKKR_HEARTBEAT_INTERVAL", Flag: "heartbeat-interval", Default: "5s", Help: "run: heartbeat period"},
	{Env: "RAKKR_RECORDING_MIN_FREE", Flag: "recording-min-free", Default: "256MiB", Help: "run: free disk space kept under the recording cache; a recording does not start, or ends as disk_full, below it"},
	{Env: "RAKKR_RECORDING_CACHE_KEEP", Flag: "recording-cache-keep", Default: "72h", Help: "run: how long a finished recording's files stay in the node cache once the controller holds it (0 keeps them until space is short)"},
}

// Exit code of `rakkr-agent run` when the controller refuses the node
// credential (systemd's RestartPreventExitStatus=3 stops the restarts).
const agentExitCredentialRefused = 3

// nodeFlags holds the parsed settings of enroll and run.
type nodeFlags struct {
	fs                                   *flag.FlagSet
	controller, token, dataDir, ca       *string
	nodeID, nodeToken, source, heartbeat *string
	minFree, cacheKeep                   *string
	insecure                             *bool
}

// env returns the environment value of key or def.
func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// defaultAgentDataDir is /var/lib/rakkr-agent for root, else ./data/agent.
func defaultAgentDataDir() string {
	if os.Geteuid() == 0 {
		return "/var/lib/rakkr-agent"
	}
	return "data/agent"
}

// parseNodeFlags parses args; code ≥ 0 means exit with it.
func parseNodeFlags(name string, args []string, stderr io.Writer) (nodeFlags, int) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	s := func(i int, def string) *string {
		st := AgentNodeSettings[i]
		return fs.String(st.Flag, env(st.Env, def), st.Help+" (env "+st.Env+")")
	}
	insecure, _ := strconv.ParseBool(env("RAKKR_ALLOW_INSECURE_CONTROLLER", "false"))
	f := nodeFlags{fs: fs, controller: s(0, ""), token: s(1, ""), dataDir: s(2, defaultAgentDataDir()),
		insecure: fs.Bool(AgentNodeSettings[3].Flag, insecure, AgentNodeSettings[3].Help+" (env RAKKR_ALLOW_INSECURE_CONTROLLER)"),
		ca:       s(4, ""), nodeID: s(5, ""), nodeToken: s(6, ""), source: s(7, ""), heartbeat: s(8, "5s"), minFree: s(9, "256MiB"),
		cacheKeep: s(10, "72h")}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, agentExitOK
		}
		return f, agentExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rakkr-agent %s: unexpected arguments: %s\n", name, strings.Join(fs.Args(), " "))
		return f, agentExitUsage
	}
	return f, -1
}

// client builds the controller client from the flags.
func (f nodeFlags) client(url, nodeID, nodeToken string) (*agentclient.Client, error) {
	return agentclient.New(agentclient.Options{ControllerURL: url, AllowInsecure: *f.insecure, CAFile: *f.ca,
		NodeID: nodeID, NodeToken: nodeToken, AgentVersion: AgentVersion})
}

// nodeAudio is the metered input and the node's inventory.
type nodeAudio struct {
	opener ports.AudioOpener
	iface  inventory.Interface
	inv    inventory.Inventory
}

// setupNodeAudio resolves RAKKR_AUDIO_SOURCE into an opener, the metered
// interface and the inventory. Without any input device (and no explicit
// source) it uses the demo signal, saying so loudly.
func setupNodeAudio(ctx context.Context, spec string, stderr io.Writer) (nodeAudio, error) {
	src, err := parseAudioSource(spec)
	if err != nil {
		return nodeAudio{}, err
	}
	demo := func() nodeAudio {
		i := mustDemoInterface(ctx)
		return nodeAudio{opener: &demosource.Opener{}, iface: i, inv: inventory.Inventory{Interfaces: []inventory.Interface{i}}}
	}
	switch src.kind {
	case "demo":
		return demo(), nil
	case "file":
		inv, err := inventory.Builder{Devices: []ports.DeviceLister{filesource.Lister{Path: src.device}}}.Build(ctx)
		if err != nil || len(inv.Interfaces) == 0 {
			return nodeAudio{}, fmt.Errorf("audio source %s: %v", spec, err)
		}
		i := inv.Interfaces[0]
		i.Device = src.device
		return nodeAudio{opener: filesource.Opener{}, iface: i, inv: inv}, nil
	}
	inv, err := inventory.Builder{Devices: []ports.DeviceLister{portaudio.Lister{}}, Cards: procasound.Reader{}}.Build(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "rakkr-agent: warning: %v\n", err)
	}
	if len(inv.Interfaces) == 0 && !src.explicit {
		fmt.Fprintln(stderr, "rakkr-agent: WARNING: no input device found; capturing the DEMO signal (not a real input), labelled demo in the inventory")
		return demo(), nil
	}
	for _, i := range inv.Interfaces {
		if (src.device == "default" && i.IsDefault) || i.Device == src.device || i.SystemRef == src.device {
			return nodeAudio{opener: portaudio.Opener{}, iface: i, inv: inv}, nil
		}
	}
	if src.device == "default" && len(inv.Interfaces) > 0 {
		return nodeAudio{opener: portaudio.Opener{}, iface: inv.Interfaces[0], inv: inv}, nil
	}
	// Not present now: meter it anyway, so the hub reports it unavailable
	// and reopens it when it appears.
	fmt.Fprintf(stderr, "rakkr-agent: WARNING: input device %q not found; it is reported unavailable until it appears\n", src.device)
	i := inventory.Interface{SystemRef: "portaudio:" + src.device, SystemName: src.device, Device: src.device, Backend: ports.BackendUnknown}
	inv.Interfaces = append(inv.Interfaces, i)
	return nodeAudio{opener: portaudio.Opener{}, iface: i, inv: inv}, nil
}
