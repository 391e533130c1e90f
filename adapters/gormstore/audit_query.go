package gormstore

import (
	"context"
	"errors"
	"strings"

	"github.com/rakkr/rakkr/domain/audit"
)

// auditScanBatch is how many rows Scan reads per query.
const auditScanBatch = 500

// likeEscaper escapes LIKE wildcards; patterns use ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// auditWhere turns a filter into a WHERE condition with its arguments.
func auditWhere(f audit.Filter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	for _, eq := range []struct{ col, v string }{
		{"actor_id", f.ActorID}, {"permission", f.Permission}, {"target_type", f.TargetType},
		{"target_id", f.TargetID}, {"outcome", string(f.Outcome)}, {"reason", f.Reason},
	} {
		if eq.v != "" {
			add(eq.col+" = ?", eq.v)
		}
	}
	if f.ActionPrefix != "" {
		add(`action LIKE ? ESCAPE '\'`, likeEscaper.Replace(f.ActionPrefix)+"%")
	}
	if !f.From.IsZero() {
		add("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("created_at < ?", f.To.UTC())
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := "%" + likeEscaper.Replace(strings.ToLower(q)) + "%"
		cols := []string{"action", "actor_id", "actor_name", "target_type", "target_id", "target_name", "reason", "details_json"}
		parts := make([]string, 0, len(cols)+1)
		for _, c := range cols {
			parts = append(parts, "LOWER("+c+`) LIKE ? ESCAPE '\'`)
			args = append(args, p)
		}
		parts = append(parts, "id = ?")
		args = append(args, q)
		conds = append(conds, "("+strings.Join(parts, " OR ")+")")
	}
	if len(f.IDs) > 0 {
		add("id IN ?", f.IDs)
	}
	if f.MaxSeq > 0 {
		add("seq <= ?", f.MaxSeq)
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// List implements ports.AuditLog.
func (s *AuditStore) List(ctx context.Context, f audit.Filter, limit, offset int) ([]audit.Event, int64, error) {
	where, args := auditWhere(f)
	conn := s.db.Conn(ctx)
	var total int64
	if err := conn.Raw("SELECT COUNT(*) FROM audit_events WHERE "+where, args...).Row().Scan(&total); err != nil {
		return nil, 0, Translate(err)
	}
	if int64(offset) >= total {
		return []audit.Event{}, total, nil
	}
	out, _, err := s.query(ctx, "SELECT "+auditColumns+" FROM audit_events WHERE "+where+" ORDER BY seq DESC LIMIT ? OFFSET ?",
		append(args, limit, offset), false)
	return out, total, err
}

// Scan implements ports.AuditLog with keyset pages on seq, so memory stays
// bounded and each page is one short query.
func (s *AuditStore) Scan(ctx context.Context, f audit.Filter, fn func(audit.Event) error) error {
	where, args := auditWhere(f)
	var after int64
	first := true
	for {
		q := "SELECT " + auditColumns + " FROM audit_events WHERE " + where
		a := append([]any(nil), args...)
		if !first {
			// Seq may have been tampered below 1: the first page has no lower bound.
			q += " AND seq > ?"
			a = append(a, after)
		}
		batch, corrupt, err := s.query(ctx, q+" ORDER BY seq LIMIT ?", append(a, auditScanBatch), true)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if corrupt != nil {
			return corrupt
		}
		if len(batch) < auditScanBatch {
			return nil
		}
		after, first = batch[len(batch)-1].Seq, false
	}
}

// query reads rows into memory (one page) and closes the cursor before the
// caller does anything slow with them. When strict, it stops at the first
// undecodable row and returns the rows before it with that row's
// *audit.CorruptRowError; otherwise such a row is returned as far as read.
func (s *AuditStore) query(ctx context.Context, q string, args []any, strict bool) ([]audit.Event, *audit.CorruptRowError, error) {
	rows, err := s.db.Conn(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, nil, Translate(err)
	}
	defer rows.Close()
	out := []audit.Event{}
	for rows.Next() {
		r, err := scanAuditRow(rows)
		if err != nil {
			return nil, nil, Translate(err)
		}
		e, err := toDomainEvent(r)
		var corrupt *audit.CorruptRowError
		if strict && errors.As(err, &corrupt) {
			return out, corrupt, nil
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, Translate(err)
	}
	return out, nil, nil
}

// Facets implements ports.AuditLog.
func (s *AuditStore) Facets(ctx context.Context, f audit.Filter) (audit.Facets, error) {
	where, args := auditWhere(f)
	var out audit.Facets
	for _, facet := range []struct {
		col, label string
		dst        *[]audit.FacetCount
	}{
		{"action", "''", &out.Actions}, {"outcome", "''", &out.Outcomes}, {"actor_id", "MAX(actor_name)", &out.Actors},
		{"permission", "''", &out.Permissions}, {"target_type", "''", &out.TargetTypes},
	} {
		q := "SELECT " + facet.col + ", " + facet.label + ", COUNT(*) FROM audit_events WHERE " + where +
			" GROUP BY " + facet.col + " ORDER BY COUNT(*) DESC, " + facet.col + " LIMIT ?"
		rows, err := s.db.Conn(ctx).Raw(q, append(append([]any(nil), args...), audit.MaxFacetValues)...).Rows()
		if err != nil {
			return out, Translate(err)
		}
		*facet.dst = []audit.FacetCount{}
		for rows.Next() {
			var c audit.FacetCount
			if err := rows.Scan(&c.Value, &c.Label, &c.Count); err != nil {
				rows.Close()
				return out, Translate(err)
			}
			*facet.dst = append(*facet.dst, c)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return out, Translate(err)
		}
	}
	return out, nil
}
