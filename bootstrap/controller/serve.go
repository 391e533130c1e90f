package controller

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/rakkr/rakkr/adapters/casbinauthz"
	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/adapters/passwordhash"
	"github.com/rakkr/rakkr/adapters/promexport"
	"github.com/rakkr/rakkr/adapters/secretbox"
	"github.com/rakkr/rakkr/adapters/ws"
	accessapp "github.com/rakkr/rakkr/application/access"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/application/fleet"
	healthapp "github.com/rakkr/rakkr/application/health"
	"github.com/rakkr/rakkr/application/identity"
	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/application/recordings"
	"github.com/rakkr/rakkr/bootstrap/settings"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/frontend"
	"github.com/rakkr/rakkr/ports"
)

// Controller is the wired controller: its HTTP handler and what must be
// closed on shutdown. Tests build one in process with New.
type Controller struct {
	Handler  *httpapi.Server
	DB       *gormstore.DB
	Log      *slog.Logger
	Identity *identity.Service
	Authz    *casbinauthz.Authorizer
	Audit    *auditing.Service
	Metrics  *promexport.Metrics
	Sealer   ports.SecretSealer
	// AdminPassword is set when first start generated the owner's password.
	AdminPassword string
	AdminCreated  bool
	stop          []func()
}

// New opens and migrates the database and wires every module.
func New(ctx context.Context, v settings.Values, log *slog.Logger) (*Controller, error) {
	dev, err := v.Bool("RAKKR_DEV")
	if err != nil {
		return nil, err
	}
	key, err := settings.SecretKey(v["RAKKR_SECRET_KEY"])
	if err != nil {
		return nil, err
	}
	var sealer ports.SecretSealer
	switch {
	case key != nil:
		sealer, _ = secretbox.New(key)
	case dev:
		log.Warn("RAKKR_SECRET_KEY is not set: using an ephemeral key (development mode); stored secrets will not survive a restart")
		sealer = secretbox.Ephemeral()
	default:
		return nil, errors.New("RAKKR_SECRET_KEY is required (32 bytes as base64 or 64 hex characters); set RAKKR_DEV=true for development")
	}
	ttl, err := v.Duration("RAKKR_SESSION_TTL")
	if err != nil {
		return nil, err
	}
	maxBody, err := v.Size("RAKKR_MAX_BODY_BYTES")
	if err != nil {
		return nil, err
	}
	maxFailures, err := v.Int("RAKKR_LOGIN_MAX_FAILURES")
	if err != nil {
		return nil, err
	}
	startedAt := time.Now().UTC()
	db, err := openDB(ctx, v, log)
	if err != nil {
		return nil, err
	}
	c := &Controller{DB: db, Log: log, Sealer: sealer}
	c.stop = append(c.stop, func() { db.Close() })
	metrics := promexport.New(startedAt)
	metrics.RegisterDB(db.SQL(), "rakkr")
	c.Metrics = metrics

	clock := ports.SystemClock{}
	auditLog := gormstore.NewAuditStore(db)
	recorder := auditing.NewRecorder(db, auditLog, clock, metrics.AuditRecorded)
	c.Audit = auditing.NewService(auditLog)

	authz, err := casbinauthz.New(ctx, db)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("access control: %w", err)
	}
	c.Authz = authz
	authz.SetLogger(log)
	accessSvc, err := accessapp.NewService(db, authz, recorder)
	if err != nil {
		c.Close()
		return nil, err
	}

	idSvc, err := identity.New(identity.Deps{
		Tx: db, Users: gormstore.NewUserStore(db), Groups: gormstore.NewGroupStore(db),
		Sessions: gormstore.NewSessionStore(db), Tokens: gormstore.NewAPITokenStore(db),
		Hasher: passwordhash.New(passwordhash.DefaultParams), Bindings: authz, Permissions: authz, Audit: recorder, Clock: clock,
		SessionTTL: ttl, Throttle: identity.ThrottleConfig{MaxFailures: maxFailures}, OnLoginFailure: metrics.LoginFailed, Log: log,
	})
	if err != nil {
		c.Close()
		return nil, err
	}
	c.Identity = idSvc
	pw, created, err := idSvc.EnsureOwner(audit.WithRequest(ctx, audit.Request{Actor: audit.SystemActor("bootstrap")}),
		v["RAKKR_ADMIN_EMAIL"], v["RAKKR_ADMIN_NAME"], v["RAKKR_ADMIN_PASSWORD"])
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("first owner: %w", err)
	}
	c.AdminPassword, c.AdminCreated = pw, created

	offlineAfter, err := v.Duration("RAKKR_NODE_OFFLINE_AFTER")
	if err != nil {
		c.Close()
		return nil, err
	}
	healthStore := gormstore.NewHealthStore(db, clock)
	nodeStore := gormstore.NewNodeStore(db)
	fleetSvc, err := fleet.New(fleet.Deps{Tx: db, Nodes: nodeStore, Heartbeats: nodeStore,
		Credentials: gormstore.NewNodeCredentialStore(db), Rooms: gormstore.NewRoomStore(db), Graph: authz,
		Authorizer: authz, Audit: recorder, Health: healthStore, Clock: clock, OfflineAfter: offlineAfter})
	if err != nil {
		c.Close()
		return nil, err
	}
	healthSvc, err := healthapp.New(healthapp.Deps{Tx: db, Store: healthStore, Audit: recorder, Clock: clock, Scope: fleetSvc})
	if err != nil {
		c.Close()
		return nil, err
	}

	meterHistory, err := v.Int("RAKKR_METER_HISTORY")
	if err != nil {
		c.Close()
		return nil, err
	}
	meterObs := metrics.RegisterMeters()
	meterSvc := meters.New(meters.Config{History: meterHistory, Clock: clock, Observer: meterObs})
	metrics.RegisterChannelGauges(meterSvc)
	hub := ws.NewHub(ws.Config{Meters: meterSvc, Authenticator: idSvc, Authorizer: authz, Observer: meterObs,
		Log: log, AllowedOrigins: splitList(v["RAKKR_CORS_ORIGINS"])})
	c.stop = append(c.stop, hub.Close)
	recMods, err := newRecordings(db, v, recorder, healthStore, authz, fleetSvc, hub, metrics, clock, startedAt)
	if err != nil {
		c.Close()
		return nil, err
	}

	server, err := httpapi.New(httpapi.Deps{
		Log: log, Authenticator: idSvc, NodeAuthenticator: fleetSvc, Authorizer: authz, Audit: recorder,
		Observer: metrics, Console: frontend.Dist(),
	}, httpapi.Options{
		MaxBodyBytes: maxBody, CORSOrigins: splitList(v["RAKKR_CORS_ORIGINS"]),
		TrustedProxies: splitList(v["RAKKR_TRUSTED_PROXIES"]), TLS: v["RAKKR_TLS_CERT"] != "", Version: settings.Version,
	}, append([]httpapi.Module{
		&httpapi.AuthModule{Service: idSvc},
		&httpapi.AccessModule{Service: accessSvc},
		&httpapi.AuditModule{Service: c.Audit},
		&httpapi.NodesModule{Service: fleetSvc},
		&httpapi.RoomsModule{Service: fleetSvc},
		&httpapi.AgentModule{Service: fleetSvc},
		&httpapi.HealthModule{Service: healthSvc},
		&httpapi.MetersModule{Meters: meterSvc, Authorizer: authz, Nodes: fleetSvc},
		&httpapi.WSModule{Hub: hub},
	}, recMods.modules...)...,
	)
	if err != nil {
		c.Close()
		return nil, err
	}
	system := &httpapi.SystemModule{Version: settings.Version, StartedAt: startedAt, DB: db, OnReady: metrics.DatabaseUp,
		Metrics: metrics.Handler(), MetricsToken: v["RAKKR_METRICS_TOKEN"], Server: server}
	server.Register(system)
	c.Handler = server
	// Stopped after the runners (stop runs in reverse): the heartbeats still
	// in memory are written before the database closes.
	c.stop = append(c.stop, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := fleetSvc.FlushHeartbeats(ctx); err != nil {
			log.Warn("heartbeats not written at shutdown", "error", err)
		}
	})
	c.stop = append(c.stop, startRunners(log, []runner{
		{name: "heartbeat-flush", every: fleet.HeartbeatFlushInterval, run: fleetSvc.FlushHeartbeats},
		// Several replicas share one database: pick up access changes made elsewhere.
		{name: "access-reload", every: 15 * time.Second, run: authz.Reload},
		{name: "recording-leases", every: recordings.LeaseRunnerInterval, run: func(ctx context.Context) error {
			_, err := recMods.capture.ExpireLeases(ctx)
			return err
		}},
		// Partial uploads idle for a day were replaced or abandoned; an agent
		// still holding one re-sends it from the start.
		{name: "upload-sweep", every: time.Hour, run: func(context.Context) error {
			files, bytes, err := recMods.cache.SweepUploads(24*time.Hour, time.Now())
			if files > 0 {
				log.Info("idle partial uploads removed", "files", files, "bytes", bytes)
			}
			return err
		}},
		{name: "session-purge", every: time.Hour, run: func(ctx context.Context) error {
			_, err := idSvc.PurgeExpiredSessions(ctx)
			return err
		}},
	}))
	return c, nil
}

// Close releases what the controller holds, in reverse order of start.
func (c *Controller) Close() {
	for i := len(c.stop) - 1; i >= 0; i-- {
		c.stop[i]()
	}
	c.stop = nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	v, log, err := parseSettings(args, "rakkr serve", stderr)
	if err != nil {
		return err
	}
	c, err := New(ctx, v, log)
	if err != nil {
		return err
	}
	defer c.Close()
	ln, err := net.Listen("tcp", v["RAKKR_LISTEN"])
	if err != nil {
		return fmt.Errorf("listen on %s: %w", v["RAKKR_LISTEN"], err)
	}
	scheme := "http"
	srv := &http.Server{Handler: c.Handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	if cert, key := v["RAKKR_TLS_CERT"], v["RAKKR_TLS_KEY"]; cert != "" || key != "" {
		if cert == "" || key == "" {
			return errors.New("RAKKR_TLS_CERT and RAKKR_TLS_KEY must be set together")
		}
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}
		ln = tls.NewListener(ln, srv.TLSConfig)
		scheme = "https"
	}
	addr := ln.Addr().String()
	fmt.Fprintf(stdout, "Rakkr controller %s listening on %s://%s\n", settings.Version, scheme, addr)
	fmt.Fprintf(stdout, "Console: %s://%s/\n", scheme, addr)
	if c.AdminCreated {
		if c.AdminPassword != "" {
			fmt.Fprintf(stdout, "Created owner %s with generated password: %s\n(shown once; change it after signing in)\n", v["RAKKR_ADMIN_EMAIL"], c.AdminPassword)
		} else {
			fmt.Fprintf(stdout, "Created owner %s with the password from RAKKR_ADMIN_PASSWORD\n", v["RAKKR_ADMIN_EMAIL"])
		}
	}
	errCh := make(chan error, 1)
	go func() { errCh <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	case err := <-errCh:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}
