// Package sysinfo collects the node's runtime facts for heartbeats:
// hostname, OS and kernel, uptime, addresses, disk usage of the data
// directory and the 1-minute load per core.
package sysinfo

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// Collector gathers runtime facts. The zero value reads the real system;
// the paths can be pointed at test files.
type Collector struct {
	// AgentVersion is reported as is.
	AgentVersion string
	// DataDir is the directory whose disk is measured ("." when empty).
	DataDir string
	// AudioBackends lists the backends in use ("alsa", "demo", …).
	AudioBackends []string
	// Root prefixes /etc/os-release and /proc paths ("" for the real ones).
	Root string
}

// Collect returns the current facts. Facts that cannot be read stay zero.
func (c Collector) Collect() agentapi.Runtime {
	rt := agentapi.Runtime{
		AgentVersion:  c.AgentVersion,
		OSName:        c.osName(),
		KernelRelease: strings.TrimSpace(c.read("/proc/sys/kernel/osrelease")),
		Architecture:  runtime.GOARCH,
		CPUCores:      runtime.NumCPU(),
		IPAddresses:   addresses(),
		AudioBackends: append([]string{}, c.AudioBackends...),
	}
	rt.Hostname, _ = os.Hostname()
	if f := strings.Fields(c.read("/proc/uptime")); len(f) > 0 {
		if v, err := strconv.ParseFloat(f[0], 64); err == nil {
			rt.UptimeSeconds = int64(v)
		}
	}
	if f := strings.Fields(c.read("/proc/loadavg")); len(f) > 0 {
		if v, err := strconv.ParseFloat(f[0], 64); err == nil && rt.CPUCores > 0 {
			rt.Load1PerCore = v / float64(rt.CPUCores)
		}
	}
	dir := c.DataDir
	if dir == "" {
		dir = "."
	}
	rt.DiskUsedPercent, rt.DiskFreeBytes = Disk(dir)
	return rt
}

func (c Collector) read(p string) string {
	b, err := os.ReadFile(filepath.Join(c.Root, p))
	if err != nil {
		return ""
	}
	return string(b)
}

// osName is PRETTY_NAME (else NAME) from /etc/os-release, else GOOS.
func (c Collector) osName() string {
	vals := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(c.read("/etc/os-release")))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok {
			vals[k] = strings.Trim(v, `"'`)
		}
	}
	for _, k := range []string{"PRETTY_NAME", "NAME"} {
		if vals[k] != "" {
			return vals[k]
		}
	}
	return runtime.GOOS
}

// Disk returns the used percentage (as df computes it: used ÷ (used +
// available to unprivileged users)) and the free bytes available of the
// file system holding path.
func Disk(path string) (usedPercent float64, freeBytes int64) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0
	}
	bs := uint64(st.Bsize)
	used := (st.Blocks - st.Bfree) * bs
	avail := st.Bavail * bs
	if used+avail == 0 {
		return 0, int64(avail)
	}
	return float64(used) * 100 / float64(used+avail), int64(avail)
}

// addresses lists the non-loopback unicast addresses.
func addresses() []string {
	out := []string{}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return out
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			out = append(out, n.IP.String())
		}
	}
	return out
}
