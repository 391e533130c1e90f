// Command enrollnodes enrolls N nodes through a real controller's API, the
// way an operator and N agents would: it logs in, then for each node POSTs
// /api/v1/nodes/enroll (node:manage → bootstrap token) and
// /api/v1/agent/enroll (bearer = bootstrap token → node id and token), with
// bounded concurrency. It writes "nodeId token" lines (the fleetsim --tokens
// format) and prints the console session token on stdout.
//
//	go run ./test/load/enrollnodes --url http://127.0.0.1:8080 --email a@b --password p --nodes 1000 --out tokens.txt
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/rakkr/rakkr/ports/agentapi"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "enrollnodes:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("enrollnodes", flag.ContinueOnError)
	url := fs.String("url", "", "controller base URL")
	email := fs.String("email", "", "admin email")
	password := fs.String("password", "", "admin password")
	nodes := fs.Int("nodes", 10, "nodes to enroll (1-5000)")
	channels := fs.Int("channels", 8, "channels of each node's one interface (1-512)")
	concurrency := fs.Int("concurrency", 16, "parallel enrollments (1-256)")
	out := fs.String("out", "", "tokens file to write (\"nodeId token\" lines)")
	prefix := fs.String("prefix", "load", "node alias prefix")
	timeout := fs.Duration("timeout", 5*time.Minute, "overall bound")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *url == "" || *out == "":
		return fmt.Errorf("--url and --out are required")
	case *nodes < 1 || *nodes > 5000:
		return fmt.Errorf("--nodes must be 1-5000")
	case *channels < 1 || *channels > 512:
		return fmt.Errorf("--channels must be 1-512")
	case *concurrency < 1 || *concurrency > 256:
		return fmt.Errorf("--concurrency must be 1-256")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	c := &client{base: strings.TrimSuffix(*url, "/"), http: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}}

	var login struct {
		Token string `json:"token"`
	}
	if err := c.call(ctx, "/api/v1/auth/login", "", map[string]string{"email": *email, "password": *password}, &login); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if login.Token == "" {
		return fmt.Errorf("login: no token")
	}

	start := time.Now()
	lines := make([]string, *nodes)
	errs := make(chan error, *nodes)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range *concurrency {
		wg.Go(func() {
			for i := range jobs {
				line, err := c.enroll(ctx, login.Token, fmt.Sprintf("%s-%04d", *prefix, i), *channels)
				if err != nil {
					errs <- fmt.Errorf("node %d: %w", i, err)
					cancel()
					continue
				}
				lines[i] = line
			}
		})
	}
	for i := range *nodes {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.WriteFile(*out, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "enrolled %d nodes in %v (%.0f/s, concurrency %d)\n", *nodes, el.Round(time.Millisecond),
		float64(*nodes)/el.Seconds(), *concurrency)
	fmt.Println(login.Token)
	return nil
}

type client struct {
	base string
	http *http.Client
}

// enroll creates one node and exchanges its bootstrap token; it returns the
// "nodeId token" line.
func (c *client) enroll(ctx context.Context, session, alias string, channels int) (string, error) {
	var boot struct {
		BootstrapToken string `json:"bootstrapToken"`
	}
	if err := c.call(ctx, "/api/v1/nodes/enroll", session, map[string]string{"alias": alias, "site": "load"}, &boot); err != nil {
		return "", fmt.Errorf("nodes/enroll: %w", err)
	}
	iface := agentapi.Interface{SystemRef: "sim:" + alias + ":if0", SystemName: alias + "-if0", Backend: "file",
		ChannelCount: channels, SampleRates: []int{48000}}
	for i := 1; i <= channels; i++ {
		iface.Channels = append(iface.Channels, agentapi.Channel{Index: i, Label: agentapi.ChannelLabel(i)})
	}
	req := agentapi.EnrollRequest{
		Runtime: agentapi.Runtime{AgentVersion: "load-sim", Hostname: alias, OSName: "linux", Architecture: "amd64",
			IPAddresses: []string{"127.0.0.1"}, AudioBackends: []string{"file"}, CPUCores: 1},
		Inventory: agentapi.Inventory{Interfaces: []agentapi.Interface{iface}},
	}
	var resp agentapi.EnrollResponse
	if err := c.call(ctx, agentapi.PathEnroll, boot.BootstrapToken, req, &resp); err != nil {
		return "", fmt.Errorf("agent/enroll: %w", err)
	}
	if resp.NodeID == "" || resp.NodeToken == "" {
		return "", fmt.Errorf("agent/enroll: empty node credential")
	}
	return resp.NodeID + " " + resp.NodeToken, nil
}

// call POSTs in as JSON with an optional bearer and decodes the response —
// the {"data": …} envelope when present — into out.
func (c *client) call(ctx context.Context, path, bearer string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s: %d %s", path, resp.StatusCode, bytes.TrimSpace(b))
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(b, &env) == nil && len(env.Data) > 0 {
		b = env.Data
	}
	return json.Unmarshal(b, out)
}
