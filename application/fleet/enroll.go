package fleet

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// EnrollInput creates a node waiting for its agent. TTLSeconds (nil:
// node.DefaultBootstrapTTL) bounds the bootstrap token, 60..86400.
type EnrollInput struct {
	Alias, Site, RoomID, Notes string
	TTLSeconds                 *int
}

// BootstrapResult is a minted bootstrap token: Token is shown once.
type BootstrapResult struct {
	Node      NodeView
	Token     string
	ExpiresAt time.Time
}

// CredentialResult is a new node credential: Token is shown once.
type CredentialResult struct {
	NodeID       string
	CredentialID string
	Token        string
	Prefix       string
	IssuedAt     time.Time
}

func ttlOf(field string, secs *int) (time.Duration, error) {
	if secs == nil {
		return node.DefaultBootstrapTTL * time.Second, nil
	}
	if *secs < node.MinBootstrapTTL || *secs > node.MaxBootstrapTTL {
		return 0, errs.Field(field, fmt.Sprintf("must be from %d to %d seconds", node.MinBootstrapTTL, node.MaxBootstrapTTL))
	}
	return time.Duration(*secs) * time.Second, nil
}

// Enroll creates a provisioning node and its first bootstrap token.
func (s *Service) Enroll(ctx context.Context, in EnrollInput) (BootstrapResult, error) {
	ttl, err := ttlOf("ttlSeconds", in.TTLSeconds)
	if err != nil {
		return BootstrapResult{}, err
	}
	now := s.now()
	n, err := node.New(in.Alias, in.Site, strings.TrimSpace(in.RoomID), in.Notes, now)
	if err != nil {
		return BootstrapResult{}, err
	}
	var out BootstrapResult
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if n.RoomID != "" {
			site, err := s.checkRoom(ctx, "roomId", n.RoomID)
			if err != nil {
				return err
			}
			if n.Site == "" {
				n.Site = site
			} else if n.Site != site {
				return errs.Field("roomId", "the room belongs to site "+site)
			}
		}
		if err := s.d.Nodes.CreateNode(ctx, n); err != nil {
			return err
		}
		secret, tok := node.NewBootstrapToken(n.ID, now, ttl)
		if err := s.d.Credentials.CreateBootstrapToken(ctx, tok); err != nil {
			return err
		}
		if err := s.syncGraph(ctx, n); err != nil {
			return err
		}
		out = BootstrapResult{Node: NodeView{Node: n, Status: node.StatusProvisioning}, Token: secret, ExpiresAt: tok.ExpiresAt}
		return s.record(ctx, "nodes.enroll", access.NodeManage, nodeTarget(n), nil, auditNode(n),
			map[string]any{"bootstrapTokenId": tok.ID, "expiresAt": tok.ExpiresAt.Format(time.RFC3339)})
	})
	return out, err
}

// MintBootstrapToken issues a new bootstrap token for a node, revoking its
// unused older ones.
func (s *Service) MintBootstrapToken(ctx context.Context, nodeID string, ttlSeconds *int) (BootstrapResult, error) {
	ttl, err := ttlOf("ttlSeconds", ttlSeconds)
	if err != nil {
		return BootstrapResult{}, err
	}
	var out BootstrapResult
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		n, err := s.d.Nodes.GetNode(ctx, nodeID)
		if err != nil {
			return err
		}
		now := s.now()
		revoked, err := s.d.Credentials.RevokeBootstrapTokens(ctx, nodeID, now)
		if err != nil {
			return err
		}
		secret, tok := node.NewBootstrapToken(nodeID, now, ttl)
		if err := s.d.Credentials.CreateBootstrapToken(ctx, tok); err != nil {
			return err
		}
		v, err := s.view(ctx, n)
		if err != nil {
			return err
		}
		out = BootstrapResult{Node: v, Token: secret, ExpiresAt: tok.ExpiresAt}
		return s.record(ctx, "nodes.bootstrapToken.create", access.NodeManage, nodeTarget(n), nil, nil,
			map[string]any{"bootstrapTokenId": tok.ID, "revokedUnused": revoked, "expiresAt": tok.ExpiresAt.Format(time.RFC3339)})
	})
	return out, err
}

// ValidateEnrollRequest checks an agent's exchange body before its token
// is looked at, so a bad body never burns the token.
func ValidateEnrollRequest(req agentapi.EnrollRequest) error {
	var is errs.Issues
	if strings.TrimSpace(req.Runtime.Hostname) == "" {
		is.Add("runtime.hostname", "is required")
	}
	if err := node.ValidateReported("inventory.interfaces", reportedOf(req.Inventory)); err != nil {
		return errs.Merge(is.Err(), err)
	}
	return is.Err()
}

// ExchangeBootstrap trades a bootstrap token (the bearer) for the node's
// long-lived credential, storing the agent's runtime and reconciled
// inventory; the node stays provisioning until its first heartbeat. The
// body is validated first; an unknown, expired or used token is refused
// (401 node.bootstrapTokenInvalid) and audited as denied.
func (s *Service) ExchangeBootstrap(ctx context.Context, bearer string, req agentapi.EnrollRequest) (agentapi.EnrollResponse, error) {
	if err := ValidateEnrollRequest(req); err != nil {
		return agentapi.EnrollResponse{}, err
	}
	now := s.now()
	var tok node.BootstrapToken
	var err error = node.ErrBootstrapInvalid
	if node.WellFormed(bearer, node.BootstrapPrefix) {
		tok, err = s.d.Credentials.BootstrapTokenByHash(ctx, node.HashSecret(bearer))
		if err == nil && !tok.Usable(now) {
			err = node.ErrBootstrapInvalid
		}
	}
	if err != nil {
		return agentapi.EnrollResponse{}, s.refuseBootstrap(ctx, tok, err)
	}
	var out agentapi.EnrollResponse
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Credentials.UseBootstrapToken(ctx, tok.ID, now); err != nil {
			return err
		}
		if _, err := s.d.Credentials.RevokeCredentials(ctx, tok.NodeID, now); err != nil {
			return err
		}
		secret, cred := node.NewCredential(tok.NodeID, now)
		if err := s.d.Credentials.CreateCredential(ctx, cred); err != nil {
			return err
		}
		n, changed, err := s.applyInventory(ctx, tok.NodeID, req.Inventory, func(n *node.Node) {
			applyRuntime(n, req.Runtime)
		})
		if err != nil {
			return err
		}
		out = agentapi.EnrollResponse{NodeID: n.ID, NodeToken: secret, NodeAlias: n.Alias, IssuedAt: now}
		e := audit.Event{Action: "nodes.bootstrap", Outcome: audit.Succeeded, Permission: string(access.NodeControl),
			Actor:  audit.Actor{ID: n.ID, Name: n.Alias, Type: audit.ActorNode, Roles: []string{}},
			Target: nodeTarget(n), After: map[string]any{"hostname": n.Hostname, "interfaces": len(n.Interfaces)},
			Details: map[string]any{"bootstrapTokenId": tok.ID, "credentialId": cred.ID, "credentialPrefix": cred.Prefix,
				"inventoryChanged": changed}}
		return s.d.Audit.Record(ctx, e)
	})
	if errs.KindOf(err) == errs.KindUnauthorized {
		return agentapi.EnrollResponse{}, s.refuseBootstrap(ctx, tok, err)
	}
	return out, err
}

// refuseBootstrap audits a refused exchange as denied and returns cause
// (or the failure to audit it).
func (s *Service) refuseBootstrap(ctx context.Context, tok node.BootstrapToken, cause error) error {
	if errs.KindOf(cause) != errs.KindUnauthorized {
		return cause
	}
	target := audit.Target{Type: string(access.ResourceNode), ID: tok.NodeID}
	if tok.NodeID == "" {
		target = audit.Target{Type: "*", ID: "*"}
	}
	if err := s.d.Audit.Record(ctx, audit.Event{Action: "nodes.bootstrap", Outcome: audit.Denied,
		Permission: string(access.NodeControl), Target: target, Reason: node.ErrBootstrapInvalid.Code}); err != nil {
		return err
	}
	return cause
}

// RotateCredential replaces a node's credential: the old token stops
// working at once and the new one is returned (shown once).
func (s *Service) RotateCredential(ctx context.Context, nodeID string) (CredentialResult, error) {
	var out CredentialResult
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		n, err := s.d.Nodes.GetNode(ctx, nodeID)
		if err != nil {
			return err
		}
		now := s.now()
		revoked, err := s.d.Credentials.RevokeCredentials(ctx, nodeID, now)
		if err != nil {
			return err
		}
		secret, cred := node.NewCredential(nodeID, now)
		if err := s.d.Credentials.CreateCredential(ctx, cred); err != nil {
			return err
		}
		out = CredentialResult{NodeID: nodeID, CredentialID: cred.ID, Token: secret, Prefix: cred.Prefix, IssuedAt: now}
		return s.record(ctx, "nodes.credentials.rotate", access.NodeManage, nodeTarget(n), nil, nil,
			map[string]any{"credentialId": cred.ID, "credentialPrefix": cred.Prefix, "revoked": revoked})
	})
	return out, err
}

// RevokeCredential ends a node's credentials; the agent is refused until it
// is re-enrolled. It returns how many were revoked.
func (s *Service) RevokeCredential(ctx context.Context, nodeID string) (int64, error) {
	var revoked int64
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		n, err := s.d.Nodes.GetNode(ctx, nodeID)
		if err != nil {
			return err
		}
		if revoked, err = s.d.Credentials.RevokeCredentials(ctx, nodeID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, "nodes.credentials.revoke", access.NodeManage, nodeTarget(n), nil, nil,
			map[string]any{"revoked": revoked})
	})
	return revoked, err
}

// AuthenticateNode implements ports.NodeAuthenticator: a live node token
// becomes the node's principal (SessionID = credential id). Unknown and
// revoked tokens are 401 node.credentialInvalid with a message the agent
// shows ("node credential revoked: re-enroll the agent").
func (s *Service) AuthenticateNode(ctx context.Context, bearer string) (access.Principal, error) {
	if !node.WellFormed(bearer, node.NodeTokenPrefix) {
		return access.Principal{}, node.ErrCredentialInvalid
	}
	cred, n, err := s.credential(ctx, node.HashSecret(bearer))
	if err != nil {
		return access.Principal{}, err
	}
	if cred.RevokedAt != nil {
		return access.Principal{}, node.ErrCredentialRevoked
	}
	s.p.authenticated(n, s.now())
	return access.Principal{Kind: access.PrincipalNode, ID: n.ID, Name: n.Alias, SessionID: cred.ID, Roles: []access.Role{}}, nil
}

// credentialNodes is implemented by credential stores that read a
// credential with its node (id, alias, config version) in one query
// (gormstore).
type credentialNodes interface {
	CredentialWithNode(ctx context.Context, hash string) (node.Credential, node.Node, error)
}

// credential returns the credential whose token hashes to hash and its
// node; a credential without its node is invalid.
func (s *Service) credential(ctx context.Context, hash string) (node.Credential, node.Node, error) {
	if cs, ok := s.d.Credentials.(credentialNodes); ok {
		return cs.CredentialWithNode(ctx, hash)
	}
	cred, err := s.d.Credentials.CredentialByHash(ctx, hash)
	if err != nil {
		return node.Credential{}, node.Node{}, err
	}
	n, err := s.summary(ctx, cred.NodeID)
	if errs.KindOf(err) == errs.KindNotFound {
		return node.Credential{}, node.Node{}, node.ErrCredentialInvalid
	}
	return cred, n, err
}
