package gormstore

import (
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/audit"
)

// auditColumns are the audit_events columns in the order auditRow scans
// them and auditInsertArgs binds them.
const auditColumns = "id, seq, created_at, action, outcome, permission, actor_id, actor_name, actor_type, actor_roles, " +
	"ip_address, session_id, user_agent, target_type, target_id, target_name, before_json, after_json, " +
	"details_json, correlation_ids_json, reason, prev_hash, hash"

// auditRow is one audit_events row as stored. Columns are scanned into
// primitives so a tampered value can be reported instead of failing the scan.
type auditRow struct {
	ID, Action, Outcome, Permission                         string
	Seq                                                     int64
	CreatedAt                                               any
	ActorID, ActorName, ActorType, ActorRoles               string
	IPAddress, SessionID, UserAgent                         string
	TargetType, TargetID, TargetName                        string
	BeforeJSON, AfterJSON                                   sql.NullString
	DetailsJSON, CorrelationIDsJSON, Reason, PrevHash, Hash string
}

type rowScanner interface{ Scan(dest ...any) error }

func scanAuditRow(s rowScanner) (auditRow, error) {
	var r auditRow
	err := s.Scan(&r.ID, &r.Seq, &r.CreatedAt, &r.Action, &r.Outcome, &r.Permission, &r.ActorID, &r.ActorName,
		&r.ActorType, &r.ActorRoles, &r.IPAddress, &r.SessionID, &r.UserAgent, &r.TargetType, &r.TargetID,
		&r.TargetName, &r.BeforeJSON, &r.AfterJSON, &r.DetailsJSON, &r.CorrelationIDsJSON, &r.Reason, &r.PrevHash, &r.Hash)
	return r, err
}

// auditInsertArgs binds a sealed event to auditColumns. JSON values are
// written in their canonical encoding, so reading them back hashes the same.
func auditInsertArgs(e audit.Event) ([]any, error) {
	roles, err := audit.EncodeJSON(e.Actor.Roles)
	if err != nil {
		return nil, err
	}
	details, err := audit.EncodeJSON(e.Details)
	if err != nil {
		return nil, err
	}
	ids, err := audit.EncodeJSON(e.CorrelationIDs)
	if err != nil {
		return nil, err
	}
	before, err := nullableJSON(e.Before)
	if err != nil {
		return nil, err
	}
	after, err := nullableJSON(e.After)
	if err != nil {
		return nil, err
	}
	return []any{e.ID, e.Seq, e.CreatedAt.UTC(), e.Action, string(e.Outcome), e.Permission, e.Actor.ID, e.Actor.Name,
		string(e.Actor.Type), string(roles), e.ActorContext.IPAddress, e.ActorContext.SessionID, e.ActorContext.UserAgent,
		e.Target.Type, e.Target.ID, e.Target.Name, before, after, string(details), string(ids), e.Reason, e.PrevHash, e.Hash}, nil
}

func nullableJSON(v any) (sql.NullString, error) {
	if v == nil {
		return sql.NullString{}, nil
	}
	b, err := audit.EncodeJSON(v)
	if err != nil {
		return sql.NullString{}, err
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

// sqliteTimeLayouts are the forms a time may take in an SQLite text column.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00",
}

// toDomainEvent converts a stored row exactly as stored (no normalization:
// the verifier must hash what is there). It always returns its best reading
// of the row; the error, an *audit.CorruptRowError, names the first column
// that could not be decoded. Undecodable JSON is kept as a raw string.
func toDomainEvent(r auditRow) (audit.Event, error) {
	var problems []string
	e := audit.Event{
		Seq: r.Seq, ID: r.ID, Action: r.Action, Outcome: audit.Outcome(r.Outcome), Permission: r.Permission,
		Actor:        audit.Actor{ID: r.ActorID, Name: r.ActorName, Type: audit.ActorType(r.ActorType)},
		ActorContext: audit.ActorContext{IPAddress: r.IPAddress, SessionID: r.SessionID, UserAgent: r.UserAgent},
		Target:       audit.Target{Type: r.TargetType, ID: r.TargetID, Name: r.TargetName},
		Reason:       r.Reason, PrevHash: r.PrevHash, Hash: r.Hash,
	}
	switch t := r.CreatedAt.(type) {
	case time.Time:
		e.CreatedAt = t.UTC()
	case string:
		if e.CreatedAt = parseStoredTime(t); e.CreatedAt.IsZero() {
			problems = append(problems, "created_at is not a time")
		}
	default:
		problems = append(problems, "created_at is not a time")
	}
	if err := json.Unmarshal([]byte(r.ActorRoles), &e.Actor.Roles); err != nil {
		problems = append(problems, "actor_roles is not a JSON array of strings")
	}
	for _, c := range []struct {
		name string
		col  sql.NullString
		dst  *any
	}{{"before_json", r.BeforeJSON, &e.Before}, {"after_json", r.AfterJSON, &e.After}} {
		if !c.col.Valid {
			continue
		}
		v, err := audit.DecodeJSON([]byte(c.col.String))
		if err != nil {
			v = c.col.String
			problems = append(problems, c.name+" is not JSON")
		}
		*c.dst = v
	}
	if v, err := audit.DecodeJSON([]byte(r.DetailsJSON)); err != nil {
		problems = append(problems, "details_json is not JSON")
	} else if v != nil {
		m, ok := v.(map[string]any)
		if !ok {
			problems = append(problems, "details_json is not a JSON object")
		}
		e.Details = m
	}
	if err := json.Unmarshal([]byte(r.CorrelationIDsJSON), &e.CorrelationIDs); err != nil {
		problems = append(problems, "correlation_ids_json is not a JSON object of strings")
	}
	if len(problems) > 0 {
		return e, &audit.CorruptRowError{ID: r.ID, Seq: r.Seq, Problem: strings.Join(problems, "; ")}
	}
	return e, nil
}

func parseStoredTime(s string) time.Time {
	s = strings.TrimSuffix(s, "Z")
	for _, l := range sqliteTimeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
