// Package promexport owns the controller's Prometheus registry: real
// counters that never go down, histograms and gauges, exposed as text.
package promexport

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rakkr/rakkr/domain/audit"
)

// Metrics holds the registry and the controller's core collectors.
type Metrics struct {
	Registry      *prometheus.Registry
	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	auditEvents   *prometheus.CounterVec
	loginFailures *prometheus.CounterVec
	dbUnavailable prometheus.Gauge
}

// New registers the core collectors, the Go and process collectors, and
// rakkr_controller_started_at_seconds.
func New(startedAt time.Time) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rakkr_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "rakkr_http_request_duration_seconds", Help: "HTTP request duration by route template and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		auditEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rakkr_audit_events_total", Help: "Audit rows written, by action, outcome, permission and actor type.",
		}, []string{"action", "outcome", "permission", "actor_type"}),
		loginFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rakkr_login_failures_total", Help: "Failed login attempts by reason.",
		}, []string{"reason"}),
		dbUnavailable: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "rakkr_database_unavailable", Help: "1 while the last database check failed, else 0.",
		}),
	}
	started := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "rakkr_controller_started_at_seconds", Help: "Unix time the controller process started.",
	})
	started.Set(float64(startedAt.Unix()))
	reg.MustRegister(m.httpRequests, m.httpDuration, m.auditEvents, m.loginFailures, m.dbUnavailable, started,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// RegisterDB exports the connection pool statistics of db.
func (m *Metrics) RegisterDB(db *sql.DB, name string) {
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// ObserveHTTP records one finished request.
func (m *Metrics) ObserveHTTP(route, method string, status int, d time.Duration) {
	m.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(route, method).Observe(d.Seconds())
}

// AuditRecorded counts one written audit row.
func (m *Metrics) AuditRecorded(e audit.Event) {
	m.auditEvents.WithLabelValues(e.Action, string(e.Outcome), e.Permission, string(e.Actor.Type)).Inc()
}

// LoginFailed counts one failed login.
func (m *Metrics) LoginFailed(reason string) { m.loginFailures.WithLabelValues(reason).Inc() }

// DatabaseUp sets rakkr_database_unavailable from a readiness check.
func (m *Metrics) DatabaseUp(up bool) {
	if up {
		m.dbUnavailable.Set(0)
	} else {
		m.dbUnavailable.Set(1)
	}
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}
