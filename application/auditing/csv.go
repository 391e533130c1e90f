package auditing

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/rakkr/rakkr/domain/audit"
)

// CSVHeader is the header row of an audit export.
var CSVHeader = []string{"seq", "id", "createdAt", "action", "outcome", "permission", "actorId", "actorName",
	"actorType", "actorRoles", "ipAddress", "sessionId", "userAgent", "targetType", "targetId", "targetName",
	"reason", "before", "after", "details", "correlationIds", "prevHash", "hash"}

// csvFlushRows is how many rows are written between flushes to w.
const csvFlushRows = 200

// ExportCSV writes the events matching f to w as CSV, oldest first, and
// returns how many rows it wrote. It streams: rows are read in batches and
// flushed as they go. The export ends at the chain head read when it starts,
// so concurrent appends do not extend it. Nothing is written to w before the
// filter is valid and the database has answered. Cells are safe against
// formula injection (see SafeCell).
func (s *Service) ExportCSV(ctx context.Context, w io.Writer, f audit.Filter) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	head, err := s.log.Head(ctx)
	if err != nil {
		return 0, err
	}
	if f.MaxSeq <= 0 || f.MaxSeq > head.Seq {
		f.MaxSeq = head.Seq
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return 0, err
	}
	var n int64
	if f.MaxSeq > 0 {
		err = s.log.Scan(ctx, f, func(e audit.Event) error {
			if err := cw.Write(csvRecord(e)); err != nil {
				return err
			}
			if n++; n%csvFlushRows == 0 {
				cw.Flush()
				return cw.Error()
			}
			return nil
		})
		if err != nil {
			// An undecodable row still stops the export: say so in the
			// file rather than end it silently.
			cw.Flush()
			return n, err
		}
	}
	cw.Flush()
	return n, cw.Error()
}

func csvRecord(e audit.Event) []string {
	rec := []string{strconv.FormatInt(e.Seq, 10), e.ID, audit.FormatTime(e.CreatedAt), e.Action, string(e.Outcome),
		e.Permission, e.Actor.ID, e.Actor.Name, string(e.Actor.Type), strings.Join(e.Actor.Roles, " "),
		e.ActorContext.IPAddress, e.ActorContext.SessionID, e.ActorContext.UserAgent, e.Target.Type, e.Target.ID,
		e.Target.Name, e.Reason, jsonCell(e.Before), jsonCell(e.After), jsonCell(e.Details), jsonCell(e.CorrelationIDs),
		e.PrevHash, e.Hash}
	for i, c := range rec {
		rec[i] = SafeCell(c)
	}
	return rec
}

func jsonCell(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case map[string]any:
		if len(t) == 0 {
			return ""
		}
	case map[string]string:
		if len(t) == 0 {
			return ""
		}
	}
	b, err := audit.EncodeJSON(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// SafeCell defuses spreadsheet formulas: a cell starting with = + - @, a tab
// or a carriage return gets a leading apostrophe.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
