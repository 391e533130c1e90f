package gormstore

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports"
)

// healthRow is a row of the health_events table.
type healthRow struct {
	ID                string     `gorm:"column:id;primaryKey"`
	Type              string     `gorm:"column:type"`
	Severity          string     `gorm:"column:severity"`
	Status            string     `gorm:"column:status"`
	NodeID            string     `gorm:"column:node_id"`
	RecordingID       string     `gorm:"column:recording_id"`
	ScheduleID        string     `gorm:"column:schedule_id"`
	InterfaceID       string     `gorm:"column:interface_id"`
	OpenedAt          time.Time  `gorm:"column:opened_at"`
	AcknowledgedAt    *time.Time `gorm:"column:acknowledged_at"`
	AcknowledgedBy    string     `gorm:"column:acknowledged_by"`
	SuppressedAt      *time.Time `gorm:"column:suppressed_at"`
	SuppressedBy      string     `gorm:"column:suppressed_by"`
	SuppressedUntil   *time.Time `gorm:"column:suppressed_until"`
	ResolvedAt        *time.Time `gorm:"column:resolved_at"`
	ResolvedBy        string     `gorm:"column:resolved_by"`
	ResolvedByEventID string     `gorm:"column:resolved_by_event_id"`
	DetailsJSON       string     `gorm:"column:details_json"`
}

// TableName implements gorm's Tabler.
func (healthRow) TableName() string { return "health_events" }

func toDomainHealth(r healthRow) health.Event {
	details := map[string]any{}
	if r.DetailsJSON != "" {
		if err := json.Unmarshal([]byte(r.DetailsJSON), &details); err != nil || details == nil {
			details = map[string]any{"_raw": r.DetailsJSON}
		}
	}
	return health.Event{ID: r.ID, Type: r.Type, Severity: health.Severity(r.Severity), Status: health.Status(r.Status),
		NodeID: r.NodeID, RecordingID: r.RecordingID, ScheduleID: r.ScheduleID, InterfaceID: r.InterfaceID,
		OpenedAt: r.OpenedAt.UTC(), AcknowledgedAt: identityUTC(r.AcknowledgedAt), AcknowledgedBy: r.AcknowledgedBy,
		SuppressedAt: identityUTC(r.SuppressedAt), SuppressedBy: r.SuppressedBy, SuppressedUntil: identityUTC(r.SuppressedUntil),
		ResolvedAt: identityUTC(r.ResolvedAt), ResolvedBy: r.ResolvedBy, ResolvedByEventID: r.ResolvedByEventID, Details: details}
}

func fromDomainHealth(e health.Event) (healthRow, error) {
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	b, err := json.Marshal(details)
	if err != nil {
		return healthRow{}, err
	}
	return healthRow{ID: e.ID, Type: e.Type, Severity: string(e.Severity), Status: string(e.Status),
		NodeID: e.NodeID, RecordingID: e.RecordingID, ScheduleID: e.ScheduleID, InterfaceID: e.InterfaceID,
		OpenedAt: identityTime(e.OpenedAt), AcknowledgedAt: healthTimePtr(e.AcknowledgedAt), AcknowledgedBy: e.AcknowledgedBy,
		SuppressedAt: healthTimePtr(e.SuppressedAt), SuppressedBy: e.SuppressedBy, SuppressedUntil: healthTimePtr(e.SuppressedUntil),
		ResolvedAt: healthTimePtr(e.ResolvedAt), ResolvedBy: e.ResolvedBy, ResolvedByEventID: e.ResolvedByEventID,
		DetailsJSON: string(b)}, nil
}

func healthTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := identityTime(*t)
	return &u
}

// HealthStore keeps health events in the health_events table. It also
// implements ports.NodeHealthSummary.
type HealthStore struct {
	db    *DB
	clock ports.Clock
}

// NewHealthStore returns the health event store on db; clock (nil: the
// system clock) decides when suppressions lapse in OpenCounts.
func NewHealthStore(db *DB, clock ports.Clock) *HealthStore {
	if clock == nil {
		clock = ports.SystemClock{}
	}
	return &HealthStore{db: db, clock: clock}
}

// Insert implements ports.HealthStore.
func (s *HealthStore) Insert(ctx context.Context, e health.Event) error {
	r, err := fromDomainHealth(e)
	if err != nil {
		return err
	}
	return Translate(s.db.Conn(ctx).Create(&r).Error)
}

// Get implements ports.HealthStore.
func (s *HealthStore) Get(ctx context.Context, id string) (health.Event, error) {
	var r healthRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return health.Event{}, identityNotFound(err, health.ErrNotFound)
	}
	return toDomainHealth(r), nil
}

// GetMany implements ports.HealthStore.
func (s *HealthStore) GetMany(ctx context.Context, ids []string) (map[string]health.Event, error) {
	out := make(map[string]health.Event, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []healthRow
	if err := s.db.Conn(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	for _, r := range rows {
		out[r.ID] = toDomainHealth(r)
	}
	return out, nil
}

// Update implements ports.HealthStore.
func (s *HealthStore) Update(ctx context.Context, id string, fn func(e *health.Event) error) (health.Event, error) {
	var out health.Event
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var r healthRow
		if err := s.locked(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, health.ErrNotFound)
		}
		e := toDomainHealth(r)
		if err := fn(&e); err != nil {
			return err
		}
		if err := s.save(ctx, e); err != nil {
			return err
		}
		out = e
		return nil
	})
	return out, err
}

// save writes the lifecycle fields of e.
func (s *HealthStore) save(ctx context.Context, e health.Event) error {
	n, err := fromDomainHealth(e)
	if err != nil {
		return err
	}
	return Translate(s.db.Conn(ctx).Model(&healthRow{}).Where("id = ?", e.ID).Updates(map[string]any{
		"status": n.Status, "acknowledged_at": n.AcknowledgedAt, "acknowledged_by": n.AcknowledgedBy,
		"suppressed_at": n.SuppressedAt, "suppressed_by": n.SuppressedBy, "suppressed_until": n.SuppressedUntil,
		"resolved_at": n.ResolvedAt, "resolved_by": n.ResolvedBy, "resolved_by_event_id": n.ResolvedByEventID,
	}).Error)
}

// Unresolved implements ports.HealthStore.
func (s *HealthStore) Unresolved(ctx context.Context, nodeID, typ, interfaceID string, notAfter time.Time) ([]health.Event, error) {
	q := s.locked(ctx).Where("node_id = ? AND type = ? AND status IN ? AND opened_at <= ?", nodeID, typ,
		[]string{string(health.StatusOpen), string(health.StatusAcknowledged), string(health.StatusSuppressed)}, identityTime(notAfter))
	if interfaceID != "" {
		q = q.Where("interface_id = ?", interfaceID)
	}
	var rows []healthRow
	if err := q.Order("opened_at, id").Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	out := make([]health.Event, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainHealth(r))
	}
	return out, nil
}

func (s *HealthStore) locked(ctx context.Context) *gorm.DB {
	q := s.db.Conn(ctx)
	if s.db.Dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}

// OpenCounts implements ports.NodeHealthSummary with one grouped query:
// warning and critical events that are open or acknowledged, or whose
// suppression has lapsed, per node.
func (s *HealthStore) OpenCounts(ctx context.Context, nodeIDs []string) (map[string]ports.HealthCounts, error) {
	out := make(map[string]ports.HealthCounts, len(nodeIDs))
	if len(nodeIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		NodeID   string
		Severity string
		N        int
	}
	err := s.db.Conn(ctx).Raw("SELECT node_id, severity, COUNT(*) AS n FROM health_events "+
		"WHERE node_id IN ? AND severity IN ('warning', 'critical') AND "+
		"(status IN ('open', 'acknowledged') OR (status = 'suppressed' AND suppressed_until <= ?)) "+
		"GROUP BY node_id, severity", nodeIDs, identityTime(s.clock.Now())).Scan(&rows).Error
	if err != nil {
		return nil, Translate(err)
	}
	for _, r := range rows {
		c := out[r.NodeID]
		if r.Severity == string(health.SeverityCritical) {
			c.Critical += r.N
		} else {
			c.Warning += r.N
		}
		out[r.NodeID] = c
	}
	return out, nil
}

var (
	_ ports.HealthStore       = (*HealthStore)(nil)
	_ ports.NodeHealthSummary = (*HealthStore)(nil)
)
