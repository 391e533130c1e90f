package fleet_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/casbinauthz"
	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
	"github.com/rakkr/rakkr/test/dbtest"
)

func newService(t *testing.T, c dbtest.Case) *fleet.Service {
	t.Helper()
	authz, err := casbinauthz.New(context.Background(), c.DB)
	if err != nil {
		t.Fatal(err)
	}
	rec := auditing.NewRecorder(c.DB, gormstore.NewAuditStore(c.DB), ports.SystemClock{}, nil)
	svc, err := fleet.New(fleet.Deps{Tx: c.DB, Nodes: gormstore.NewNodeStore(c.DB), Credentials: gormstore.NewNodeCredentialStore(c.DB),
		Rooms: gormstore.NewRoomStore(c.DB), Graph: authz, Authorizer: authz, Audit: rec, OfflineAfter: node.DefaultOfflineAfter})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func enrollBody() agentapi.EnrollRequest {
	return agentapi.EnrollRequest{Runtime: agentapi.Runtime{Hostname: "rec-01", AgentVersion: "0.0.0-dev"},
		Inventory: agentapi.Inventory{Interfaces: []agentapi.Interface{{SystemRef: "demo", SystemName: "demo", Backend: "demo", ChannelCount: 2}}}}
}

// TestServiceCredentialLifecycle runs enroll → exchange → heartbeat →
// rotate → revoke against the service on both stores.
func TestServiceCredentialLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		svc := newService(t, c)
		res, err := svc.Enroll(ctx, fleet.EnrollInput{Alias: "Studio"})
		if err != nil || res.Node.Status != node.StatusProvisioning || res.ExpiresAt.Sub(time.Now()) > 901*time.Second {
			t.Fatalf("enroll %+v %v", res, err)
		}
		bad := enrollBody()
		bad.Inventory.Interfaces[0].SystemRef = ""
		if _, err := svc.ExchangeBootstrap(ctx, res.Token, bad); errs.KindOf(err) != errs.KindInvalid || !strings.Contains(err.Error(), "systemRef") {
			t.Fatalf("bad body: %v", err)
		}
		out, err := svc.ExchangeBootstrap(ctx, res.Token, enrollBody())
		if err != nil || out.NodeID != res.Node.Node.ID {
			t.Fatalf("exchange %+v %v", out, err)
		}
		if _, err := svc.ExchangeBootstrap(ctx, res.Token, enrollBody()); !errors.Is(err, node.ErrBootstrapInvalid) {
			t.Fatalf("reuse: %v", err)
		}
		p, err := svc.AuthenticateNode(ctx, out.NodeToken)
		if err != nil || p.Kind != access.PrincipalNode || p.ID != out.NodeID || p.Name != "Studio" || p.SessionID == "" {
			t.Fatalf("principal %+v %v", p, err)
		}
		hb, err := svc.Heartbeat(ctx, out.NodeID, agentapi.Heartbeat{})
		if err != nil || hb.Status != "online" || hb.ConfigVersion != 1 {
			t.Fatalf("heartbeat %+v %v", hb, err)
		}
		rot, err := svc.RotateCredential(ctx, out.NodeID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AuthenticateNode(ctx, out.NodeToken); errs.KindOf(err) != errs.KindUnauthorized {
			t.Fatalf("old token after rotation: %v", err)
		}
		if _, err := svc.RevokeCredential(ctx, out.NodeID); err != nil {
			t.Fatal(err)
		}
		_, err = svc.AuthenticateNode(ctx, rot.Token)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != "node.credentialInvalid" || e.Message != "node credential revoked: re-enroll the agent" {
			t.Fatalf("revoked: %v", err)
		}
		if _, err := svc.AuthenticateNode(ctx, "rakkr_node_short"); !errors.Is(err, node.ErrCredentialInvalid) {
			t.Fatalf("malformed: %v", err)
		}
		if _, err := svc.Heartbeat(ctx, "node_missing", agentapi.Heartbeat{}); !errors.Is(err, node.ErrNotFound) {
			t.Fatalf("missing node: %v", err)
		}
	})
}

// TestServiceNeedsDeps refuses missing ports.
func TestServiceNeedsDeps(t *testing.T) {
	if _, err := fleet.New(fleet.Deps{}); err == nil || !strings.Contains(err.Error(), "Nodes") {
		t.Fatalf("New without deps: %v", err)
	}
}
