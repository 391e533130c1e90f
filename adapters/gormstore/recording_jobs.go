package gormstore

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// JobStore keeps capture jobs in the recording_jobs table.
type JobStore struct{ db *DB }

// NewJobStore returns the capture job store on db.
func NewJobStore(db *DB) *JobStore { return &JobStore{db: db} }

// InsertJob implements ports.JobStore.
func (s *JobStore) InsertJob(ctx context.Context, j recording.Job) error {
	r := fromDomainJob(j)
	return Translate(s.db.Conn(ctx).Create(&r).Error)
}

// GetJob implements ports.JobStore.
func (s *JobStore) GetJob(ctx context.Context, id string) (recording.Job, error) {
	var r jobRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return recording.Job{}, identityNotFound(err, recording.ErrJobNotFound)
	}
	return toDomainJob(r), nil
}

// UpdateJob implements ports.JobStore: the row is locked (FOR UPDATE on
// Postgres; SQLite writes are serialized) in the caller's transaction when
// ctx carries one.
func (s *JobStore) UpdateJob(ctx context.Context, id string, fn func(j *recording.Job) error) (recording.Job, error) {
	var out recording.Job
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var r jobRow
		if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, recording.ErrJobNotFound)
		}
		j := toDomainJob(r)
		if err := fn(&j); err != nil {
			return err
		}
		j.ID = id
		saved, err := s.save(ctx, j)
		if err != nil {
			return err
		}
		out = saved
		return nil
	})
	return out, err
}

// save writes every column of j but its id and returns j as stored.
func (s *JobStore) save(ctx context.Context, j recording.Job) (recording.Job, error) {
	w := fromDomainJob(j)
	if err := s.db.Conn(ctx).Model(&jobRow{}).Where("id = ?", j.ID).Select("*").Omit("id").Updates(&w).Error; err != nil {
		return recording.Job{}, Translate(err)
	}
	return toDomainJob(w), nil
}

// ClaimNextJob implements ports.JobStore. On Postgres the oldest queued job
// is read with FOR UPDATE SKIP LOCKED, so concurrent claimers each lock a
// different row; on SQLite the write transaction is serialized by InTx.
func (s *JobStore) ClaimNextJob(ctx context.Context, nodeID string, now time.Time) (recording.Job, bool, error) {
	var out recording.Job
	var ok bool
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		q := s.db.Conn(ctx).Where("node_id = ? AND status = ?", nodeID, string(recording.JobQueued))
		if s.db.Dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []jobRow
		if err := q.Order("created_at, id").Limit(1).Find(&rows).Error; err != nil {
			return Translate(err)
		}
		if len(rows) == 0 {
			return nil
		}
		j := toDomainJob(rows[0])
		if err := j.Claim(nodeID, now); err != nil {
			return err
		}
		saved, err := s.save(ctx, j)
		if err != nil {
			return err
		}
		out, ok = saved, true
		return nil
	})
	if err != nil {
		return recording.Job{}, false, err
	}
	return out, ok, nil
}

// jobWhere applies a job filter to q.
func jobWhere(q *gorm.DB, f ports.JobFilter) *gorm.DB {
	if len(f.Statuses) > 0 {
		st := make([]string, 0, len(f.Statuses))
		for _, s := range f.Statuses {
			st = append(st, string(s))
		}
		q = q.Where("status IN ?", st)
	}
	if f.NodeID != "" {
		q = q.Where("node_id = ?", f.NodeID)
	}
	if f.RecordingID != "" {
		q = q.Where("recording_id = ?", f.RecordingID)
	}
	if f.OnlyNodes {
		if len(f.NodeIDs) == 0 {
			q = q.Where("1 = 0")
		} else {
			q = q.Where("node_id IN ?", f.NodeIDs)
		}
	}
	return q
}

// ListJobs implements ports.JobStore.
func (s *JobStore) ListJobs(ctx context.Context, f ports.JobFilter, limit, offset int) ([]recording.Job, int64, error) {
	var total int64
	if err := jobWhere(s.db.Conn(ctx).Model(&jobRow{}), f).Count(&total).Error; err != nil {
		return nil, 0, Translate(err)
	}
	if int64(offset) >= total {
		return []recording.Job{}, total, nil
	}
	out, err := jobFind(identityPage(jobWhere(s.db.Conn(ctx), f).Order("created_at DESC, id DESC"), limit, offset))
	return out, total, err
}

// LiveJobs implements ports.JobStore.
func (s *JobStore) LiveJobs(ctx context.Context, nodeID string) ([]recording.Job, error) {
	live := []recording.JobStatus{recording.JobQueued, recording.JobRunning, recording.JobStopRequested}
	return jobFind(jobWhere(s.db.Conn(ctx), ports.JobFilter{Statuses: live, NodeID: nodeID}).Order("created_at, id"))
}

// CountJobs implements ports.JobStore with one grouped query.
func (s *JobStore) CountJobs(ctx context.Context) (map[string]map[recording.JobStatus]int64, error) {
	var rows []struct {
		NodeID string
		Status string
		N      int64
	}
	err := s.db.Conn(ctx).Raw("SELECT node_id, status, COUNT(*) AS n FROM recording_jobs GROUP BY node_id, status").Scan(&rows).Error
	if err != nil {
		return nil, Translate(err)
	}
	out := map[string]map[recording.JobStatus]int64{}
	for _, r := range rows {
		if out[r.NodeID] == nil {
			out[r.NodeID] = map[recording.JobStatus]int64{}
		}
		out[r.NodeID][recording.JobStatus(r.Status)] = r.N
	}
	return out, nil
}

// jobFind reads the rows of q into domain jobs.
func jobFind(q *gorm.DB) ([]recording.Job, error) {
	var rows []jobRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	out := make([]recording.Job, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainJob(r))
	}
	return out, nil
}

var _ ports.JobStore = (*JobStore)(nil)
