// Package browser drives the embedded console in Debian's Chromium
// (playwright-core) against the real rakkr controller and a real
// rakkr-agent, as an operator would.
package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const (
	chromiumPath  = "/usr/bin/chromium"
	ownerEmail    = "owner@example.org"
	ownerPassword = "owner-password-browser-1"
	viewerEmail   = "viewer@example.org"
	viewerPass    = "viewer-password-browser-1"
)

// requireTools skips (or, under CI=true, fails) when node, Chromium or
// playwright-core is missing.
func requireTools(t *testing.T, frontend string) {
	t.Helper()
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing = append(missing, chromiumPath+" (apt-get install -y chromium)")
	}
	if _, err := os.Stat(filepath.Join(frontend, "node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, "frontend/node_modules/playwright-core (scripts/deps.sh or npm ci in frontend/)")
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("browser test needs %v", missing)
	}
	t.Skipf("browser test needs %v", missing)
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// TestMain removes the binaries this package built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binaries returns the directory holding rakkr and rakkr-agent: the one
// make test built (RAKKR_TEST_BIN_DIR) or a fresh build.
func binaries(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("RAKKR_TEST_BIN_DIR"); d != "" {
		return d
	}
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "rakkr-browser-bin")
		if buildErr != nil {
			return
		}
		for _, cmd := range []string{"rakkr", "rakkr-agent"} {
			out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, cmd), "../../cmd/"+cmd).CombinedOutput()
			if err != nil {
				buildErr = fmt.Errorf("build %s: %v\n%s", cmd, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is a running rakkr or rakkr-agent process.
type proc struct {
	cmd    *exec.Cmd
	out    lockedBuffer
	exited chan struct{}
	code   int
}

func start(t *testing.T, name string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{exited: make(chan struct{})}
	p.cmd = exec.Command(filepath.Join(binaries(t), name), args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			p.code = ee.ExitCode()
		}
		close(p.exited)
	}()
	t.Cleanup(p.stop)
	return p
}

// stop sends SIGINT, then SIGKILL after 10 s.
func (p *proc) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

func (p *proc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.code
	case <-time.After(d):
		t.Fatalf("process still running after %v:\n%s", d, p.out.String())
		return -1
	}
}

type api struct {
	t   *testing.T
	url string
}

// call makes a JSON request and returns the status and the body.
func (a api) call(method, path, token string, body any) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, a.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func data(t *testing.T, body []byte, v any) {
	t.Helper()
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", env.Data, err)
	}
}

func eventually(t *testing.T, d time.Duration, what string, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if fn() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("timed out after %v waiting for %s", d, what)
}

// TestConsoleInChromium signs in through the console, watches the live
// meter of a real agent move, checks a viewer's view and the server's 403,
// and verifies the audit chain from the Audit page.
func TestConsoleInChromium(t *testing.T) {
	frontend, err := filepath.Abs("../../frontend")
	if err != nil {
		t.Fatal(err)
	}
	requireTools(t, frontend)
	artifacts, err := filepath.Abs("../artifacts")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	began := time.Now()
	phase := func(what string) { t.Logf("%-32s at %v", what, time.Since(began).Round(100*time.Millisecond)) }
	binaries(t)
	phase("binaries ready")
	addr := freePort(t)
	a := api{t: t, url: "http://" + addr}
	ctrl := start(t, "rakkr", []string{"RAKKR_LISTEN=" + addr, "RAKKR_LOG_LEVEL=warn", "RAKKR_DEV=true",
		"RAKKR_DATA_DIR=" + t.TempDir(), "RAKKR_ADMIN_EMAIL=" + ownerEmail, "RAKKR_ADMIN_PASSWORD=" + ownerPassword}, "serve")
	eventually(t, 30*time.Second, "the controller to answer /healthz", func() bool {
		select {
		case <-ctrl.exited:
			t.Fatalf("controller exited early:\n%s", ctrl.out.String())
		default:
		}
		resp, err := http.Get(a.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	phase("controller healthy")

	st, b := a.call("POST", "/api/v1/auth/login", "", map[string]string{"email": ownerEmail, "password": ownerPassword})
	if st != 200 {
		t.Fatalf("owner login: %d %s", st, b)
	}
	var login struct{ Token string }
	data(t, b, &login)
	owner := login.Token

	if st, b := a.call("POST", "/api/v1/auth/users", owner, map[string]any{
		"email": viewerEmail, "name": "Vera Viewer", "password": viewerPass, "roles": []string{"viewer"}}); st != 201 && st != 200 {
		t.Fatalf("create viewer: %d %s", st, b)
	}

	st, b = a.call("POST", "/api/v1/nodes/enroll", owner, map[string]any{"alias": "chamber-1", "site": "city-hall"})
	if st != 201 {
		t.Fatalf("enroll: %d %s", st, b)
	}
	var enrolled struct {
		Node           struct{ ID string }
		BootstrapToken string
	}
	data(t, b, &enrolled)

	agentEnv := []string{"RAKKR_AGENT_DATA_DIR=" + filepath.Join(t.TempDir(), "agent"), "RAKKR_AUDIO_SOURCE=demo",
		"RAKKR_HEARTBEAT_INTERVAL=1s"}
	enroll := start(t, "rakkr-agent", agentEnv, "enroll", "--controller", a.url, "--token", enrolled.BootstrapToken)
	if code := enroll.wait(t, 30*time.Second); code != 0 {
		t.Fatalf("rakkr-agent enroll: exit %d\n%s", code, enroll.out.String())
	}
	agent := start(t, "rakkr-agent", agentEnv, "run")
	defer func() {
		if t.Failed() {
			t.Logf("agent output:\n%s\ncontroller output:\n%s", agent.out.String(), ctrl.out.String())
		}
	}()
	// Connected is enough: under a loaded machine the agent's own health checks
	// may report the node degraded or alerting rather than online.
	lastStatus := ""
	defer func() {
		if t.Failed() {
			t.Logf("last node status: %q", lastStatus)
		}
	}()
	eventually(t, 45*time.Second, "the node to connect (status other than provisioning/offline)", func() bool {
		st, b := a.call("GET", "/api/v1/nodes/"+enrolled.Node.ID, owner, nil)
		if st != 200 {
			return false
		}
		var n struct {
			Status     string
			Interfaces []struct{ ID string }
		}
		data(t, b, &n)
		lastStatus = n.Status
		return n.Status != "" && n.Status != "provisioning" && n.Status != "offline" && len(n.Interfaces) > 0
	})
	phase("node connected (" + lastStatus + ")")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	node := exec.CommandContext(ctx, "node", "../test/browser/console.spec.mjs")
	node.Dir = frontend
	node.Env = append(os.Environ(),
		"RAKKR_URL="+a.url,
		"RAKKR_OWNER_EMAIL="+ownerEmail, "RAKKR_OWNER_PASSWORD="+ownerPassword,
		"RAKKR_VIEWER_EMAIL="+viewerEmail, "RAKKR_VIEWER_PASSWORD="+viewerPass,
		"RAKKR_NODE_ID="+enrolled.Node.ID,
		"RAKKR_ARTIFACTS="+artifacts,
		"CHROMIUM_PATH="+chromiumPath,
	)
	node.WaitDelay = 5 * time.Second
	out, err := node.CombinedOutput()
	phase("console.spec.mjs done")
	if err != nil {
		t.Fatalf("console.spec.mjs failed (%v):\n%s", err, out)
	}
	t.Logf("console.spec.mjs output:\n%s", out)
}
