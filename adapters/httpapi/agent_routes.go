package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// AgentModule serves the agent protocol routes of the fleet: the bootstrap
// exchange (bootstrap token), and heartbeat, inventory and config (node
// token of the node in the path; the chain checks it).
type AgentModule struct {
	Service *fleet.Service
}

// agentPath turns an agentapi path ("/api/v1/nodes/%s/heartbeat") into a
// Gin path with :id.
func agentPath(p string) string { return strings.Replace(p, "%s", ":id", 1) }

// Routes implements Module.
func (m *AgentModule) Routes() []Route {
	node := func(r Route) Route {
		r.Access, r.Permission, r.Tag = AccessNode, access.NodeControl, "agent"
		return r
	}
	return []Route{
		// The exchange validates the body before it looks at the token (a
		// bad body never burns it) and audits refusals itself.
		{Method: http.MethodPost, Path: agentapi.PathEnroll, Access: AccessCustom, Tag: "agent", Action: "agent.enroll",
			Summary: "Exchange a bootstrap token (bearer) for the node credential, with the agent's runtime and inventory",
			Request: agentapi.EnrollRequest{}, Response: agentapi.EnrollResponse{}, Status: http.StatusCreated, Handler: m.enroll},
		node(Route{Method: http.MethodPost, Path: agentPath(agentapi.PathHeartbeat), Action: "nodes.heartbeat",
			Summary: "Agent heartbeat (runtime facts, capturing); the Date header carries the controller clock",
			Request: agentapi.Heartbeat{}, Response: agentapi.HeartbeatResponse{}, Handler: m.heartbeat}),
		node(Route{Method: http.MethodPost, Path: agentPath(agentapi.PathInventory), Action: "nodes.inventory",
			Summary: "Reconcile the agent's inventory (interfaces matched on systemRef; missing ones marked absent)",
			Request: agentapi.Inventory{}, Response: agentapi.InventoryResponse{}, Handler: m.inventory}),
		node(Route{Method: http.MethodGet, Path: agentPath(agentapi.PathConfig), Action: "nodes.config",
			Summary: "The agent's configuration", Response: agentapi.NodeConfig{}, Handler: m.config}),
	}
}

func (m *AgentModule) enroll(c *gin.Context) error {
	var req agentapi.EnrollRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	res, err := m.Service.ExchangeBootstrap(RequestContext(c), BearerToken(c.Request), req)
	if err != nil {
		return err
	}
	return Created(c, res)
}

func (m *AgentModule) heartbeat(c *gin.Context) error {
	var req agentapi.Heartbeat
	if err := Bind(c, &req); err != nil {
		return err
	}
	res, err := m.Service.Heartbeat(RequestContext(c), c.Param("id"), req)
	if err != nil {
		return err
	}
	return OK(c, res)
}

func (m *AgentModule) inventory(c *gin.Context) error {
	var req agentapi.Inventory
	if err := Bind(c, &req); err != nil {
		return err
	}
	res, err := m.Service.ReconcileInventory(RequestContext(c), c.Param("id"), req)
	if err != nil {
		return err
	}
	return OK(c, res)
}

func (m *AgentModule) config(c *gin.Context) error {
	res, err := m.Service.Config(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, res)
}

var _ Module = (*AgentModule)(nil)
