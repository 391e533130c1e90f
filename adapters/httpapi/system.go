package httpapi

import (
	"context"
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
)

// Pinger checks that the database answers.
type Pinger interface {
	// Ping returns an error when the database cannot be reached.
	Ping(ctx context.Context) error
}

// SystemModule serves /healthz, /readyz and /metrics.
type SystemModule struct {
	Version      string
	StartedAt    time.Time
	DB           Pinger
	OnReady      func(up bool)
	Metrics      http.Handler
	MetricsToken string
	Server       *Server // for authenticating metrics:read users
}

type healthBody struct {
	OK        bool      `json:"ok"`
	Service   string    `json:"service"`
	Version   string    `json:"version"`
	StartedAt time.Time `json:"startedAt"`
}

type readyBody struct {
	Ready    bool   `json:"ready"`
	Database string `json:"database"`
}

// Routes implements Module.
func (m *SystemModule) Routes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/healthz", Access: AccessPublic, Tag: "system", Summary: "Liveness", Response: healthBody{},
			Handler: func(c *gin.Context) error {
				return OK(c, healthBody{OK: true, Service: "rakkr", Version: m.Version, StartedAt: m.StartedAt})
			}},
		{Method: http.MethodGet, Path: "/readyz", Access: AccessPublic, Tag: "system", Summary: "Readiness: 503 while the database is unreachable", Response: readyBody{},
			Handler: func(c *gin.Context) error {
				err := m.DB.Ping(c.Request.Context())
				if m.OnReady != nil {
					m.OnReady(err == nil)
				}
				if err != nil {
					c.JSON(http.StatusServiceUnavailable, envelope{Data: readyBody{Ready: false, Database: "unavailable"}})
					return nil
				}
				return OK(c, readyBody{Ready: true, Database: "ok"})
			}},
		{Method: http.MethodGet, Path: "/metrics", Access: AccessCustom, Permission: access.MetricsRead, Action: "metrics.scrape",
			Tag: "system", Summary: "Prometheus metrics (metrics:read bearer or the scrape token)", Raw: true,
			Handler: m.metrics},
	}
}

func (m *SystemModule) metrics(c *gin.Context) error {
	token := BearerToken(c.Request)
	if token == "" {
		return errs.ErrUnauthorized
	}
	if m.MetricsToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(m.MetricsToken)) == 1 {
		m.Metrics.ServeHTTP(c.Writer, c.Request)
		return nil
	}
	s := m.Server
	p, err := s.deps.Authenticator.Authenticate(c.Request.Context(), token)
	if err != nil {
		return err
	}
	d, err := s.deps.Authorizer.Decide(c.Request.Context(), p, access.MetricsRead, access.Global)
	if err != nil {
		return err
	}
	if !d.Allowed {
		return forbidden(d)
	}
	m.Metrics.ServeHTTP(c.Writer, c.Request)
	return nil
}
