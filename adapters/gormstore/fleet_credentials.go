package gormstore

import (
	"context"
	"time"

	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports"
)

// NodeCredentialStore keeps bootstrap tokens and node credentials (hashes
// only) in node_bootstrap_tokens and node_credentials.
type NodeCredentialStore struct{ db *DB }

// NewNodeCredentialStore returns the credential store on db.
func NewNodeCredentialStore(db *DB) *NodeCredentialStore { return &NodeCredentialStore{db: db} }

// CreateBootstrapToken inserts t.
func (s *NodeCredentialStore) CreateBootstrapToken(ctx context.Context, t node.BootstrapToken) error {
	r := bootstrapTokenRow{ID: t.ID, NodeID: t.NodeID, TokenHash: t.TokenHash, CreatedAt: identityTime(t.CreatedAt),
		ExpiresAt: identityTime(t.ExpiresAt)}
	return Translate(s.db.Conn(ctx).Create(&r).Error)
}

// BootstrapTokenByHash returns the token whose secret hashes to hash.
func (s *NodeCredentialStore) BootstrapTokenByHash(ctx context.Context, hash string) (node.BootstrapToken, error) {
	var r bootstrapTokenRow
	if err := s.db.Conn(ctx).Where("token_hash = ?", hash).Take(&r).Error; err != nil {
		return node.BootstrapToken{}, identityNotFound(err, node.ErrBootstrapInvalid)
	}
	return node.BootstrapToken{ID: r.ID, NodeID: r.NodeID, TokenHash: r.TokenHash, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: r.ExpiresAt.UTC(), UsedAt: identityUTC(r.UsedAt), RevokedAt: identityUTC(r.RevokedAt)}, nil
}

// UseBootstrapToken marks the token used if it still is usable at at, in
// one conditional statement, so two concurrent exchanges cannot both win.
func (s *NodeCredentialStore) UseBootstrapToken(ctx context.Context, id string, at time.Time) error {
	res := s.db.Conn(ctx).Model(&bootstrapTokenRow{}).
		Where("id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?", id, identityTime(at)).
		Update("used_at", identityTime(at))
	if res.Error != nil {
		return Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return node.ErrBootstrapInvalid
	}
	return nil
}

// RevokeBootstrapTokens ends every unused, unrevoked token of nodeID.
func (s *NodeCredentialStore) RevokeBootstrapTokens(ctx context.Context, nodeID string, at time.Time) (int64, error) {
	res := s.db.Conn(ctx).Model(&bootstrapTokenRow{}).Where("node_id = ? AND used_at IS NULL AND revoked_at IS NULL", nodeID).
		Update("revoked_at", identityTime(at))
	return res.RowsAffected, Translate(res.Error)
}

// CreateCredential inserts c.
func (s *NodeCredentialStore) CreateCredential(ctx context.Context, c node.Credential) error {
	r := nodeCredentialRow{ID: c.ID, NodeID: c.NodeID, Prefix: c.Prefix, TokenHash: c.TokenHash, CreatedAt: identityTime(c.CreatedAt)}
	return Translate(s.db.Conn(ctx).Create(&r).Error)
}

// CredentialByHash returns the credential whose token hashes to hash.
func (s *NodeCredentialStore) CredentialByHash(ctx context.Context, hash string) (node.Credential, error) {
	var r nodeCredentialRow
	if err := s.db.Conn(ctx).Where("token_hash = ?", hash).Take(&r).Error; err != nil {
		return node.Credential{}, identityNotFound(err, node.ErrCredentialInvalid)
	}
	return node.Credential{ID: r.ID, NodeID: r.NodeID, Prefix: r.Prefix, TokenHash: r.TokenHash, CreatedAt: r.CreatedAt.UTC(),
		RevokedAt: identityUTC(r.RevokedAt)}, nil
}

// RevokeCredentials ends every live credential of nodeID.
func (s *NodeCredentialStore) RevokeCredentials(ctx context.Context, nodeID string, at time.Time) (int64, error) {
	res := s.db.Conn(ctx).Model(&nodeCredentialRow{}).Where("node_id = ? AND revoked_at IS NULL", nodeID).
		Update("revoked_at", identityTime(at))
	return res.RowsAffected, Translate(res.Error)
}

var _ ports.NodeCredentialStore = (*NodeCredentialStore)(nil)

// CredentialWithNode is CredentialByHash joined with the credential's
// node, in one query: the agent routes authenticate with it on every call.
// The node carries its id, alias and config version only. A credential
// whose node is gone is node.ErrCredentialInvalid.
func (s *NodeCredentialStore) CredentialWithNode(ctx context.Context, hash string) (node.Credential, node.Node, error) {
	var r struct {
		ID        string     `gorm:"column:id"`
		NodeID    string     `gorm:"column:node_id"`
		Prefix    string     `gorm:"column:prefix"`
		TokenHash string     `gorm:"column:token_hash"`
		CreatedAt time.Time  `gorm:"column:created_at"`
		RevokedAt *time.Time `gorm:"column:revoked_at"`
		Alias     string     `gorm:"column:alias"`
		Config    int64      `gorm:"column:config_version"`
	}
	res := s.db.Conn(ctx).Raw("SELECT c.id, c.node_id, c.prefix, c.token_hash, c.created_at, c.revoked_at, n.alias, n.config_version "+
		"FROM node_credentials c JOIN nodes n ON n.id = c.node_id WHERE c.token_hash = ?", hash).Scan(&r)
	if res.Error != nil {
		return node.Credential{}, node.Node{}, Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return node.Credential{}, node.Node{}, node.ErrCredentialInvalid
	}
	return node.Credential{ID: r.ID, NodeID: r.NodeID, Prefix: r.Prefix, TokenHash: r.TokenHash, CreatedAt: r.CreatedAt.UTC(),
		RevokedAt: identityUTC(r.RevokedAt)}, node.Node{ID: r.NodeID, Alias: r.Alias, ConfigVersion: r.Config}, nil
}
