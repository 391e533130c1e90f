package gormstore

import (
	"context"
	"strings"

	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports"
)

// healthScanBatch is how many rows Scan reads per query.
const healthScanBatch = 500

// healthStatusCond is the SQL condition for an effective status; now is
// bound once per condition that needs it.
func healthStatusCond(st health.Status) (string, bool) {
	switch st {
	case health.StatusOpen:
		return "(status = 'open' OR (status = 'suppressed' AND suppressed_until <= ?))", true
	case health.StatusSuppressed:
		return "(status = 'suppressed' AND (suppressed_until IS NULL OR suppressed_until > ?))", true
	}
	return "status = '" + string(st) + "'", false
}

// healthWhere turns a filter into a WHERE condition with its arguments;
// withStatus false leaves the status filter out (for the summary).
func healthWhere(f ports.HealthFilter, withStatus bool) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	now := identityTime(f.Now)
	if withStatus && len(f.Statuses) > 0 {
		parts := make([]string, 0, len(f.Statuses))
		for _, st := range f.Statuses {
			c, needsNow := healthStatusCond(st)
			parts = append(parts, c)
			if needsNow {
				args = append(args, now)
			}
		}
		conds = append(conds, "("+strings.Join(parts, " OR ")+")")
	}
	if len(f.IDs) > 0 {
		add("id IN ?", f.IDs)
	}
	if f.OnlyNodes {
		if len(f.NodeIDs) == 0 {
			add("1 = 0")
		} else {
			add("node_id IN ?", f.NodeIDs)
		}
	}
	if len(f.Severities) > 0 {
		sev := make([]string, 0, len(f.Severities))
		for _, s := range f.Severities {
			sev = append(sev, string(s))
		}
		add("severity IN ?", sev)
	}
	if f.TypePrefix != "" {
		add(`type LIKE ? ESCAPE '\'`, likeEscaper.Replace(f.TypePrefix)+"%")
	}
	for _, eq := range []struct{ col, v string }{{"node_id", f.NodeID}, {"recording_id", f.RecordingID}, {"schedule_id", f.ScheduleID}} {
		if eq.v != "" {
			add(eq.col+" = ?", eq.v)
		}
	}
	for _, r := range []struct {
		cond string
		set  bool
		v    any
	}{
		{"opened_at >= ?", !f.OpenedFrom.IsZero(), identityTime(f.OpenedFrom)},
		{"opened_at < ?", !f.OpenedTo.IsZero(), identityTime(f.OpenedTo)},
		{"resolved_at >= ?", !f.ResolvedFrom.IsZero(), identityTime(f.ResolvedFrom)},
		{"resolved_at < ?", !f.ResolvedTo.IsZero(), identityTime(f.ResolvedTo)},
	} {
		if r.set {
			add(r.cond, r.v)
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := "%" + likeEscaper.Replace(strings.ToLower(q)) + "%"
		cols := []string{"type", "node_id", "recording_id", "schedule_id", "interface_id", "details_json"}
		parts := make([]string, 0, len(cols)+1)
		for _, c := range cols {
			parts = append(parts, "LOWER("+c+`) LIKE ? ESCAPE '\'`)
			args = append(args, p)
		}
		parts = append(parts, "id = ?")
		args = append(args, q)
		conds = append(conds, "("+strings.Join(parts, " OR ")+")")
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// List implements ports.HealthStore.
func (s *HealthStore) List(ctx context.Context, f ports.HealthFilter, limit, offset int) ([]health.Event, int64, error) {
	where, args := healthWhere(f, true)
	conn := s.db.Conn(ctx)
	var total int64
	if err := conn.Model(&healthRow{}).Where(where, args...).Count(&total).Error; err != nil {
		return nil, 0, Translate(err)
	}
	out := []health.Event{}
	if int64(offset) >= total {
		return out, total, nil
	}
	var rows []healthRow
	if err := identityPage(conn.Where(where, args...).Order("opened_at DESC, id DESC"), limit, offset).Find(&rows).Error; err != nil {
		return nil, 0, Translate(err)
	}
	for _, r := range rows {
		out = append(out, toDomainHealth(r))
	}
	return out, total, nil
}

// Summary implements ports.HealthStore in one query.
func (s *HealthStore) Summary(ctx context.Context, f ports.HealthFilter) (ports.HealthSummary, error) {
	where, args := healthWhere(f, false)
	now := identityTime(f.Now)
	lapsed := "(status = 'suppressed' AND suppressed_until <= ?)"
	q := "SELECT " +
		"COALESCE(SUM(CASE WHEN status = 'open' OR " + lapsed + " THEN 1 ELSE 0 END), 0), " +
		"COALESCE(SUM(CASE WHEN status = 'acknowledged' THEN 1 ELSE 0 END), 0), " +
		"COALESCE(SUM(CASE WHEN status = 'suppressed' AND NOT " + lapsed + " THEN 1 ELSE 0 END), 0), " +
		"COALESCE(SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END), 0), " +
		"COALESCE(SUM(CASE WHEN severity = 'critical' AND (status IN ('open', 'acknowledged') OR " + lapsed + ") THEN 1 ELSE 0 END), 0) " +
		"FROM health_events WHERE " + where
	var sum ports.HealthSummary
	a := append([]any{now, now, now}, args...)
	err := s.db.Conn(ctx).Raw(q, a...).Row().Scan(&sum.Open, &sum.Acknowledged, &sum.Suppressed, &sum.Resolved, &sum.CriticalOpen)
	return sum, Translate(err)
}

// Scan implements ports.HealthStore with keyset pages on (opened_at, id).
func (s *HealthStore) Scan(ctx context.Context, f ports.HealthFilter, fn func(health.Event) error) error {
	where, args := healthWhere(f, true)
	var last *healthRow
	for {
		q := s.db.Conn(ctx).Where(where, args...)
		if last != nil {
			q = q.Where("(opened_at > ? OR (opened_at = ? AND id > ?))", last.OpenedAt, last.OpenedAt, last.ID)
		}
		var rows []healthRow
		if err := q.Order("opened_at, id").Limit(healthScanBatch).Find(&rows).Error; err != nil {
			return Translate(err)
		}
		for _, r := range rows {
			if err := fn(toDomainHealth(r)); err != nil {
				return err
			}
		}
		if len(rows) < healthScanBatch {
			return nil
		}
		last = &rows[len(rows)-1]
	}
}
