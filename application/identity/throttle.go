package identity

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
)

// ThrottleConfig sets the login back-off, kept per account (email) and per
// client address in memory on each replica. After MaxFailures failures a
// key is blocked for BaseDelay, then twice as long after each further
// failure, up to MaxDelay. Zero fields take the defaults.
type ThrottleConfig struct {
	// MaxFailures is how many failures are free (default 5).
	MaxFailures int
	// BaseDelay is the first block (default 1 s).
	BaseDelay time.Duration
	// MaxDelay caps a block (default 15 min).
	MaxDelay time.Duration
	// Forget drops a key's failures once it has been quiet this long after
	// its last failure or block (default MaxDelay).
	Forget time.Duration
	// MaxEntries bounds each of the two maps (default 10000); when full,
	// forgotten entries and then the least recently failed go first.
	MaxEntries int
}

func (c ThrottleConfig) withDefaults() ThrottleConfig {
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	if c.BaseDelay <= 0 {
		c.BaseDelay = time.Second
	}
	if c.MaxDelay <= 0 {
		c.MaxDelay = 15 * time.Minute
	}
	if c.Forget <= 0 {
		c.Forget = c.MaxDelay
	}
	if c.MaxEntries <= 0 {
		c.MaxEntries = 10000
	}
	return c
}

// strikes are one key's recent failures.
type strikes struct {
	failures     int
	last         time.Time
	blockedUntil time.Time
}

// throttle holds the failure counts per account and per client address.
type throttle struct {
	cfg      ThrottleConfig
	mu       sync.Mutex
	accounts map[string]*strikes
	clients  map[string]*strikes
}

func newThrottle(cfg ThrottleConfig) *throttle {
	return &throttle{cfg: cfg, accounts: map[string]*strikes{}, clients: map[string]*strikes{}}
}

// wait returns how long the account or client must still wait (0: free).
func (t *throttle) wait(account, client string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var w time.Duration
	for _, e := range []*strikes{t.accounts[account], t.clients[client]} {
		if e != nil && e.blockedUntil.After(now) {
			w = max(w, e.blockedUntil.Sub(now))
		}
	}
	return w
}

// fail counts a failure for the account and the client (an empty client
// address is not counted).
func (t *throttle) fail(account, client string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.strike(t.accounts, account, now)
	if client != "" {
		t.strike(t.clients, client, now)
	}
}

// reset forgets the account's failures after a successful login. The
// client's stay: one good password must not clear a guessing address.
func (t *throttle) reset(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.accounts, account)
}

func (t *throttle) strike(m map[string]*strikes, key string, now time.Time) {
	e := m[key]
	if e != nil && t.forgotten(e, now) {
		e = nil
	}
	if e == nil {
		t.makeRoom(m, now)
		e = &strikes{}
		m[key] = e
	}
	e.failures++
	e.last = now
	if over := e.failures - t.cfg.MaxFailures; over >= 0 {
		e.blockedUntil = now.Add(t.delay(over))
	}
}

// delay is BaseDelay·2^n capped at MaxDelay.
func (t *throttle) delay(n int) time.Duration {
	if n >= 62 {
		return t.cfg.MaxDelay
	}
	d := float64(t.cfg.BaseDelay) * math.Pow(2, float64(n))
	if d >= float64(t.cfg.MaxDelay) {
		return t.cfg.MaxDelay
	}
	return time.Duration(d)
}

func (t *throttle) forgotten(e *strikes, now time.Time) bool {
	quietSince := e.last
	if e.blockedUntil.After(quietSince) {
		quietSince = e.blockedUntil
	}
	return now.Sub(quietSince) >= t.cfg.Forget
}

// makeRoom keeps m under MaxEntries: it drops forgotten entries, then the
// least recently failed one.
func (t *throttle) makeRoom(m map[string]*strikes, now time.Time) {
	if len(m) < t.cfg.MaxEntries {
		return
	}
	for k, e := range m {
		if t.forgotten(e, now) {
			delete(m, k)
		}
	}
	for len(m) >= t.cfg.MaxEntries {
		oldest, first := "", true
		for k, e := range m {
			if first || e.last.Before(m[oldest].last) {
				oldest, first = k, false
			}
		}
		delete(m, oldest)
	}
}

// size returns the number of tracked accounts and clients (tests).
func (t *throttle) size() (int, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.accounts), len(t.clients)
}

// throttledError is the 429 for a blocked login, with whole seconds to wait.
func throttledError(wait time.Duration) error {
	secs := int64(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return &errs.Error{Kind: errs.KindTooMany, Code: "auth.throttled",
		Message: "too many failed logins; try again in " + strconv.FormatInt(secs, 10) + " s",
		Details: map[string]any{"retryAfterSeconds": secs}}
}
