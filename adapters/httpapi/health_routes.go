package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	healthapp "github.com/rakkr/rakkr/application/health"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// HealthModule serves health events: the agent ingest route (node
// credential) and the user API — list with a status summary, detail,
// actions, CSV export (health:read), manual events and the lifecycle
// (health:acknowledge).
type HealthModule struct {
	Service *healthapp.Service
}

// Routes implements Module.
func (m *HealthModule) Routes() []Route {
	const base = "/api/v1/health-events"
	r := func(method, path string, perm access.Permission, action, summary string, h func(*gin.Context) error) Route {
		return Route{Method: method, Path: path, Tag: "health", Summary: summary, Access: AccessPermission,
			Permission: perm, Action: action, Handler: h}
	}
	read, ack := access.HealthRead, access.HealthAcknowledge
	ingest := Route{Method: http.MethodPost, Path: fmt.Sprintf(agentapi.PathHealthEvents, ":id"), Tag: "agent",
		Summary: "Agent: post a batch of health events (idempotent by id; recoveries resolve what they answer)",
		Access:  AccessNode, Permission: ack, Action: "health.events.ingest", Handler: m.ingest,
		Request: agentapi.HealthEventBatch{}, Response: agentapi.HealthEventBatchResponse{}}
	list := r(http.MethodGet, base, read, "health.events.list", "List health events with a status summary", m.list)
	list.Response = []HealthEventResponse{}
	create := r(http.MethodPost, base, ack, "health.events.create", "Raise a manual controller.* health event", m.create)
	create.Request, create.Response, create.Status = HealthCreateRequest{}, HealthEventResponse{}, http.StatusCreated
	exportGet := r(http.MethodGet, base+"/export", read, "health.events.export", "Export filtered health events as CSV", m.exportQuery)
	exportGet.Raw = true
	exportPost := r(http.MethodPost, base+"/export", read, "health.events.exportSelection", "Export selected or filtered health events as CSV", m.exportBody)
	exportPost.Raw, exportPost.Request = true, HealthExportRequest{}
	bulk := r(http.MethodPost, base+"/bulk-lifecycle", ack, "health.events.bulkLifecycle", "Apply one lifecycle action to up to 200 events, all or nothing", m.bulk)
	bulk.Request, bulk.Response = HealthBulkRequest{}, HealthBulkResponse{}
	get := r(http.MethodGet, base+"/:id", read, "health.events.get", "One health event", m.get)
	get.Response = HealthEventResponse{}
	actions := r(http.MethodGet, base+"/:id/actions", read, "health.events.actions", "What the caller may do with a health event", m.actions)
	actions.Response = map[string]ActionState{}
	routes := []Route{ingest, list, create, exportGet, exportPost, bulk, get, actions}
	for _, a := range []healthapp.Action{healthapp.ActionAcknowledge, healthapp.ActionSuppress, healthapp.ActionResolve, healthapp.ActionReopen} {
		lr := r(http.MethodPost, base+"/:id/"+string(a), ack, "health.events."+string(a), lifecycleSummary[a], m.lifecycle(a))
		lr.Request, lr.Response = HealthLifecycleRequest{}, HealthEventResponse{}
		if a == healthapp.ActionSuppress {
			lr.Request = HealthSuppressRequest{}
		}
		routes = append(routes, lr)
	}
	for i := range routes {
		if routes[i].Access == AccessPermission && strings.HasPrefix(routes[i].Path, base+"/:id") {
			routes[i].Target = m.target
		}
	}
	return routes
}

var lifecycleSummary = map[healthapp.Action]string{
	healthapp.ActionAcknowledge: "Acknowledge an open health event",
	healthapp.ActionSuppress:    "Suppress a health event until a time (at most 30 days)",
	healthapp.ActionResolve:     "Resolve a health event",
	healthapp.ActionReopen:      "Reopen a resolved or suppressed health event",
}

// target scopes an event route to the event's node; events without a node
// (and unknown ids, which then answer 404) are checked globally.
func (m *HealthModule) target(c *gin.Context) (access.Ref, error) {
	e, err := m.Service.Get(RequestContext(c), c.Param("id"))
	if errs.KindOf(err) == errs.KindNotFound {
		return access.Global, nil
	}
	if err != nil {
		return access.Ref{}, err
	}
	if e.NodeID == "" {
		return access.Global, nil
	}
	return access.Ref{Type: access.ResourceNode, ID: e.NodeID}, nil
}

func (m *HealthModule) ingest(c *gin.Context) error {
	var b agentapi.HealthEventBatch
	if err := Bind(c, &b); err != nil {
		return err
	}
	p, ok := PrincipalOf(c)
	if !ok || p.Kind != access.PrincipalNode {
		return errs.ErrUnauthorized
	}
	res, err := m.Service.Ingest(RequestContext(c), p.ID, b.Events)
	if err != nil {
		return err
	}
	return OK(c, agentapi.HealthEventBatchResponse{Accepted: res.Accepted})
}

func (m *HealthModule) list(c *gin.Context) error {
	f, ferr := healthFilterFromQuery(c, "limit", "offset")
	p, perr := PageFrom(c)
	if err := errs.Merge(ferr, perr); err != nil {
		return err
	}
	page, err := m.Service.List(RequestContext(c), f, p.Limit, p.Offset)
	if err != nil {
		return err
	}
	now := m.Service.Now()
	out := make([]HealthEventResponse, 0, len(page.Events))
	for _, e := range page.Events {
		out = append(out, toHealthEventResponse(e, now))
	}
	c.JSON(http.StatusOK, healthListEnvelope{Data: out, Meta: HealthListMeta{
		ListMeta: ListMeta{Total: page.Total, Returned: len(out), Offset: p.Offset, Limit: p.Limit,
			HasNextPage: int64(p.Offset+len(out)) < page.Total, HasPreviousPage: p.Offset > 0},
		Summary: toHealthSummaryBody(page.Summary)}})
	return nil
}

func (m *HealthModule) get(c *gin.Context) error {
	e, err := m.Service.Get(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, toHealthEventResponse(e, m.Service.Now()))
}

// actions tells, per action, whether the caller holds the permission on
// the event's scope and the event's status allows it ("invalid_transition").
func (m *HealthModule) actions(c *gin.Context) error {
	e, err := m.Service.Get(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	target, err := m.target(c)
	if err != nil {
		return err
	}
	out, err := Actions(c, target, map[string]access.Permission{"read": access.HealthRead, "export": access.HealthRead,
		"acknowledge": access.HealthAcknowledge, "suppress": access.HealthAcknowledge,
		"resolve": access.HealthAcknowledge, "reopen": access.HealthAcknowledge})
	if err != nil {
		return err
	}
	now := m.Service.Now()
	for name, try := range map[string]func(e *health.Event) error{
		"acknowledge": func(e *health.Event) error { return e.Acknowledge("probe", now) },
		"suppress":    func(e *health.Event) error { return e.Suppress("probe", now.Add(time.Hour), now) },
		"resolve":     func(e *health.Event) error { return e.Resolve("probe", "", now) },
		"reopen":      func(e *health.Event) error { return e.Reopen(now) },
	} {
		probe := e
		if st := out[name]; st.Allowed && try(&probe) != nil {
			st.Allowed, st.Reason = false, "invalid_transition"
			out[name] = st
		}
	}
	return OK(c, out)
}

func (m *HealthModule) create(c *gin.Context) error {
	var b HealthCreateRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	e, err := m.Service.Create(RequestContext(c), healthapp.CreateInput{Type: b.Type, Severity: b.Severity, NodeID: b.NodeID,
		RecordingID: b.RecordingID, ScheduleID: b.ScheduleID, InterfaceID: b.InterfaceID, Details: b.Details})
	if err != nil {
		return err
	}
	return Created(c, toHealthEventResponse(e, m.Service.Now()))
}

func (m *HealthModule) lifecycle(a healthapp.Action) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		var until time.Time
		if a == healthapp.ActionSuppress {
			var b HealthSuppressRequest
			if err := Bind(c, &b); err != nil {
				return err
			}
			var err error
			if until, err = parseUntil(b.Until); err != nil {
				return err
			}
		} else if c.Request.ContentLength != 0 {
			var b HealthLifecycleRequest
			if err := Bind(c, &b); err != nil {
				return err
			}
		}
		e, err := m.Service.Apply(RequestContext(c), c.Param("id"), a, until)
		if err != nil {
			return err
		}
		return OK(c, toHealthEventResponse(e, m.Service.Now()))
	}
}

func (m *HealthModule) bulk(c *gin.Context) error {
	var b HealthBulkRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	var until time.Time
	if b.Until != "" {
		var err error
		if until, err = parseUntil(b.Until); err != nil {
			return err
		}
	}
	evs, err := m.Service.Bulk(RequestContext(c), b.IDs, healthapp.Action(b.Action), until)
	if err != nil {
		return err
	}
	now := m.Service.Now()
	out := HealthBulkResponse{Count: len(evs), Events: make([]HealthEventResponse, 0, len(evs))}
	for _, e := range evs {
		out.Events = append(out.Events, toHealthEventResponse(e, now))
	}
	return OK(c, out)
}

// parseUntil reads an RFC 3339 until; "" stays zero (the use case says it
// is required for suppress).
func parseUntil(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errs.Field("until", "must be an RFC 3339 time")
	}
	return t.UTC(), nil
}
