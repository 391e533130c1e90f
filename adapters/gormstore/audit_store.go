package gormstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// AuditStore is the hash-chained audit trail in audit_events, with the
// chain head in the one-row table audit_chain_head.
type AuditStore struct {
	db *DB
}

// NewAuditStore returns the audit trail stored in db.
func NewAuditStore(db *DB) *AuditStore { return &AuditStore{db: db} }

var errAuditNotFound = errs.NotFound("audit.notFound", "audit event not found")

const auditInsertSQL = "INSERT INTO audit_events (" + auditColumns + ") VALUES " +
	"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

// Append implements ports.AuditLog. It locks the head (FOR UPDATE on
// Postgres; on SQLite the write transaction already excludes other
// writers), seals e after it, inserts the row and advances the head, all in
// the transaction of ctx or a new one.
func (s *AuditStore) Append(ctx context.Context, e audit.Event, committed func(audit.Event)) (audit.Event, error) {
	var sealed audit.Event
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		conn := s.db.Conn(ctx)
		q := "SELECT seq, hash FROM audit_chain_head WHERE id = 1"
		if s.db.Dialect == Postgres {
			q += " FOR UPDATE"
		}
		var head audit.Head
		if err := conn.Raw(q).Row().Scan(&head.Seq, &head.Hash); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.Unavailable(audit.ErrHeadMissing)
			}
			return err
		}
		var err error
		if sealed, err = audit.Seal(e, head); err != nil {
			return err
		}
		args, err := auditInsertArgs(sealed)
		if err != nil {
			return errs.Wrap(errs.KindInternal, "audit.unencodable", "the audit event cannot be encoded", err)
		}
		if err := conn.Exec(auditInsertSQL, args...).Error; err != nil {
			return err
		}
		res := conn.Exec("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ?", sealed.Seq, sealed.Hash, head.Seq)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.Unavailable(fmt.Errorf("audit chain head moved during append (seq %d)", head.Seq))
		}
		if committed != nil {
			AfterCommit(ctx, func() { committed(sealed) })
		}
		return nil
	})
	if err != nil {
		return audit.Event{}, Translate(err)
	}
	return sealed, nil
}

// Get implements ports.AuditLog. A row that cannot be fully decoded is
// returned as far as it can be read (undecodable JSON as a raw string).
func (s *AuditStore) Get(ctx context.Context, id string) (audit.Event, error) {
	rows, err := s.db.Conn(ctx).Raw("SELECT "+auditColumns+" FROM audit_events WHERE id = ?", id).Rows()
	if err != nil {
		return audit.Event{}, Translate(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return audit.Event{}, Translate(err)
		}
		return audit.Event{}, errAuditNotFound
	}
	r, err := scanAuditRow(rows)
	if err != nil {
		return audit.Event{}, Translate(err)
	}
	e, _ := toDomainEvent(r)
	return e, nil
}

// Head implements ports.AuditLog.
func (s *AuditStore) Head(ctx context.Context) (audit.Head, error) {
	var h audit.Head
	err := s.db.Conn(ctx).Raw("SELECT h.seq, h.hash, COALESCE((SELECT MAX(seq) FROM audit_events), 0) "+
		"FROM audit_chain_head h WHERE h.id = 1").Row().Scan(&h.Seq, &h.Hash, &h.MaxRowSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return h, errs.Unavailable(audit.ErrHeadMissing)
	}
	return h, Translate(err)
}

var _ ports.AuditLog = (*AuditStore)(nil)
