package agentclient_test

import (
	"context"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/adapters/agentclient"
	"github.com/rakkr/rakkr/agent/daemon/daemontest"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

func TestCheckURLTransportRules(t *testing.T) {
	cases := []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"https://controller.example:8787", false, true},
		{"http://controller.example:8787", false, false},
		{"http://10.0.0.5:8787", false, false},
		{"http://controller.example:8787", true, true},
		{"http://127.0.0.1:8787", false, true},
		{"http://localhost:8787/", false, true},
		{"http://[::1]:8787", false, true},
		{"ftp://controller.example", true, false},
		{"controller.example", true, false},
	}
	for _, c := range cases {
		_, err := agentclient.CheckURL(c.url, c.insecure)
		if (err == nil) != c.ok {
			t.Errorf("CheckURL(%q, %v) = %v, want ok=%v", c.url, c.insecure, err, c.ok)
		}
		if !c.ok && strings.HasPrefix(c.url, "http://") && !errors.Is(err, agentclient.ErrInsecureController) {
			t.Errorf("CheckURL(%q): %v does not explain the insecure refusal", c.url, err)
		}
	}
	if _, err := agentclient.New(agentclient.Options{ControllerURL: "http://controller.example"}); !errors.Is(err, agentclient.ErrInsecureController) ||
		!strings.Contains(err.Error(), "--allow-insecure-controller") {
		t.Fatalf("New: %v", err)
	}
}

// writeCA writes the TLS test server's certificate as a PEM bundle.
func writeCA(t *testing.T, f *daemontest.Fake) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.Server.Certificate().Raw})
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCustomCATrusted(t *testing.T) {
	f := daemontest.New(true)
	defer f.Close()
	opt := agentclient.Options{ControllerURL: f.URL(), NodeID: f.NodeID, NodeToken: f.NodeToken, AgentVersion: "v9.9.9"}
	plain, err := agentclient.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Config(context.Background()); err == nil {
		t.Fatal("an unknown CA must not be trusted")
	}
	opt.CAFile = writeCA(t, f)
	c, err := agentclient.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := c.Config(context.Background())
	if err != nil || cfg.MeterFramesPerSecond != 10 {
		t.Fatalf("Config over TLS with the CA bundle = %+v, %v", cfg, err)
	}
	// The WebSocket uses the same trust.
	s, err := c.OpenStream(context.Background())
	if err != nil {
		t.Fatalf("OpenStream over wss: %v", err)
	}
	_ = s.Close()
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if v := f.Versions[len(f.Versions)-1]; v != "v9.9.9" {
		t.Fatalf("agent version header = %q", v)
	}
	bad := opt
	bad.CAFile = filepath.Join(t.TempDir(), "missing.pem")
	if _, err := agentclient.New(bad); err == nil {
		t.Fatal("a missing CA file must be an error")
	}
}

func TestErrorsMapToPortErrors(t *testing.T) {
	f := daemontest.New(false)
	defer f.Close()
	ctx := context.Background()
	c, err := agentclient.New(agentclient.Options{ControllerURL: f.URL(), NodeID: f.NodeID, NodeToken: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Heartbeat(ctx, agentapi.Heartbeat{}); !errors.Is(err, ports.ErrNodeUnauthorized) {
		t.Fatalf("heartbeat with a bad token: %v", err)
	}
	if _, err := c.OpenStream(ctx); !errors.Is(err, ports.ErrNodeUnauthorized) {
		t.Fatalf("stream with a bad token: %v", err)
	}
	if _, err := c.Enroll(ctx, "nope", agentapi.EnrollRequest{}); !errors.Is(err, ports.ErrBootstrapRejected) {
		t.Fatalf("enroll with a bad token: %v", err)
	}
	if _, err := c.Enroll(ctx, f.BootstrapToken, agentapi.EnrollRequest{}); !errors.Is(err, ports.ErrEnrollInvalid) {
		t.Fatalf("enroll without inventory: %v", err)
	}
}
