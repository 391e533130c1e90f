package ports

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
)

// Authenticator turns a bearer credential into a principal.
type Authenticator interface {
	// Authenticate resolves a session or API token; it returns an
	// errs.KindUnauthorized error for a missing, unknown, expired or revoked
	// credential, and errs.KindUnavailable when the store is down.
	Authenticate(ctx context.Context, bearer string) (access.Principal, error)
}

// DigestAuthenticator is implemented by an Authenticator that can resolve a
// credential from a digest of it (the edge's media tickets keep the digest,
// never the bearer, and re-authenticate with it on every use).
type DigestAuthenticator interface {
	// CredentialDigest returns a reference to bearer that is not itself a
	// usable bearer.
	CredentialDigest(bearer string) string
	// AuthenticateDigest resolves a digest as Authenticate resolves the
	// bearer: errs.KindUnauthorized once the credential no longer works.
	AuthenticateDigest(ctx context.Context, digest string) (access.Principal, error)
}

// Authorizer decides whether a principal may use a permission on a target.
type Authorizer interface {
	// Decide answers with the reason; an error means no decision could be made
	// (the caller fails closed).
	Decide(ctx context.Context, p access.Principal, perm access.Permission, target access.Ref) (access.Decision, error)
}

// AuthorizationVersion is implemented by authorizers that can tell when
// their rules change (casbinauthz): a decision made at one version stays
// true until Version returns another value, so callers that decide the
// same thing many times a second (the live meter filter) can keep it.
type AuthorizationVersion interface {
	// Version changes whenever any decision could change.
	Version() uint64
}

// AuditRecorder appends audit rows, taking actor and correlation ids from ctx.
// Inside Transactor.InTx the row commits with the work it describes.
type AuditRecorder interface {
	// Record appends e to the tamper-evident chain. An error means the row was
	// not written, and the caller must not go on with the action.
	Record(ctx context.Context, e audit.Event) error
}

// NodeAuthenticator turns a node credential into a node principal
// (Kind access.PrincipalNode, ID = node id).
type NodeAuthenticator interface {
	// AuthenticateNode resolves a node token; unknown or revoked tokens are
	// errs.KindUnauthorized, a down store errs.KindUnavailable.
	AuthenticateNode(ctx context.Context, bearer string) (access.Principal, error)
}
