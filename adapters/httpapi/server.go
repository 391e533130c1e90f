package httpapi

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/ports"
)

// Options configure the edge.
type Options struct {
	MaxBodyBytes   int64
	CORSOrigins    []string
	TrustedProxies []string
	TLS            bool
	Version        string
}

// Deps are the ports the edge needs for its own chain.
type Deps struct {
	Log           *slog.Logger
	Authenticator ports.Authenticator
	// NodeAuthenticator checks node credentials on agent routes (nil: agent
	// routes answer 501).
	NodeAuthenticator ports.NodeAuthenticator
	Authorizer        ports.Authorizer
	Audit             ports.AuditRecorder
	Observer          HTTPObserver
	// Clock times media tickets (nil: the system clock).
	Clock ports.Clock
	// Console is the built single-page app (index.html at its root); nil
	// serves a page saying the console is not built.
	Console fs.FS
}

// Server is the controller's HTTP handler.
type Server struct {
	engine *gin.Engine
	deps   Deps
	opts   Options
	routes []Route
	media  *mediaTickets
}

// New builds the engine with the middleware chain and registers modules.
func New(deps Deps, opts Options, modules ...Module) (*Server, error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	if err := e.SetTrustedProxies(opts.TrustedProxies); err != nil {
		return nil, err
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	s := &Server{engine: e, deps: deps, opts: opts, media: newMediaTickets(deps.Clock)}
	e.Use(requestIDMiddleware(), recoverMiddleware(deps.Log), accessLogMiddleware(deps.Log, deps.Observer),
		securityHeadersMiddleware(opts.TLS), corsMiddleware(opts.CORSOrigins), errorMiddleware(deps.Log))
	for _, m := range modules {
		for _, r := range m.Routes() {
			s.add(r)
		}
	}
	s.add(s.openAPIRoute())
	e.NoRoute(s.noRoute)
	e.NoMethod(func(c *gin.Context) {
		writeError(c, deps.Log, errMethodNotAllowed)
	})
	return s, nil
}

// add registers one route behind the chain for its access mode.
func (s *Server) add(r Route) {
	if r.MediaTicket != "" && (r.Method != http.MethodGet || r.Access != AccessPermission) {
		panic("httpapi: only permission-checked GET routes accept media tickets: " + r.Method + " " + r.Path)
	}
	handlers := []gin.HandlerFunc{bodyLimitMiddleware(s.limitFor(r), s.deps.Log)}
	handlers = append(handlers, s.chain(r))
	s.engine.Handle(r.Method, r.Path, handlers...)
	s.routes = append(s.routes, r)
}

func (s *Server) limitFor(r Route) int64 {
	if r.StreamBody || r.Raw && (r.Method == http.MethodPut || r.Method == http.MethodPost) {
		return 1 << 42 // uploads stream to disk and enforce their own limits
	}
	return s.opts.MaxBodyBytes
}

// Routes returns every registered route, sorted by path then method.
func (s *Server) Routes() []Route {
	out := append([]Route(nil), s.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// Engine exposes the Gin engine (route listing in tests).
func (s *Server) Engine() *gin.Engine { return s.engine }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

func (s *Server) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") || p == "/metrics" {
		writeError(c, s.deps.Log, errRouteNotFound)
		return
	}
	s.serveConsole(c)
}

// RequestContext returns the request's context (with the audit request info
// the chain stored); handlers pass it to use cases.
func RequestContext(c *gin.Context) context.Context { return c.Request.Context() }

// Register adds a module's routes after construction (modules that need the
// server itself, such as the metrics scrape, register this way).
func (s *Server) Register(m Module) {
	for _, r := range m.Routes() {
		s.add(r)
	}
}
