package capture

import (
	"context"
	"sync"

	"github.com/rakkr/rakkr/ports"
)

// Registry keeps at most one running Hub per interface, so every consumer
// of an interface taps the same open stream.
type Registry struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	hubs map[string]*Hub
}

// NewRegistry returns a registry whose hubs run until ctx ends or Stop.
func NewRegistry(ctx context.Context) *Registry {
	ctx, cancel := context.WithCancel(ctx)
	return &Registry{ctx: ctx, cancel: cancel, hubs: map[string]*Hub{}}
}

// Hub returns the running hub of the interface key (its systemRef),
// starting one with opener and cfg if there is none yet. Later calls with
// the same key return the same hub and ignore opener and cfg.
func (r *Registry) Hub(key string, opener ports.AudioOpener, cfg Config) *Hub {
	r.mu.Lock()
	defer r.mu.Unlock()
	if h, ok := r.hubs[key]; ok {
		return h
	}
	h := NewHub(opener, cfg)
	r.hubs[key] = h
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		_ = h.Run(r.ctx)
	}()
	return h
}

// Lookup returns the hub of key, if one runs.
func (r *Registry) Lookup(key string) (*Hub, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := r.hubs[key]
	return h, ok
}

// Stop ends every hub (closing their devices and subscriptions) and waits
// for them.
func (r *Registry) Stop() {
	r.cancel()
	r.wg.Wait()
}
