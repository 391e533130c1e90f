package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	accessapp "github.com/rakkr/rakkr/application/access"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
)

// AccessModule serves the access policies (auth:manage), the permission
// catalog and what the caller may do (any authenticated user).
type AccessModule struct {
	Service *accessapp.Service
}

// AccessPolicyBody is one access policy. subjectId is empty for
// everyone; resourceType "*" (with resourceId "*") is the global scope,
// resourceId "*" every resource of the type.
type AccessPolicyBody struct {
	Effect       string `json:"effect"`
	SubjectType  string `json:"subjectType"`
	SubjectID    string `json:"subjectId,omitempty"`
	ResourceType string `json:"resourceType"`
	ResourceID   string `json:"resourceId"`
	Reason       string `json:"reason,omitempty"`
}

// AccessPoliciesBody is the whole policy set: the PUT body (which
// replaces every policy; an empty list removes them all) and the answer
// of GET and PUT.
type AccessPoliciesBody struct {
	Policies []AccessPolicyBody `json:"policies"`
}

// AccessRoleBody is one built-in role and its permissions.
type AccessRoleBody struct {
	Name        string   `json:"name"`
	Permissions []string `json:"permissions"`
}

// AccessCatalogResponse lists every permission and every role with its
// permissions, most privileged role first.
type AccessCatalogResponse struct {
	Permissions []string         `json:"permissions"`
	Roles       []AccessRoleBody `json:"roles"`
}

// Routes implements Module.
func (m *AccessModule) Routes() []Route {
	const base = "/api/v1/auth"
	return []Route{
		{Method: http.MethodGet, Path: base + "/access-policies", Tag: "auth", Access: AccessPermission, Permission: access.AuthManage,
			Action: "auth.policies.list", Summary: "List the access policies in order",
			Response: AccessPoliciesBody{}, Handler: m.list},
		{Method: http.MethodPut, Path: base + "/access-policies", Tag: "auth", Access: AccessPermission, Permission: access.AuthManage,
			Action: accessapp.ActionReplace, Summary: "Replace every access policy (deny wins over every allow, even an owner's)",
			Request: AccessPoliciesBody{}, Response: AccessPoliciesBody{}, Handler: m.replace},
		{Method: http.MethodGet, Path: base + "/catalog", Tag: "auth", Access: AccessAuthenticated,
			Summary:  "The permission catalog and the built-in roles with their permissions",
			Response: AccessCatalogResponse{}, Handler: m.catalog},
		{Method: http.MethodGet, Path: base + "/actions", Tag: "auth", Access: AccessAuthenticated,
			Summary:  "Whether the caller holds each catalog permission at the global scope, and if not why",
			Response: map[string]ActionState{}, Handler: m.actions},
	}
}

func (m *AccessModule) list(c *gin.Context) error {
	ps, err := m.Service.ListPolicies(RequestContext(c))
	if err != nil {
		return err
	}
	return OK(c, toPoliciesBody(ps))
}

func (m *AccessModule) replace(c *gin.Context) error {
	var body AccessPoliciesBody
	if err := Bind(c, &body); err != nil {
		return err
	}
	if body.Policies == nil {
		return errs.Field("policies", "is required (an empty list removes every policy)")
	}
	in := make([]access.Policy, 0, len(body.Policies))
	for _, p := range body.Policies {
		in = append(in, fromPolicyBody(p))
	}
	out, err := m.Service.ReplacePolicies(RequestContext(c), in)
	if err != nil {
		return err
	}
	return OK(c, toPoliciesBody(out))
}

func (m *AccessModule) catalog(c *gin.Context) error {
	cat := m.Service.Catalog()
	out := AccessCatalogResponse{Permissions: permissionNames(cat.Permissions), Roles: []AccessRoleBody{}}
	for _, r := range cat.Roles {
		out.Roles = append(out.Roles, AccessRoleBody{Name: string(r.Role), Permissions: permissionNames(r.Permissions)})
	}
	return OK(c, out)
}

func (m *AccessModule) actions(c *gin.Context) error {
	perms := make(map[string]access.Permission, len(access.AllPermissions))
	for _, p := range access.AllPermissions {
		perms[string(p)] = p
	}
	states, err := Actions(c, access.Global, perms)
	if err != nil {
		return err
	}
	return OK(c, states)
}

// fromPolicyBody converts a request policy; validation is the use case's.
func fromPolicyBody(b AccessPolicyBody) access.Policy {
	return access.Policy{
		Effect: access.Effect(b.Effect), SubjectType: access.SubjectType(b.SubjectType), SubjectID: b.SubjectID,
		Resource: access.Ref{Type: access.ResourceType(b.ResourceType), ID: b.ResourceID}, Reason: b.Reason,
	}
}

// toPoliciesBody converts a policy set for a response.
func toPoliciesBody(ps []access.Policy) AccessPoliciesBody {
	out := AccessPoliciesBody{Policies: make([]AccessPolicyBody, 0, len(ps))}
	for _, p := range ps {
		r := p.Resource
		if r.IsGlobal() {
			r = access.Global
		}
		out.Policies = append(out.Policies, AccessPolicyBody{
			Effect: string(p.Effect), SubjectType: string(p.SubjectType), SubjectID: p.SubjectID,
			ResourceType: string(r.Type), ResourceID: r.ID, Reason: p.Reason,
		})
	}
	return out
}

func permissionNames(ps []access.Permission) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, string(p))
	}
	return out
}
