package sysinfo

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestCollectReadsSystemFiles(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"etc/os-release":            "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
		"proc/uptime":               "12345.67 999.0\n",
		"proc/loadavg":              "8.00 1.0 1.0 1/100 42\n",
		"proc/sys/kernel/osrelease": "6.1.0-test\n",
	}
	for p, s := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rt := Collector{AgentVersion: "v1", DataDir: root, AudioBackends: []string{"alsa"}, Root: root}.Collect()
	if rt.OSName != "Debian GNU/Linux 12 (bookworm)" || rt.KernelRelease != "6.1.0-test" || rt.UptimeSeconds != 12345 {
		t.Fatalf("facts %+v", rt)
	}
	if want := 8.0 / float64(runtime.NumCPU()); rt.Load1PerCore != want || rt.CPUCores != runtime.NumCPU() {
		t.Fatalf("load per core %v, want %v", rt.Load1PerCore, want)
	}
	if rt.DiskUsedPercent <= 0 || rt.DiskUsedPercent > 100 || rt.DiskFreeBytes <= 0 || rt.AgentVersion != "v1" || rt.AudioBackends[0] != "alsa" {
		t.Fatalf("disk/version %+v", rt)
	}
	if rt.IPAddresses == nil {
		t.Fatal("addresses must be a list, even when empty")
	}
}
