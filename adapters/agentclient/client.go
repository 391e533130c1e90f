// Package agentclient is the agent's HTTP and WebSocket client for the
// controller's agent routes (ports/agentapi). It enforces the transport
// rules: no plain http:// to a non-loopback controller unless explicitly
// allowed, an optional extra CA bundle, and the agent version header.
package agentclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// ErrInsecureController is returned by New for an http:// URL to a
// non-loopback host without AllowInsecure.
var ErrInsecureController = errors.New("refusing plain http:// to a non-loopback controller: use https:// or --allow-insecure-controller (RAKKR_ALLOW_INSECURE_CONTROLLER=true)")

// Options configure a Client.
type Options struct {
	// ControllerURL is the controller's base URL (http:// or https://).
	ControllerURL string
	// AllowInsecure permits http:// to a non-loopback host.
	AllowInsecure bool
	// CAFile is an optional PEM bundle trusted in addition to the system roots.
	CAFile string
	// NodeID and NodeToken are the node credential (empty before enrollment).
	NodeID, NodeToken string
	// AgentVersion is sent in agentapi.HeaderAgentVersion.
	AgentVersion string
	// Timeout bounds each HTTP request (default 15 s).
	Timeout time.Duration
}

// Client talks to one controller. It is safe for concurrent use.
type Client struct {
	base *url.URL
	opt  Options
	tls  *tls.Config
	http *http.Client
}

// StatusError is a non-2xx answer from the controller.
type StatusError struct {
	// Status is the HTTP status code.
	Status int
	// Code and Message come from the {"error":{…}} body when present.
	Code, Message string
}

// Error implements error.
func (e *StatusError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("controller answered %d %s: %s", e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("controller answered %d %s", e.Status, http.StatusText(e.Status))
}

// CheckURL validates a controller URL against the transport rules.
func CheckURL(raw string, allowInsecure bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(raw), "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("controller URL %q: want http(s)://host[:port]", raw)
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		if allowInsecure || isLoopback(u.Hostname()) {
			return u, nil
		}
		return nil, fmt.Errorf("controller %s: %w", u.Redacted(), ErrInsecureController)
	}
	return nil, fmt.Errorf("controller URL %q: scheme must be http or https", raw)
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// New returns a client after checking the URL and loading the CA bundle.
func New(opt Options) (*Client, error) {
	u, err := CheckURL(opt.ControllerURL, opt.AllowInsecure)
	if err != nil {
		return nil, err
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 15 * time.Second
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if opt.CAFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(opt.CAFile)
		if err != nil {
			return nil, fmt.Errorf("controller CA bundle: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("controller CA bundle %s: no PEM certificate found", opt.CAFile)
		}
		tc.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tc
	return &Client{base: u, opt: opt, tls: tc, http: &http.Client{Transport: tr, Timeout: opt.Timeout}}, nil
}

// BaseURL returns the controller's base URL.
func (c *Client) BaseURL() string { return c.base.String() }

// nodePath fills a node route with the node id.
func (c *Client) nodePath(format string) string {
	return fmt.Sprintf(format, url.PathEscape(c.opt.NodeID))
}

// do sends a JSON request and decodes a JSON answer into out (if not nil).
// The answer may be wrapped in {"data": …}.
func (c *Client) do(ctx context.Context, method, path, token string, in, out any) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set(agentapi.HeaderAgentVersion, c.opt.AgentVersion)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return resp, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, statusError(resp.StatusCode, raw)
	}
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return resp, nil
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(raw, &env) == nil && len(env.Data) > 0 && string(env.Data) != "null" {
		raw = env.Data
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return resp, fmt.Errorf("controller answer to %s %s: %w", method, path, err)
	}
	return resp, nil
}

// statusError decodes a {"error":{"code","message"}} body.
func statusError(status int, raw []byte) *StatusError {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(raw, &body)
	return &StatusError{Status: status, Code: body.Error.Code, Message: body.Error.Message}
}

// nodeErr maps a 401 on a node route to ports.ErrNodeUnauthorized.
func nodeErr(err error) error {
	var se *StatusError
	if errors.As(err, &se) && se.Status == http.StatusUnauthorized {
		return fmt.Errorf("%w (%v)", ports.ErrNodeUnauthorized, se)
	}
	return err
}

// Enroll implements ports.ControllerClient.
func (c *Client) Enroll(ctx context.Context, token string, in agentapi.EnrollRequest) (agentapi.EnrollResponse, error) {
	var out agentapi.EnrollResponse
	_, err := c.do(ctx, http.MethodPost, agentapi.PathEnroll, token, in, &out)
	var se *StatusError
	if errors.As(err, &se) {
		switch se.Status {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusGone:
			return out, fmt.Errorf("%w (%v)", ports.ErrBootstrapRejected, se)
		case http.StatusBadRequest, http.StatusUnprocessableEntity:
			return out, fmt.Errorf("%w: %v", ports.ErrEnrollInvalid, se)
		}
	}
	if err == nil && (out.NodeID == "" || out.NodeToken == "") {
		err = errors.New("controller answered the enrollment without a node id or token")
	}
	return out, err
}

// PostInventory implements ports.ControllerClient.
func (c *Client) PostInventory(ctx context.Context, inv agentapi.Inventory) (agentapi.InventoryResponse, error) {
	var out agentapi.InventoryResponse
	_, err := c.do(ctx, http.MethodPost, c.nodePath(agentapi.PathInventory), c.opt.NodeToken, inv, &out)
	return out, nodeErr(err)
}

// Heartbeat implements ports.ControllerClient.
func (c *Client) Heartbeat(ctx context.Context, hb agentapi.Heartbeat) (ports.HeartbeatResult, error) {
	res := ports.HeartbeatResult{Sent: time.Now()}
	resp, err := c.do(ctx, http.MethodPost, c.nodePath(agentapi.PathHeartbeat), c.opt.NodeToken, hb, &res.Response)
	res.Received = time.Now()
	if resp != nil {
		if d, perr := http.ParseTime(resp.Header.Get("Date")); perr == nil {
			res.ServerDate = d
		}
	}
	return res, nodeErr(err)
}

// Config implements ports.ControllerClient.
func (c *Client) Config(ctx context.Context) (agentapi.NodeConfig, error) {
	var out agentapi.NodeConfig
	_, err := c.do(ctx, http.MethodGet, c.nodePath(agentapi.PathConfig), c.opt.NodeToken, nil, &out)
	return out, nodeErr(err)
}

// PostHealthEvents implements ports.ControllerClient.
func (c *Client) PostHealthEvents(ctx context.Context, b agentapi.HealthEventBatch) (agentapi.HealthEventBatchResponse, error) {
	var out agentapi.HealthEventBatchResponse
	_, err := c.do(ctx, http.MethodPost, c.nodePath(agentapi.PathHealthEvents), c.opt.NodeToken, b, &out)
	return out, nodeErr(err)
}

var _ ports.ControllerClient = (*Client)(nil)
