package main

import (
	"context"
	"net"
	"net/http"

	"github.com/rakkr/rakkr/adapters/ws"
	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
)

// simAuth accepts the simulator's own credentials only.
type simAuth struct{}

func (simAuth) Authenticate(_ context.Context, bearer string) (access.Principal, error) {
	if bearer != "sim-console" {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return access.Principal{Kind: access.PrincipalUser, ID: bearer}, nil
}

func (simAuth) Decide(_ context.Context, _ access.Principal, perm access.Permission, t access.Ref) (access.Decision, error) {
	return access.Decision{Allowed: true, Permission: perm, Target: t}, nil
}

// startLocalHub serves the hub's sockets on a loopback port.
func startLocalHub() (string, func(), error) {
	svc := meters.New(meters.Config{})
	hub := ws.NewHub(ws.Config{Meters: svc, Authenticator: simAuth{}, Authorizer: simAuth{}})
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/ws", func(w http.ResponseWriter, r *http.Request) {
		if err := hub.ServeConsole(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
		}
	})
	mux.HandleFunc("/api/v1/nodes/{id}/stream", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if r.Header.Get("Authorization") != "Bearer sim-node."+id {
			http.Error(w, "bad node token", http.StatusUnauthorized)
			return
		}
		if err := hub.ServeAgent(w, r, id); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { hub.Close(); _ = srv.Close() }, nil
}
