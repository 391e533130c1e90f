package casbinauthz

import (
	"errors"
	"sync"

	"github.com/casbin/casbin/v2/log"
	"github.com/casbin/casbin/v2/rbac"
)

// roleGraph is the Casbin role manager behind g … g5: plain maps of
// links in both directions and a cache of each name's ancestors, so that
// g(), g2() and covers() answer with map lookups once a name has been
// seen. Casbin's default manager walks sync.Maps on every call,
// which was most of the cost of a decision with 10,000 resources.
//
// Links change only through Casbin (BuildRoleLinks, the Self* updates)
// while the Authorizer holds its write lock; every change drops the
// cache. Reads may run concurrently. Domains and pattern matching are not
// used by the model and not supported.
type roleGraph struct {
	maxDepth int

	mu    sync.RWMutex
	up    map[string]map[string]struct{} // name → the names it inherits
	down  map[string]map[string]struct{} // name → the names inheriting it
	cache map[string][]string            // name → every ancestor, nearest first
}

// maxCached bounds the ancestor cache; it starts over when full.
const maxCached = 200_000

func newRoleGraph(maxDepth int) *roleGraph {
	g := &roleGraph{maxDepth: maxDepth}
	_ = g.Clear()
	return g
}

// Clear implements rbac.RoleManager.
func (g *roleGraph) Clear() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.up, g.down, g.cache = map[string]map[string]struct{}{}, map[string]map[string]struct{}{}, map[string][]string{}
	return nil
}

// AddLink implements rbac.RoleManager: name1 inherits name2.
func (g *roleGraph) AddLink(name1, name2 string, _ ...string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	link(g.up, name1, name2)
	link(g.down, name2, name1)
	g.dropCache()
	return nil
}

// BuildRelationship implements rbac.RoleManager (deprecated there).
func (g *roleGraph) BuildRelationship(name1, name2 string, domain ...string) error {
	return g.AddLink(name1, name2, domain...)
}

// DeleteLink implements rbac.RoleManager.
func (g *roleGraph) DeleteLink(name1, name2 string, _ ...string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	unlink(g.up, name1, name2)
	unlink(g.down, name2, name1)
	g.dropCache()
	return nil
}

// HasLink implements rbac.RoleManager: name1 is name2 or inherits it
// within maxDepth links.
func (g *roleGraph) HasLink(name1, name2 string, _ ...string) (bool, error) {
	if name1 == name2 {
		return true, nil
	}
	for _, a := range g.ancestors(name1) {
		if a == name2 {
			return true, nil
		}
	}
	return false, nil
}

// GetRoles implements rbac.RoleManager: the names name inherits directly.
func (g *roleGraph) GetRoles(name string, _ ...string) ([]string, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return keys(g.up[name]), nil
}

// GetUsers implements rbac.RoleManager: the names inheriting name directly.
func (g *roleGraph) GetUsers(name string, _ ...string) ([]string, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return keys(g.down[name]), nil
}

// GetImplicitRoles implements rbac.RoleManager: every ancestor.
func (g *roleGraph) GetImplicitRoles(name string, _ ...string) ([]string, error) {
	return append([]string(nil), g.ancestors(name)...), nil
}

// GetImplicitUsers implements rbac.RoleManager: every descendant.
func (g *roleGraph) GetImplicitUsers(name string, _ ...string) ([]string, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return walk(g.down, name, g.maxDepth), nil
}

// empty reports whether the graph has no links at all.
func (g *roleGraph) empty() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.up) == 0
}

// anyLink reports whether name links directly to a name for which ok
// holds. ok must not call back into g.
func (g *roleGraph) anyLink(name string, ok func(string) bool) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	for to := range g.up[name] {
		if ok(to) {
			return true
		}
	}
	return false
}

// ancestors returns name's cached ancestors, computing them on a miss.
// The slice is shared: callers must not change it.
func (g *roleGraph) ancestors(name string) []string {
	g.mu.RLock()
	a, ok := g.cache[name]
	if !ok {
		a = walk(g.up, name, g.maxDepth)
	}
	g.mu.RUnlock()
	if !ok {
		g.mu.Lock()
		if len(g.cache) >= maxCached {
			g.cache = map[string][]string{}
		}
		g.cache[name] = a
		g.mu.Unlock()
	}
	return a
}

// dropCache forgets every cached ancestor list (the caller holds mu).
func (g *roleGraph) dropCache() {
	if len(g.cache) > 0 {
		g.cache = map[string][]string{}
	}
}

// walk lists the names reachable from name in edges, breadth first, up to
// depth links, without name itself.
func walk(edges map[string]map[string]struct{}, name string, depth int) []string {
	var out []string
	seen := map[string]struct{}{name: {}}
	frontier := []string{name}
	for level := 0; level < depth && len(frontier) > 0; level++ {
		var next []string
		for _, n := range frontier {
			for m := range edges[n] {
				if _, dup := seen[m]; !dup {
					seen[m] = struct{}{}
					out = append(out, m)
					next = append(next, m)
				}
			}
		}
		frontier = next
	}
	return out
}

func link(edges map[string]map[string]struct{}, from, to string) {
	set := edges[from]
	if set == nil {
		set = map[string]struct{}{}
		edges[from] = set
	}
	set[to] = struct{}{}
}

func unlink(edges map[string]map[string]struct{}, from, to string) {
	if set := edges[from]; set != nil {
		delete(set, to)
		if len(set) == 0 {
			delete(edges, from)
		}
	}
}

func keys(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return out
}

// GetDomains implements rbac.RoleManager; the model has no domains.
func (g *roleGraph) GetDomains(string) ([]string, error) { return []string{}, nil }

// GetAllDomains implements rbac.RoleManager; the model has no domains.
func (g *roleGraph) GetAllDomains() ([]string, error) { return []string{}, nil }

// PrintRoles implements rbac.RoleManager; there is nothing to print to.
func (g *roleGraph) PrintRoles() error { return nil }

// SetLogger implements rbac.RoleManager; the graph does not log.
func (g *roleGraph) SetLogger(log.Logger) {}

// Match implements rbac.RoleManager: names match only themselves.
func (g *roleGraph) Match(str, pattern string) bool { return str == pattern }

// AddMatchingFunc implements rbac.RoleManager; patterns are not used.
func (g *roleGraph) AddMatchingFunc(string, rbac.MatchingFunc) {}

// AddDomainMatchingFunc implements rbac.RoleManager; domains are not used.
func (g *roleGraph) AddDomainMatchingFunc(string, rbac.MatchingFunc) {}

// DeleteDomain implements rbac.RoleManager; domains are not used.
func (g *roleGraph) DeleteDomain(string) error {
	return errors.New("casbinauthz: domains are not supported")
}

var _ rbac.RoleManager = (*roleGraph)(nil)
