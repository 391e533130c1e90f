package access

import (
	"strings"

	"github.com/rakkr/rakkr/domain/errs"
)

// Effect is allow or deny.
type Effect string

// The policy effects. Deny wins over every allow, even an owner's.
const (
	Allow Effect = "allow"
	Deny  Effect = "deny"
)

// SubjectType is who a policy speaks about.
type SubjectType string

// The subject types of an access policy.
const (
	SubjectUser     SubjectType = "user"
	SubjectGroup    SubjectType = "group"
	SubjectEveryone SubjectType = "everyone"
)

// Policy grants (allow) or removes (deny) a subject's scope over a resource
// and everything beneath it.
type Policy struct {
	Effect      Effect
	SubjectType SubjectType
	SubjectID   string
	Resource    Ref
	Reason      string
}

// Validate checks the policy's fields and names the first bad one.
func (p Policy) Validate() error {
	var is errs.Issues
	if p.Effect != Allow && p.Effect != Deny {
		is.Add("effect", "must be allow or deny")
	}
	switch p.SubjectType {
	case SubjectUser, SubjectGroup:
		if strings.TrimSpace(p.SubjectID) == "" {
			is.Add("subjectId", "is required for user and group subjects")
		}
	case SubjectEveryone:
	default:
		is.Add("subjectType", "must be user, group or everyone")
	}
	if err := p.Resource.ValidateScope(); err != nil {
		is.Add("resource", err.(*errs.Error).Message)
	}
	if len(p.Reason) > 500 {
		is.Add("reason", "must be at most 500 characters")
	}
	return is.Err()
}

// SubjectKey is the Casbin subject: "user:<id>", "group:<id>" or "everyone".
func (p Policy) SubjectKey() string {
	if p.SubjectType == SubjectEveryone {
		return "everyone"
	}
	return string(p.SubjectType) + ":" + p.SubjectID
}

// Grant gives one user scope over a resource (type and id, "*" wildcards).
type Grant struct {
	Resource Ref
}

// Reason is why a decision went the way it did; it is written to the audit log.
type Reason string

// The decision reasons.
const (
	ReasonGranted         Reason = "granted"
	ReasonUnauthenticated Reason = "unauthenticated"
	ReasonMissingPerm     Reason = "missing_permission"
	ReasonMissingScope    Reason = "missing_resource_scope"
	ReasonPolicyDenied    Reason = "access_policy_denied"
)

// Decision is the authorizer's answer for one subject, permission and target.
type Decision struct {
	Allowed    bool
	Reason     Reason
	Permission Permission
	Target     Ref
}
