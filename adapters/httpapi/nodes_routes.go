package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/domain/access"
)

// NodesModule serves the operators' node API (node:read, node:manage),
// enrollment and credentials, and GET /api/v1/status.
type NodesModule struct {
	Service *fleet.Service
}

// nodeTarget resolves :id to the node's scope (global when it does not
// exist, so the handler answers 404 to callers holding the permission).
func (m *NodesModule) nodeTarget(c *gin.Context) (access.Ref, error) {
	return m.Service.NodeTarget(RequestContext(c), c.Param("id"))
}

// Routes implements Module.
func (m *NodesModule) Routes() []Route {
	const base = "/api/v1/nodes"
	read := func(r Route) Route {
		r.Access, r.Permission, r.Tag = AccessPermission, access.NodeRead, "nodes"
		return r
	}
	manage := func(r Route) Route {
		r.Access, r.Permission, r.Tag = AccessPermission, access.NodeManage, "nodes"
		return r
	}
	t := m.nodeTarget
	return []Route{
		read(Route{Method: http.MethodGet, Path: base, Action: "nodes.list", Response: []NodeResponse{}, Handler: m.list,
			Summary: "List nodes (filters status (comma-separated), site, roomId, backend, lastSeenBefore, lastSeenAfter, q; limit, offset)"}),
		read(Route{Method: http.MethodGet, Path: base + "/export", Action: "nodes.export", Raw: true, Handler: m.exportQuery,
			Summary: "Export filtered nodes as CSV (formula-injection safe)"}),
		read(Route{Method: http.MethodPost, Path: base + "/export", Action: "nodes.exportSelection", Raw: true,
			Request: NodeExportRequest{}, Handler: m.exportBody, Summary: "Export selected or filtered nodes as CSV"}),
		manage(Route{Method: http.MethodPost, Path: base + "/enroll", Action: "nodes.enroll", Request: NodeEnrollRequest{},
			Response: NodeEnrollResponse{}, Status: http.StatusCreated, Handler: m.enroll,
			Summary: "Create a node awaiting its agent; returns a one-time bootstrap token (shown once)"}),
		read(Route{Method: http.MethodGet, Path: base + "/:id", Action: "nodes.read", Target: t, Response: NodeResponse{},
			Handler: m.get, Summary: "One node with interfaces, channels and derived status"}),
		read(Route{Method: http.MethodGet, Path: base + "/:id/actions", Action: "nodes.actions", Target: t,
			Response: map[string]ActionState{}, Handler: m.actions, Summary: "What the caller may do with a node"}),
		manage(Route{Method: http.MethodPatch, Path: base + "/:id", Action: "nodes.update", Target: t, Request: NodeUpdateRequest{},
			Response: NodeResponse{}, Handler: m.update, Summary: "Edit a node's alias, site, room, notes, tags and capacity"}),
		manage(Route{Method: http.MethodDelete, Path: base + "/:id", Action: "nodes.delete", Target: t,
			Response: NodeDeletedResponse{}, Handler: m.delete, Summary: "Delete a node with its interfaces and credentials"}),
		manage(Route{Method: http.MethodPatch, Path: base + "/:id/interfaces/:iid", Action: "nodes.interfaces.update", Target: t,
			Request: NodeInterfaceUpdateRequest{}, Response: NodeResponse{}, Handler: m.updateInterface,
			Summary: "Rename an audio interface"}),
		manage(Route{Method: http.MethodPut, Path: base + "/:id/channels", Action: "nodes.channels.update", Target: t,
			Request: []NodeChannelUpdate{}, Response: NodeResponse{}, Handler: m.setChannels,
			Summary: "Set channel aliases and rooms ([{interfaceId, index, alias?, roomId?}])"}),
		manage(Route{Method: http.MethodPost, Path: base + "/:id/bootstrap-token", Action: "nodes.bootstrapToken.create", Target: t,
			Request: NodeBootstrapTokenRequest{}, Response: NodeEnrollResponse{}, Status: http.StatusCreated, Handler: m.bootstrapToken,
			Summary: "Mint a new one-time bootstrap token (revokes unused older ones)"}),
		manage(Route{Method: http.MethodPost, Path: base + "/:id/credentials/rotate", Action: "nodes.credentials.rotate", Target: t,
			Response: NodeCredentialResponse{}, Handler: m.rotate,
			Summary: "Replace the node credential; the old token stops working at once (new token shown once)"}),
		manage(Route{Method: http.MethodPost, Path: base + "/:id/credentials/revoke", Action: "nodes.credentials.revoke", Target: t,
			Response: NodeRevokeResponse{}, Handler: m.revoke, Summary: "Revoke the node credential (the agent must re-enroll)"}),
		read(Route{Method: http.MethodGet, Path: "/api/v1/status", Action: "status.read", Response: StatusResponse{},
			Handler: m.status, Summary: "Counters of the caller's nodes by derived status"}),
	}
}

var _ Module = (*NodesModule)(nil)
