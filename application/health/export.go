package health

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports"
)

// CSVHeader is the header row of a health export.
var CSVHeader = []string{"id", "type", "severity", "status", "nodeId", "recordingId", "scheduleId", "interfaceId",
	"openedAt", "acknowledgedAt", "acknowledgedBy", "suppressedAt", "suppressedBy", "suppressedUntil",
	"resolvedAt", "resolvedBy", "resolvedByEventId", "details"}

// MaxExportIDs is the most ids an export selection may name.
const MaxExportIDs = 500

// ExportCSV writes the events matching f to w as CSV, oldest first,
// streaming in batches, and returns how many rows it wrote. Nothing reaches
// w before the database has answered the first batch. Status is the
// effective status. Every cell goes through auditing.SafeCell, so a type or
// detail starting with = + - @ cannot run as a spreadsheet formula.
func (s *Service) ExportCSV(ctx context.Context, w io.Writer, f ports.HealthFilter) (int64, error) {
	now := s.d.Clock.Now()
	f.Now = now
	if err := s.scope(ctx, &f); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return 0, err
	}
	var n int64
	err := s.d.Store.Scan(ctx, f, func(e health.Event) error {
		if err := cw.Write(csvRecord(e, now)); err != nil {
			return err
		}
		if n++; n%200 == 0 {
			cw.Flush()
			return cw.Error()
		}
		return nil
	})
	if err != nil {
		if n > 0 {
			cw.Flush() // the rows so far are out; the error ends the stream
		}
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

func csvRecord(e health.Event, now time.Time) []string {
	tm := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return audit.FormatTime(*t)
	}
	details := ""
	if len(e.Details) > 0 {
		if b, err := json.Marshal(e.Details); err == nil {
			details = string(b)
		}
	}
	rec := []string{e.ID, e.Type, string(e.Severity), string(e.EffectiveStatus(now)), e.NodeID, e.RecordingID,
		e.ScheduleID, e.InterfaceID, audit.FormatTime(e.OpenedAt), tm(e.AcknowledgedAt), e.AcknowledgedBy,
		tm(e.SuppressedAt), e.SuppressedBy, tm(e.SuppressedUntil), tm(e.ResolvedAt), e.ResolvedBy, e.ResolvedByEventID, details}
	for i, c := range rec {
		rec[i] = auditing.SafeCell(c)
	}
	return rec
}

// FilterParams are the list, summary and export filters as strings (query
// parameters or an export body); Filter validates and converts them.
type FilterParams struct {
	IDs []string
	// Status and Severity are comma-separated lists.
	Status, Severity                               string
	Type                                           string
	NodeID, RecordingID, ScheduleID                string
	OpenedFrom, OpenedTo, ResolvedFrom, ResolvedTo string
	Q                                              string
}

// Filter validates the parameters, naming each bad field.
func (p FilterParams) Filter() (ports.HealthFilter, error) {
	var is errs.Issues
	f := ports.HealthFilter{TypePrefix: p.Type, NodeID: p.NodeID, RecordingID: p.RecordingID, ScheduleID: p.ScheduleID, Q: p.Q}
	if len(p.IDs) > MaxExportIDs {
		is.Add("ids", fmt.Sprintf("must name at most %d events", MaxExportIDs))
	}
	f.IDs = p.IDs
	for _, v := range splitList(p.Status) {
		if st := health.Status(v); st.Valid() {
			f.Statuses = append(f.Statuses, st)
		} else {
			is.Add("status", "must be open, acknowledged, suppressed or resolved (comma-separated)")
			break
		}
	}
	for _, v := range splitList(p.Severity) {
		if sv := health.Severity(v); sv.Valid() {
			f.Severities = append(f.Severities, sv)
		} else {
			is.Add("severity", "must be info, warning or critical (comma-separated)")
			break
		}
	}
	if len(p.Type) > health.MaxTypeLength {
		is.Add("type", "must be at most 120 characters")
	}
	validRef(&is, "nodeId", p.NodeID)
	validRef(&is, "recordingId", p.RecordingID)
	validRef(&is, "scheduleId", p.ScheduleID)
	if len(p.Q) > 200 {
		is.Add("q", "must be at most 200 characters")
	}
	f.OpenedFrom, f.OpenedTo = is.Time("openedFrom", p.OpenedFrom), is.Time("openedTo", p.OpenedTo)
	f.ResolvedFrom, f.ResolvedTo = is.Time("resolvedFrom", p.ResolvedFrom), is.Time("resolvedTo", p.ResolvedTo)
	if !f.OpenedFrom.IsZero() && !f.OpenedTo.IsZero() && !f.OpenedFrom.Before(f.OpenedTo) {
		is.Add("openedTo", "must be after openedFrom")
	}
	if !f.ResolvedFrom.IsZero() && !f.ResolvedTo.IsZero() && !f.ResolvedFrom.Before(f.ResolvedTo) {
		is.Add("resolvedTo", "must be after resolvedFrom")
	}
	return f, is.Err()
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
