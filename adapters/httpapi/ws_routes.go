package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/adapters/ws"
	"github.com/rakkr/rakkr/domain/access"
)

// WSModule serves the sockets: the console's live socket with its ticket
// route, and the agents' meter stream (agentapi.PathStream).
type WSModule struct {
	Hub *ws.Hub
}

// WSTicketResponse is a single-use ticket for ?ticket= on GET /api/v1/ws.
type WSTicketResponse = ws.Ticket

// Routes implements Module.
func (m *WSModule) Routes() []Route {
	return []Route{
		{
			Method: http.MethodGet, Path: "/api/v1/ws", Tag: "realtime", Access: AccessCustom,
			Summary: "Console WebSocket (bearer as subprotocol \"bearer.<token>\" next to \"rakkr.v1\", or ?ticket=); " +
				"topics meters:<nodeId>, nodes, health, jobs, recordings",
			Action: "ws.connect", Raw: true, Handler: m.console,
		},
		{
			Method: http.MethodPost, Path: "/api/v1/ws/ticket", Tag: "realtime", Access: AccessAuthenticated,
			Summary: "Single-use 30 s ticket for opening the console WebSocket",
			Action:  "ws.ticket.create", Response: WSTicketResponse{}, Status: http.StatusCreated, Handler: m.ticket,
		},
		{
			Method: http.MethodGet, Path: "/api/v1/nodes/:id/stream", Tag: "agent", Access: AccessNode,
			Summary:    "Agent WebSocket stream of meter frames: JSON agentapi.StreamMessage, or binary (agentapi.AppendMeterBinary) with subprotocol rakkr.meter.bin.v1; at most 64 KiB each",
			Permission: access.NodeControl, Action: "nodes.stream", Raw: true, Handler: m.agent,
		},
	}
}

func (m *WSModule) console(c *gin.Context) error {
	return m.Hub.ServeConsole(c.Writer, c.Request)
}

func (m *WSModule) ticket(c *gin.Context) error {
	t, err := m.Hub.IssueTicket(BearerToken(c.Request))
	if err != nil {
		return err
	}
	return Created(c, t)
}

func (m *WSModule) agent(c *gin.Context) error {
	return m.Hub.ServeAgent(c.Writer, c.Request, c.Param("id"))
}
