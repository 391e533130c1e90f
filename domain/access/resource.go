package access

import (
	"strings"

	"github.com/rakkr/rakkr/domain/errs"
)

// ResourceType names a kind of resource that can be a scope target.
type ResourceType string

// The resource types, from the widest scope to the narrowest
// (global → site → room → node → interface → channel → schedule → recording),
// plus the non-hierarchical types that permissions are checked against.
const (
	ResourceGlobal    ResourceType = "*"
	ResourceSite      ResourceType = "site"
	ResourceRoom      ResourceType = "room"
	ResourceNode      ResourceType = "node"
	ResourceInterface ResourceType = "interface"
	ResourceChannel   ResourceType = "channel"
	ResourceSchedule  ResourceType = "schedule"
	ResourceRecording ResourceType = "recording"
	ResourceJob       ResourceType = "job"
	ResourceHealth    ResourceType = "health_event"
	ResourceUser      ResourceType = "user"
	ResourceGroup     ResourceType = "group"
	ResourcePolicy    ResourceType = "access_policy"
	ResourceToken     ResourceType = "api_token"
	ResourceAudit     ResourceType = "audit_event"
	ResourceSettings  ResourceType = "settings"
)

// ScopeTypes are the resource types a grant or policy may name.
var ScopeTypes = []ResourceType{ResourceGlobal, ResourceSite, ResourceRoom, ResourceNode,
	ResourceInterface, ResourceChannel, ResourceSchedule, ResourceRecording}

// Ref identifies one resource, or with ID "*" every resource of a type.
// The zero Ref (or Type "*") is the global scope: collection routes use it.
type Ref struct {
	Type ResourceType
	ID   string
}

// Global is the scope of collection routes and of owner/admin.
var Global = Ref{Type: ResourceGlobal, ID: "*"}

// IsGlobal reports whether r is the global scope.
func (r Ref) IsGlobal() bool { return r.Type == "" || r.Type == ResourceGlobal }

// Key is the canonical string form "type:id" ("*" for global); the Casbin
// adapter stores and matches these keys.
func (r Ref) Key() string {
	if r.IsGlobal() {
		return "*"
	}
	return string(r.Type) + ":" + r.ID
}

// TypeRoot is the key every resource of r's type links to, so that a
// wildcard grant "node:*" covers every node and everything below one.
func (r Ref) TypeRoot() string { return string(r.Type) + ":*" }

// ParseRef parses "type:id" or "*"; the type must be a scope type.
func ParseRef(s string) (Ref, error) {
	if s == "*" || s == "*:*" {
		return Global, nil
	}
	t, id, ok := strings.Cut(s, ":")
	if !ok || id == "" {
		return Ref{}, errs.Field("resource", "must be \"type:id\" or \"*\"")
	}
	ref := Ref{Type: ResourceType(t), ID: id}
	return ref, ref.ValidateScope()
}

// ValidateScope checks that r names a scope type and a usable id.
func (r Ref) ValidateScope() error {
	if r.IsGlobal() {
		return nil
	}
	valid := false
	for _, t := range ScopeTypes {
		if t == r.Type {
			valid = true
		}
	}
	if !valid {
		return errs.Field("resourceType", "must be one of site, room, node, interface, channel, schedule, recording or *")
	}
	if r.ID == "" || len(r.ID) > 200 || strings.ContainsAny(r.ID, ", \t\n") {
		return errs.Field("resourceId", "must be 1-200 characters without spaces or commas, or \"*\"")
	}
	return nil
}
