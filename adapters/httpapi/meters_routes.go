package httpapi

import (
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// MetersModule serves the latest meter frames of a node from memory
// (GET /api/v1/nodes/:id/meters, node:read), levels filtered to the
// channels the caller may read.
type MetersModule struct {
	Meters     *meters.Service
	Authorizer ports.Authorizer
	// Nodes resolves the scope of :id (optional). Without it a node that
	// never sent a frame is checked on the global scope and any other on
	// node:<id>.
	Nodes ports.NodeTargets
}

// MeterFrameResponse is a stored frame with its freshness: a stale frame
// (older than 3 s) must never be shown as live.
type MeterFrameResponse struct {
	agentapi.MeterFrame
	Stale      bool      `json:"stale"`
	AgeSeconds float64   `json:"ageSeconds"`
	ReceivedAt time.Time `json:"receivedAt"`
}

// NodeMetersResponse is the latest frame of each of a node's interfaces.
type NodeMetersResponse struct {
	NodeID string               `json:"nodeId"`
	Frames []MeterFrameResponse `json:"frames"`
}

// Routes implements Module.
func (m *MetersModule) Routes() []Route {
	return []Route{{
		Method: http.MethodGet, Path: "/api/v1/nodes/:id/meters", Tag: "meters",
		Summary:    "Latest meter frame of each interface of a node, with stale flags",
		Permission: access.NodeRead, Action: "nodes.meters.read",
		Target:   m.target,
		Response: NodeMetersResponse{}, Handler: m.latest,
	}}
}

func (m *MetersModule) target(c *gin.Context) (access.Ref, error) {
	id := c.Param("id")
	if m.Nodes != nil {
		return m.Nodes.NodeTarget(RequestContext(c), id)
	}
	if len(m.Meters.Latest(id)) == 0 {
		return access.Global, nil
	}
	return meters.NodeRef(id), nil
}

func (m *MetersModule) latest(c *gin.Context) error {
	id := c.Param("id")
	readings := m.Meters.Latest(id)
	if len(readings) == 0 {
		return errs.NotFound("node.metersNotFound", "this node has not sent any meter frame")
	}
	p, _ := PrincipalOf(c)
	f := meters.NewFilter(m.Authorizer, p, time.Minute, nil)
	out := NodeMetersResponse{NodeID: id, Frames: make([]MeterFrameResponse, 0, len(readings))}
	for _, r := range readings {
		fr, ok := f.Frame(RequestContext(c), r.Frame)
		if !ok {
			continue
		}
		out.Frames = append(out.Frames, MeterFrameResponse{MeterFrame: fr, Stale: r.Stale,
			AgeSeconds: math.Round(r.Age.Seconds()*1000) / 1000, ReceivedAt: r.ReceivedAt.UTC()})
	}
	return OK(c, out)
}
