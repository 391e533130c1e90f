package httpapi

import (
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
)

// AuditModule serves the audit trail: list with filters, facets, detail,
// CSV export and chain verification, all under audit:read.
type AuditModule struct {
	Service *auditing.Service
}

// AuditActorBody is who acted.
type AuditActorBody struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Type  string   `json:"type"`
	Roles []string `json:"roles"`
}

// AuditActorContextBody is where the actor acted from.
type AuditActorContextBody struct {
	IPAddress string `json:"ipAddress"`
	SessionID string `json:"sessionId"`
	UserAgent string `json:"userAgent"`
}

// AuditTargetBody is what the action was on.
type AuditTargetBody struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AuditEventResponse is one audit row as the API shows it.
type AuditEventResponse struct {
	ID             string                `json:"id"`
	Seq            int64                 `json:"seq"`
	CreatedAt      time.Time             `json:"createdAt"`
	Action         string                `json:"action"`
	Outcome        string                `json:"outcome"`
	Permission     string                `json:"permission"`
	Actor          AuditActorBody        `json:"actor"`
	ActorContext   AuditActorContextBody `json:"actorContext"`
	Target         AuditTargetBody       `json:"target"`
	Before         any                   `json:"before"`
	After          any                   `json:"after"`
	Details        map[string]any        `json:"details"`
	CorrelationIDs map[string]string     `json:"correlationIds"`
	Reason         string                `json:"reason"`
	PrevHash       string                `json:"prevHash"`
	Hash           string                `json:"hash"`
}

// AuditFacetCount is how many matching events have one value.
type AuditFacetCount struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"`
	Count int64  `json:"count"`
}

// AuditFacetsResponse counts the matching events per field value.
type AuditFacetsResponse struct {
	Actions     []AuditFacetCount `json:"actions"`
	Outcomes    []AuditFacetCount `json:"outcomes"`
	Actors      []AuditFacetCount `json:"actors"`
	Permissions []AuditFacetCount `json:"permissions"`
	TargetTypes []AuditFacetCount `json:"targetTypes"`
}

// AuditVerifyResponse is the result of verifying the hash chain; the
// firstBroken fields and problem are null when ok.
type AuditVerifyResponse struct {
	OK             bool    `json:"ok"`
	Checked        int64   `json:"checked"`
	FirstBrokenID  *string `json:"firstBrokenId"`
	FirstBrokenSeq *int64  `json:"firstBrokenSeq"`
	Problem        *string `json:"problem"`
}

// AuditExportRequest selects what POST …/export writes: ids (at most 500),
// or the list filters (times RFC 3339). An empty object exports everything.
type AuditExportRequest struct {
	IDs        []string `json:"ids,omitempty"`
	Actor      string   `json:"actor,omitempty"`
	Action     string   `json:"action,omitempty"`
	Permission string   `json:"permission,omitempty"`
	TargetType string   `json:"targetType,omitempty"`
	TargetID   string   `json:"targetId,omitempty"`
	Outcome    string   `json:"outcome,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	From       string   `json:"from,omitempty"`
	To         string   `json:"to,omitempty"`
	Q          string   `json:"q,omitempty"`
}

// Routes implements Module.
func (m *AuditModule) Routes() []Route {
	const base = "/api/v1/audit-events"
	r := func(method, path, action, summary string, h func(*gin.Context) error) Route {
		return Route{Method: method, Path: path, Tag: "audit", Summary: summary, Access: AccessPermission,
			Permission: access.AuditRead, Action: action, Handler: h}
	}
	list := r(http.MethodGet, base, "audit.events.list", "List audit events, newest first", m.list)
	list.Response = []AuditEventResponse{}
	facets := r(http.MethodGet, base+"/facets", "audit.events.facets", "Count audit events by action, outcome, actor, permission and target type", m.facets)
	facets.Response = AuditFacetsResponse{}
	verify := r(http.MethodGet, base+"/verify", "audit.events.verify", "Verify the audit hash chain and name the first broken row", m.verify)
	verify.Response = AuditVerifyResponse{}
	exportGet := r(http.MethodGet, base+"/export", "audit.events.export", "Export filtered audit events as CSV", m.exportQuery)
	exportGet.Raw = true
	exportPost := r(http.MethodPost, base+"/export", "audit.events.exportSelection", "Export selected or filtered audit events as CSV", m.exportBody)
	exportPost.Raw, exportPost.Request = true, AuditExportRequest{}
	get := r(http.MethodGet, base+"/:id", "audit.events.get", "One audit event", m.get)
	get.Response = AuditEventResponse{}
	actions := r(http.MethodGet, base+"/:id/actions", "audit.events.actions", "What the caller may do with an audit event", m.actions)
	actions.Response = map[string]ActionState{}
	return []Route{list, facets, verify, exportGet, exportPost, get, actions}
}

// auditQueryParams are the query parameters the audit list, facets and
// export accept; anything else is refused so a mistyped filter never
// silently widens the result.
var auditQueryParams = []string{"actor", "action", "permission", "targetType", "targetId", "outcome", "reason", "from", "to", "q"}

func auditFilterFromQuery(c *gin.Context, extra ...string) (audit.Filter, error) {
	is := unknownQueryParams(c, slices.Concat(auditQueryParams, extra)...)
	f, err := auditing.FilterParams{Actor: c.Query("actor"), Action: c.Query("action"), Permission: c.Query("permission"),
		TargetType: c.Query("targetType"), TargetID: c.Query("targetId"), Outcome: c.Query("outcome"),
		Reason: c.Query("reason"), From: c.Query("from"), To: c.Query("to"), Q: c.Query("q")}.Filter()
	return f, errs.Merge(is.Err(), err)
}

func (m *AuditModule) list(c *gin.Context) error {
	f, ferr := auditFilterFromQuery(c, "limit", "offset")
	p, perr := PageFrom(c)
	if err := errs.Merge(ferr, perr); err != nil {
		return err
	}
	page, err := m.Service.List(RequestContext(c), f, p.Limit, p.Offset)
	if err != nil {
		return err
	}
	out := make([]AuditEventResponse, 0, len(page.Events))
	for _, e := range page.Events {
		out = append(out, toAuditEventResponse(e))
	}
	return List(c, out, len(out), page.Total, p)
}

func (m *AuditModule) facets(c *gin.Context) error {
	f, err := auditFilterFromQuery(c)
	if err != nil {
		return err
	}
	fc, err := m.Service.Facets(RequestContext(c), f)
	if err != nil {
		return err
	}
	conv := func(in []audit.FacetCount) []AuditFacetCount {
		out := make([]AuditFacetCount, 0, len(in))
		for _, v := range in {
			out = append(out, AuditFacetCount{Value: v.Value, Label: v.Label, Count: v.Count})
		}
		return out
	}
	return OK(c, AuditFacetsResponse{Actions: conv(fc.Actions), Outcomes: conv(fc.Outcomes), Actors: conv(fc.Actors),
		Permissions: conv(fc.Permissions), TargetTypes: conv(fc.TargetTypes)})
}

func (m *AuditModule) verify(c *gin.Context) error {
	v, err := m.Service.Verify(RequestContext(c))
	if err != nil {
		return err
	}
	out := AuditVerifyResponse{OK: v.OK, Checked: v.Checked}
	if !v.OK {
		out.Problem = &v.Problem
		if v.FirstBrokenID != "" {
			out.FirstBrokenID = &v.FirstBrokenID
		}
		if v.FirstBrokenSeq != 0 {
			out.FirstBrokenSeq = &v.FirstBrokenSeq
		}
	}
	return OK(c, out)
}

func (m *AuditModule) get(c *gin.Context) error {
	e, err := m.Service.Get(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, toAuditEventResponse(e))
}

func (m *AuditModule) actions(c *gin.Context) error {
	if _, err := m.Service.Get(RequestContext(c), c.Param("id")); err != nil {
		return err
	}
	out, err := Actions(c, access.Global, map[string]access.Permission{
		"read": access.AuditRead, "export": access.AuditRead, "verify": access.AuditRead})
	if err != nil {
		return err
	}
	return OK(c, out)
}

func (m *AuditModule) exportQuery(c *gin.Context) error {
	f, err := auditFilterFromQuery(c)
	if err != nil {
		return err
	}
	return m.export(c, f)
}

func (m *AuditModule) exportBody(c *gin.Context) error {
	var b AuditExportRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	f, err := auditing.FilterParams{IDs: b.IDs, Actor: b.Actor, Action: b.Action, Permission: b.Permission,
		TargetType: b.TargetType, TargetID: b.TargetID, Outcome: b.Outcome, Reason: b.Reason, From: b.From, To: b.To, Q: b.Q}.Filter()
	if err != nil {
		return err
	}
	return m.export(c, f)
}

func (m *AuditModule) export(c *gin.Context, f audit.Filter) error {
	w := &auditCSVWriter{c: c, contentType: "text/csv; charset=utf-8",
		filename: "audit-events-" + time.Now().UTC().Format("20060102T150405Z") + ".csv"}
	_, err := m.Service.ExportCSV(RequestContext(c), w, f)
	return err
}

// auditCSVWriter sets the download headers on its first write, so an
// error before any data still gets the JSON error envelope.
type auditCSVWriter struct {
	c                     *gin.Context
	contentType, filename string
	started               bool
}

// Write sends p, setting the download headers first.
func (w *auditCSVWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		h := w.c.Writer.Header()
		h.Set("Content-Type", w.contentType)
		h.Set("Content-Disposition", `attachment; filename="`+w.filename+`"`)
		w.c.Status(http.StatusOK)
	}
	return w.c.Writer.Write(p)
}

func toAuditEventResponse(e audit.Event) AuditEventResponse {
	roles := e.Actor.Roles
	if roles == nil {
		roles = []string{}
	}
	return AuditEventResponse{ID: e.ID, Seq: e.Seq, CreatedAt: e.CreatedAt.UTC(), Action: e.Action, Outcome: string(e.Outcome),
		Permission: e.Permission,
		Actor:      AuditActorBody{ID: e.Actor.ID, Name: e.Actor.Name, Type: string(e.Actor.Type), Roles: roles},
		ActorContext: AuditActorContextBody{IPAddress: e.ActorContext.IPAddress, SessionID: e.ActorContext.SessionID,
			UserAgent: e.ActorContext.UserAgent},
		Target: AuditTargetBody{Type: e.Target.Type, ID: e.Target.ID, Name: e.Target.Name},
		Before: e.Before, After: e.After, Details: e.Details, CorrelationIDs: e.CorrelationIDs, Reason: e.Reason,
		PrevHash: e.PrevHash, Hash: e.Hash}
}
