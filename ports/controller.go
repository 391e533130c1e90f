package ports

import (
	"context"
	"errors"
	"time"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// Controller errors returned by a ControllerClient; match them with errors.Is.
var (
	// ErrNodeUnauthorized: the controller refused the node credential (401):
	// it was revoked or is invalid, and the agent must be enrolled again.
	ErrNodeUnauthorized = errors.New("node credential revoked or invalid: re-enroll with rakkr-agent enroll")
	// ErrBootstrapRejected: the controller refused the bootstrap token (401).
	ErrBootstrapRejected = errors.New("bootstrap token expired or already used: ask for a new one")
	// ErrEnrollInvalid: the controller refused the enrollment request (400);
	// the token is not consumed.
	ErrEnrollInvalid = errors.New("the controller refused the enrollment request as invalid")
)

// HeartbeatResult is a heartbeat's answer with the controller's clock as
// read from the response's Date header (zero when absent).
type HeartbeatResult struct {
	Response agentapi.HeartbeatResponse
	// ServerDate is the response's Date header.
	ServerDate time.Time
	// Sent and Received bound the exchange on the agent's clock.
	Sent, Received time.Time
}

// ControllerClient is how the agent daemon talks to its controller. Every
// call but Enroll authenticates with the node credential.
type ControllerClient interface {
	// Enroll exchanges a one-time bootstrap token for a node credential.
	Enroll(ctx context.Context, bootstrapToken string, req agentapi.EnrollRequest) (agentapi.EnrollResponse, error)
	// PostInventory reconciles the inventory and returns the interface ids.
	PostInventory(ctx context.Context, inv agentapi.Inventory) (agentapi.InventoryResponse, error)
	// Heartbeat reports the node's runtime facts.
	Heartbeat(ctx context.Context, hb agentapi.Heartbeat) (HeartbeatResult, error)
	// Config fetches the node's configuration.
	Config(ctx context.Context) (agentapi.NodeConfig, error)
	// PostHealthEvents posts a batch of health events.
	PostHealthEvents(ctx context.Context, batch agentapi.HealthEventBatch) (agentapi.HealthEventBatchResponse, error)
	// OpenStream opens the agent's WebSocket stream.
	OpenStream(ctx context.Context) (StreamConn, error)
}

// StreamConn is an open agent stream.
type StreamConn interface {
	// Send writes one message; an error means the connection is unusable.
	Send(ctx context.Context, m agentapi.StreamMessage) error
	// Close closes the connection.
	Close() error
}
