package healthlog

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// MaxBatch is the largest batch posted at once.
const MaxBatch = 200

// Poster posts a batch to the controller (ports.ControllerClient does).
type Poster interface {
	// PostHealthEvents posts a batch and returns the accepted ids.
	PostHealthEvents(ctx context.Context, b agentapi.HealthEventBatch) (agentapi.HealthEventBatchResponse, error)
}

// Syncer posts the log's unsynced events to the controller.
type Syncer struct {
	// Log is the log to sync.
	Log *Log
	// Poster sends the batches.
	Poster Poster
	// Interval is how often the log is checked without new appends (default 5 s).
	Interval time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failure (1 s … 60 s).
	MinBackoff, MaxBackoff time.Duration
	// Fatal, when not nil, tells whether an error must stop the loop.
	Fatal func(error) bool
	// Logger receives failures (default slog.Default()).
	Logger *slog.Logger
}

// SyncOnce posts every pending event (in batches) until none is left or a
// post fails. It returns how many were accepted.
func (s *Syncer) SyncOnce(ctx context.Context) (int, error) {
	n := 0
	for {
		evs, err := s.Log.Pending(MaxBatch)
		if err != nil || len(evs) == 0 {
			return n, err
		}
		resp, err := s.Poster.PostHealthEvents(ctx, agentapi.HealthEventBatch{Events: evs})
		if err != nil {
			return n, err
		}
		if err := s.Log.Ack(resp.Accepted); err != nil {
			return n, err
		}
		n += len(resp.Accepted)
		if len(resp.Accepted) < len(evs) {
			return n, errors.New("the controller did not accept every health event")
		}
	}
}

// Run syncs after every append and every Interval until ctx ends, backing
// off (with jitter) after failures. It returns ctx's error, or the error
// that Fatal accepted.
func (s *Syncer) Run(ctx context.Context) error {
	interval := s.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	minB, maxB := s.MinBackoff, s.MaxBackoff
	if minB <= 0 {
		minB = time.Second
	}
	if maxB < minB {
		maxB = max(60*time.Second, minB)
	}
	log := s.Logger
	if log == nil {
		log = slog.Default()
	}
	backoff := minB
	wait := time.Duration(0)
	for {
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		_, err := s.SyncOnce(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			if s.Fatal != nil && s.Fatal(err) {
				return err
			}
			log.Warn("health event sync failed; retrying", "err", err, "in", backoff)
			wait = Jitter(backoff)
			backoff = min(2*backoff, maxB)
			continue
		}
		backoff, wait = minB, 0
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-s.Log.Notify():
			t.Stop()
		case <-t.C:
		}
	}
}

// Jitter returns d randomised to [d/2, d).
func Jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}
