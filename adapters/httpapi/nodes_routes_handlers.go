package httpapi

import (
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports"
)

// nodeQueryParams are the filters the list and export accept; anything
// else is refused so a mistyped filter never silently widens the result.
var nodeQueryParams = []string{"status", "site", "roomId", "backend", "lastSeenBefore", "lastSeenAfter", "q"}

func nodeQuery(status, site, roomID, backend, before, after, q string) (fleet.NodeQuery, error) {
	var is errs.Issues
	out := fleet.NodeQuery{Filter: ports.NodeFilter{Site: site, RoomID: roomID, Backend: backend, Query: q}}
	for _, s := range strings.Split(status, ",") {
		if s = strings.TrimSpace(s); s != "" {
			if !node.Status(s).Valid() {
				is.Add("status", "must be one of provisioning, online, offline, degraded, recording, alerting")
				continue
			}
			out.Statuses = append(out.Statuses, node.Status(s))
		}
	}
	var err error
	if out.Filter.LastSeenBefore, err = fleet.ParseTime("lastSeenBefore", before); err != nil {
		is.Add("lastSeenBefore", "must be an RFC 3339 time")
	}
	if out.Filter.LastSeenAfter, err = fleet.ParseTime("lastSeenAfter", after); err != nil {
		is.Add("lastSeenAfter", "must be an RFC 3339 time")
	}
	return out, is.Err()
}

func nodeQueryFrom(c *gin.Context, extra ...string) (fleet.NodeQuery, error) {
	is := unknownQueryParams(c, slices.Concat(nodeQueryParams, extra)...)
	q, err := nodeQuery(c.Query("status"), c.Query("site"), c.Query("roomId"), c.Query("backend"),
		c.Query("lastSeenBefore"), c.Query("lastSeenAfter"), c.Query("q"))
	return q, errs.Merge(is.Err(), err)
}

func (m *NodesModule) list(c *gin.Context) error {
	q, qerr := nodeQueryFrom(c, "limit", "offset")
	p, perr := PageFrom(c)
	if err := errs.Merge(qerr, perr); err != nil {
		return err
	}
	q.Limit, q.Offset = p.Limit, p.Offset
	views, total, err := m.Service.ListNodes(RequestContext(c), q)
	if err != nil {
		return err
	}
	out := make([]NodeResponse, 0, len(views))
	for _, v := range views {
		out = append(out, toNodeResponse(v))
	}
	return List(c, out, len(out), int64(total), p)
}

func (m *NodesModule) exportQuery(c *gin.Context) error {
	q, err := nodeQueryFrom(c)
	if err != nil {
		return err
	}
	return m.export(c, q)
}

func (m *NodesModule) exportBody(c *gin.Context) error {
	var b NodeExportRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	q, err := nodeQuery(b.Status, b.Site, b.RoomID, b.Backend, b.LastSeenBefore, b.LastSeenAfter, b.Q)
	if err != nil {
		return err
	}
	if b.IDs != nil {
		if len(b.IDs) > MaxPageSize {
			return errs.Field("ids", "at most 500 ids")
		}
		q.Filter.IDs = b.IDs
	}
	return m.export(c, q)
}

func (m *NodesModule) export(c *gin.Context, q fleet.NodeQuery) error {
	w := &auditCSVWriter{c: c, contentType: "text/csv; charset=utf-8",
		filename: "nodes-" + time.Now().UTC().Format("20060102T150405Z") + ".csv"}
	_, err := m.Service.ExportCSV(RequestContext(c), w, q)
	return err
}

func (m *NodesModule) enroll(c *gin.Context) error {
	var req NodeEnrollRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	res, err := m.Service.Enroll(RequestContext(c), fleet.EnrollInput{Alias: req.Alias, Site: req.Site, RoomID: req.RoomID,
		Notes: req.Notes, TTLSeconds: req.TTLSeconds})
	if err != nil {
		return err
	}
	return Created(c, NodeEnrollResponse{Node: toNodeResponse(res.Node), BootstrapToken: res.Token, ExpiresAt: res.ExpiresAt})
}

func (m *NodesModule) get(c *gin.Context) error {
	v, err := m.Service.GetNode(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, toNodeResponse(v))
}

func (m *NodesModule) actions(c *gin.Context) error {
	v, err := m.Service.GetNode(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	out, err := Actions(c, access.Ref{Type: access.ResourceNode, ID: v.Node.ID}, map[string]access.Permission{
		"read": access.NodeRead, "export": access.NodeRead, "edit": access.NodeManage, "delete": access.NodeManage,
		"mintBootstrapToken": access.NodeManage, "rotateCredential": access.NodeManage, "revokeCredential": access.NodeManage,
		"listen": access.ListenMonitor})
	if err != nil {
		return err
	}
	return OK(c, out)
}

func (m *NodesModule) update(c *gin.Context) error {
	var req NodeUpdateRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	v, err := m.Service.UpdateNode(RequestContext(c), c.Param("id"), fleet.NodePatch{Alias: req.Alias, Site: req.Site,
		RoomID: req.RoomID, Notes: req.Notes, Tags: req.Tags, MaxConcurrentRecordings: req.MaxConcurrentRecordings})
	if err != nil {
		return err
	}
	return OK(c, toNodeResponse(v))
}

func (m *NodesModule) delete(c *gin.Context) error {
	if err := m.Service.DeleteNode(RequestContext(c), c.Param("id")); err != nil {
		return err
	}
	return OK(c, NodeDeletedResponse{ID: c.Param("id"), Deleted: true})
}

func (m *NodesModule) updateInterface(c *gin.Context) error {
	var req NodeInterfaceUpdateRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	if req.Alias == nil {
		return errs.Field("alias", "is required")
	}
	v, err := m.Service.UpdateInterface(RequestContext(c), c.Param("id"), c.Param("iid"), *req.Alias)
	if err != nil {
		return err
	}
	return OK(c, toNodeResponse(v))
}

func (m *NodesModule) setChannels(c *gin.Context) error {
	var req []NodeChannelUpdate
	if err := Bind(c, &req); err != nil {
		return err
	}
	ups := make([]fleet.ChannelUpdate, 0, len(req))
	for _, u := range req {
		ups = append(ups, fleet.ChannelUpdate{InterfaceID: u.InterfaceID, Index: u.Index, Alias: u.Alias, RoomID: u.RoomID})
	}
	v, err := m.Service.SetChannels(RequestContext(c), c.Param("id"), ups)
	if err != nil {
		return err
	}
	return OK(c, toNodeResponse(v))
}

func (m *NodesModule) bootstrapToken(c *gin.Context) error {
	var req NodeBootstrapTokenRequest
	if c.Request.ContentLength != 0 {
		if err := Bind(c, &req); err != nil {
			return err
		}
	}
	res, err := m.Service.MintBootstrapToken(RequestContext(c), c.Param("id"), req.TTLSeconds)
	if err != nil {
		return err
	}
	return Created(c, NodeEnrollResponse{Node: toNodeResponse(res.Node), BootstrapToken: res.Token, ExpiresAt: res.ExpiresAt})
}

func (m *NodesModule) rotate(c *gin.Context) error {
	res, err := m.Service.RotateCredential(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, NodeCredentialResponse{NodeID: res.NodeID, CredentialID: res.CredentialID, NodeToken: res.Token,
		Prefix: res.Prefix, IssuedAt: res.IssuedAt})
}

func (m *NodesModule) revoke(c *gin.Context) error {
	n, err := m.Service.RevokeCredential(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, NodeRevokeResponse{NodeID: c.Param("id"), Revoked: n})
}

func (m *NodesModule) status(c *gin.Context) error {
	counts, total, err := m.Service.StatusCounts(RequestContext(c))
	if err != nil {
		return err
	}
	out := StatusNodesBody{Total: total, ByStatus: map[string]int{}}
	for st, n := range counts {
		out.ByStatus[string(st)] = n
		if st.Reachable() {
			out.Reachable += n
		}
	}
	return OK(c, StatusResponse{Nodes: out})
}
