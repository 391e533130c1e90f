package httpapi

import (
	"time"

	healthapp "github.com/rakkr/rakkr/application/health"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports"
)

// HealthEventResponse is one health event as the API shows it. Status is
// the effective status: a suppression whose suppressedUntil has passed
// shows as open. Absent references and times are null.
type HealthEventResponse struct {
	ID                string         `json:"id"`
	Type              string         `json:"type"`
	Severity          string         `json:"severity"`
	Status            string         `json:"status"`
	NodeID            *string        `json:"nodeId"`
	RecordingID       *string        `json:"recordingId"`
	ScheduleID        *string        `json:"scheduleId"`
	InterfaceID       *string        `json:"interfaceId"`
	OpenedAt          time.Time      `json:"openedAt"`
	AcknowledgedAt    *time.Time     `json:"acknowledgedAt"`
	AcknowledgedBy    *string        `json:"acknowledgedBy"`
	SuppressedAt      *time.Time     `json:"suppressedAt"`
	SuppressedBy      *string        `json:"suppressedBy"`
	SuppressedUntil   *time.Time     `json:"suppressedUntil"`
	ResolvedAt        *time.Time     `json:"resolvedAt"`
	ResolvedBy        *string        `json:"resolvedBy"`
	ResolvedByEventID *string        `json:"resolvedByEventId"`
	Details           map[string]any `json:"details"`
}

// HealthSummaryBody counts the events matching the list filters (apart
// from status) by effective status; criticalOpen counts critical events
// open or acknowledged.
type HealthSummaryBody struct {
	Open         int64 `json:"open"`
	Acknowledged int64 `json:"acknowledged"`
	Suppressed   int64 `json:"suppressed"`
	Resolved     int64 `json:"resolved"`
	CriticalOpen int64 `json:"criticalOpen"`
}

// HealthListMeta is the list meta with the status summary.
type HealthListMeta struct {
	ListMeta
	Summary HealthSummaryBody `json:"summary"`
}

// healthListEnvelope is {"data": […], "meta": {…, "summary": {…}}}.
type healthListEnvelope struct {
	Data []HealthEventResponse `json:"data"`
	Meta HealthListMeta        `json:"meta"`
}

// HealthCreateRequest is a manual controller.* event.
type HealthCreateRequest struct {
	Type        string         `json:"type"`
	Severity    string         `json:"severity"`
	NodeID      string         `json:"nodeId,omitempty"`
	RecordingID string         `json:"recordingId,omitempty"`
	ScheduleID  string         `json:"scheduleId,omitempty"`
	InterfaceID string         `json:"interfaceId,omitempty"`
	Details     map[string]any `json:"details,omitempty"`
}

// HealthLifecycleRequest is the (optional, empty) body of acknowledge,
// resolve and reopen.
type HealthLifecycleRequest struct{}

// HealthSuppressRequest mutes an event until an RFC 3339 time at most 30
// days ahead.
type HealthSuppressRequest struct {
	Until string `json:"until"`
}

// HealthBulkRequest applies one action to up to 200 events, all or
// nothing (see HealthBulkResponse).
type HealthBulkRequest struct {
	IDs    []string `json:"ids"`
	Action string   `json:"action"` // acknowledge|suppress|resolve|reopen
	Until  string   `json:"until,omitempty"`
}

// HealthBulkResponse lists the changed events. Bulk changes are all or
// nothing: an unknown id (404) or a disallowed transition (409) fails the
// request with details {index, id, field} and changes nothing.
type HealthBulkResponse struct {
	Count  int                   `json:"count"`
	Events []HealthEventResponse `json:"events"`
}

// HealthExportRequest selects what POST …/export writes: ids (at most
// 500) and/or the list filters. An empty object exports everything.
type HealthExportRequest struct {
	IDs          []string `json:"ids,omitempty"`
	Status       string   `json:"status,omitempty"`
	Severity     string   `json:"severity,omitempty"`
	Type         string   `json:"type,omitempty"`
	NodeID       string   `json:"nodeId,omitempty"`
	RecordingID  string   `json:"recordingId,omitempty"`
	ScheduleID   string   `json:"scheduleId,omitempty"`
	OpenedFrom   string   `json:"openedFrom,omitempty"`
	OpenedTo     string   `json:"openedTo,omitempty"`
	ResolvedFrom string   `json:"resolvedFrom,omitempty"`
	ResolvedTo   string   `json:"resolvedTo,omitempty"`
	Q            string   `json:"q,omitempty"`
}

func (b HealthExportRequest) params() healthapp.FilterParams {
	return healthapp.FilterParams{IDs: b.IDs, Status: b.Status, Severity: b.Severity, Type: b.Type, NodeID: b.NodeID,
		RecordingID: b.RecordingID, ScheduleID: b.ScheduleID, OpenedFrom: b.OpenedFrom, OpenedTo: b.OpenedTo,
		ResolvedFrom: b.ResolvedFrom, ResolvedTo: b.ResolvedTo, Q: b.Q}
}

func toHealthEventResponse(e health.Event, now time.Time) HealthEventResponse {
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	return HealthEventResponse{ID: e.ID, Type: e.Type, Severity: string(e.Severity), Status: string(e.EffectiveStatus(now)),
		NodeID: str(e.NodeID), RecordingID: str(e.RecordingID), ScheduleID: str(e.ScheduleID), InterfaceID: str(e.InterfaceID),
		OpenedAt: e.OpenedAt.UTC(), AcknowledgedAt: e.AcknowledgedAt, AcknowledgedBy: str(e.AcknowledgedBy),
		SuppressedAt: e.SuppressedAt, SuppressedBy: str(e.SuppressedBy), SuppressedUntil: e.SuppressedUntil,
		ResolvedAt: e.ResolvedAt, ResolvedBy: str(e.ResolvedBy), ResolvedByEventID: str(e.ResolvedByEventID), Details: details}
}

func toHealthSummaryBody(s ports.HealthSummary) HealthSummaryBody {
	return HealthSummaryBody{Open: s.Open, Acknowledged: s.Acknowledged, Suppressed: s.Suppressed, Resolved: s.Resolved,
		CriticalOpen: s.CriticalOpen}
}
