// Package harness starts the real rakkr and rakkr-agent binaries for
// end-to-end and browser tests and talks to them over HTTP on loopback.
package harness

import (
	"bufio"
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
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// Binaries returns the directory holding rakkr and rakkr-agent: the one
// make test built (RAKKR_TEST_BIN_DIR) or a fresh build.
func Binaries(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("RAKKR_TEST_BIN_DIR"); d != "" {
		return d
	}
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "rakkr-e2e-bin")
		if buildErr != nil {
			return
		}
		for _, cmd := range []string{"rakkr", "rakkr-agent"} {
			out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, cmd), "github.com/rakkr/rakkr/cmd/"+cmd).CombinedOutput()
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

// FreePort returns a free loopback address (host:port) for a server to listen on.
func FreePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Controller is a running rakkr serve process.
type Controller struct {
	t       *testing.T
	URL     string
	cmd     *exec.Cmd
	mu      sync.Mutex
	stdout  bytes.Buffer
	env     []string
	dataDir string
	exited  chan struct{}
}

// StartController runs `rakkr serve` with env (RAKKR_* assignments) on a free
// loopback port and waits until /healthz answers.
func StartController(t *testing.T, env ...string) *Controller {
	t.Helper()
	return StartControllerAt(t, FreePort(t), env...)
}

// StartControllerAt is StartController on a given address (to restart a
// controller where its agents expect it).
func StartControllerAt(t *testing.T, addr string, env ...string) *Controller {
	t.Helper()
	c := &Controller{t: t, URL: "http://" + addr, env: env}
	c.cmd = exec.Command(filepath.Join(Binaries(t), "rakkr"), "serve")
	c.cmd.Env = append(os.Environ(), append([]string{"RAKKR_LISTEN=" + addr, "RAKKR_LOG_LEVEL=warn"}, env...)...)
	out, _ := c.cmd.StdoutPipe()
	c.cmd.Stderr = &lockedWriter{mu: &c.mu, w: &c.stdout}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c.exited = make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.mu.Lock()
			c.stdout.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
		}
		c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(c.Stop)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-c.exited:
			t.Fatalf("controller exited early:\n%s", c.Output())
		default:
		}
		resp, err := http.Get(c.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("controller did not become healthy:\n%s", c.Output())
	return nil
}

// Stop ends the process (SIGTERM, then SIGKILL after 10 s).
func (c *Controller) Stop() {
	if c.cmd.Process == nil {
		return
	}
	select {
	case <-c.exited:
		return
	default:
	}
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// Kill ends the process at once (SIGKILL), as a crash would.
func (c *Controller) Kill() {
	if c.cmd.Process == nil {
		return
	}
	select {
	case <-c.exited:
	default:
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// Addr returns the host:port the controller listens on.
func (c *Controller) Addr() string { return strings.TrimPrefix(c.URL, "http://") }

// Output returns what the process printed so far.
func (c *Controller) Output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stdout.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

// Write appends p under the lock.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var generatedPassword = regexp.MustCompile(`generated password: (\S+)`)

// GeneratedPassword returns the owner password printed on first start.
func (c *Controller) GeneratedPassword() string {
	m := generatedPassword.FindStringSubmatch(c.Output())
	if m == nil {
		c.t.Fatalf("no generated password printed:\n%s", c.Output())
	}
	return m[1]
}

// Response is a decoded API response.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// JSON decodes the body into v.
func (r Response) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Data decodes {"data": …} into v.
func (r Response) Data(t *testing.T, v any) {
	t.Helper()
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	r.JSON(t, &env)
	if err := json.Unmarshal(env.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", env.Data, err)
	}
}

// Error returns error.code and error.message.
func (r Response) Error(t *testing.T) (string, string) {
	t.Helper()
	var env struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	r.JSON(t, &env)
	return env.Error.Code, env.Error.Message
}

// Call makes a JSON request with an optional bearer token.
func (c *Controller) Call(method, path, token string, body any) Response {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, c.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// Login returns a session token.
func (c *Controller) Login(email, password string) string {
	c.t.Helper()
	r := c.Call("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	if r.Status != 200 {
		c.t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	var d struct{ Token string }
	r.Data(c.t, &d)
	return d.Token
}

// RunRakkr runs a one-shot rakkr subcommand and returns its output and exit code.
func RunRakkr(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(Binaries(t), "rakkr"), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}
