// Package access holds the permission catalog, the built-in roles, resource
// references with their scope hierarchy, access policies and the reasons a
// decision can give. It is pure: the Casbin adapter enforces it.
package access

import (
	"slices"
	"sort"
)

// Permission is one of the 24 catalog permissions, e.g. "node:read".
type Permission string

// The permission catalog (REFERENCE §C).
const (
	AuditRead         Permission = "audit:read"
	AuthManage        Permission = "auth:manage"
	HealthRead        Permission = "health:read"
	HealthAcknowledge Permission = "health:acknowledge"
	ListenMonitor     Permission = "listen:monitor"
	MetricsRead       Permission = "metrics:read"
	NodeRead          Permission = "node:read"
	NodeControl       Permission = "node:control"
	NodeManage        Permission = "node:manage"
	RecordingRead     Permission = "recording:read"
	RecordingCreate   Permission = "recording:create"
	RecordingControl  Permission = "recording:control"
	RecordingEdit     Permission = "recording:edit"
	RecordingPlayback Permission = "recording:playback"
	RecordingDownload Permission = "recording:download"
	RecordingDelete   Permission = "recording:delete"
	ScheduleRead      Permission = "schedule:read"
	ScheduleManage    Permission = "schedule:manage"
	SettingsRead      Permission = "settings:read"
	SettingsManage    Permission = "settings:manage"
	SwitcherRead      Permission = "switcher:read"
	SwitcherMap       Permission = "switcher:map"
	SwitcherManage    Permission = "switcher:manage"
	SystemAdmin       Permission = "system:admin"
)

// AllPermissions lists the catalog in a stable order.
var AllPermissions = []Permission{
	AuditRead, AuthManage, HealthRead, HealthAcknowledge, ListenMonitor, MetricsRead,
	NodeRead, NodeControl, NodeManage, RecordingRead, RecordingCreate, RecordingControl,
	RecordingEdit, RecordingPlayback, RecordingDownload, RecordingDelete, ScheduleRead,
	ScheduleManage, SettingsRead, SettingsManage, SwitcherRead, SwitcherMap, SwitcherManage,
	SystemAdmin,
}

// Valid reports whether p is in the catalog.
func (p Permission) Valid() bool { return slices.Contains(AllPermissions, p) }

// Role is one of the five built-in roles.
type Role string

// The built-in roles.
const (
	RoleOwner    Role = "owner"
	RoleAdmin    Role = "admin"
	RoleOperator Role = "operator"
	RoleViewer   Role = "viewer"
	RoleAuditor  Role = "auditor"
)

// AllRoles lists the roles from most to least privileged.
var AllRoles = []Role{RoleOwner, RoleAdmin, RoleOperator, RoleViewer, RoleAuditor}

// Valid reports whether r is a built-in role.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// Unscoped reports whether holders of r are in scope of every resource
// (owner and admin), subject only to deny policies.
func (r Role) Unscoped() bool { return r == RoleOwner || r == RoleAdmin }

var rolePermissions = map[Role][]Permission{
	RoleOperator: {HealthAcknowledge, HealthRead, ListenMonitor, MetricsRead, NodeControl, NodeRead,
		RecordingControl, RecordingCreate, RecordingDownload, RecordingEdit, RecordingPlayback, RecordingRead,
		ScheduleManage, ScheduleRead, SettingsRead, SwitcherMap, SwitcherRead},
	RoleViewer: {HealthRead, MetricsRead, NodeRead, RecordingDownload, RecordingPlayback, RecordingRead,
		ScheduleRead, SettingsRead, SwitcherRead},
	RoleAuditor: {AuditRead, HealthRead, MetricsRead, RecordingRead},
}

// Permissions returns the permissions the role grants, sorted.
func (r Role) Permissions() []Permission {
	var out []Permission
	switch r {
	case RoleOwner:
		out = slices.Clone(AllPermissions)
	case RoleAdmin:
		for _, p := range AllPermissions {
			if p != SystemAdmin {
				out = append(out, p)
			}
		}
	default:
		out = slices.Clone(rolePermissions[r])
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// RolesGrant reports whether any of roles grants p.
func RolesGrant(roles []Role, p Permission) bool {
	for _, r := range roles {
		if slices.Contains(r.Permissions(), p) {
			return true
		}
	}
	return false
}
