package recordings

import (
	"context"
	"errors"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/recording"
)

// LeaseRunnerInterval is how often the controller runs ExpireLeases.
const LeaseRunnerInterval = 10 * time.Second

// errUnchanged rolls back an expiry another replica (or a heartbeat) beat.
var errUnchanged = errors.New("recordings: lease renewed meanwhile")

// ExpireLeases ends every live job whose lease lapsed (recording.Job.Expire,
// with one lease of grace after the controller started): a running job
// fails with lease_expired and its recording settles (partial when chunks
// are stored, else failed); an unanswered stop request is cancelled. A
// later heartbeat of the claimant revives either. It returns how many jobs
// it ended; each gets an audit row by system:leases.
func (s *Service) ExpireLeases(ctx context.Context) (int, error) {
	live, err := s.d.Jobs.LiveJobs(ctx, "")
	if err != nil {
		return 0, err
	}
	ctx = audit.WithRequest(ctx, audit.Request{Actor: audit.SystemActor("leases")})
	n := 0
	for _, cand := range live {
		now := s.now()
		if !cand.Expire(now, s.d.StartedAt) {
			continue
		}
		ended, err := s.expire(ctx, cand.ID)
		if errors.Is(err, errUnchanged) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
		if s.d.Observer != nil {
			s.d.Observer.LeaseExpired(ended.NodeID)
		}
		s.failed(ended)
	}
	return n, nil
}

// expire ends one job in its own transaction.
func (s *Service) expire(ctx context.Context, jobID string) (recording.Job, error) {
	var ch changes
	var out recording.Job
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		ch = changes{}
		now := s.now()
		var before recording.Job
		j, err := s.d.Jobs.UpdateJob(ctx, jobID, func(j *recording.Job) error {
			before = *j
			if !j.Expire(now, s.d.StartedAt) {
				return errUnchanged
			}
			return nil
		})
		if err != nil {
			return err
		}
		out = j
		ch.job(j)
		rec, err := s.settle(ctx, j, j.Status == recording.JobCancelled, now)
		if err != nil {
			return err
		}
		ch.rec(rec)
		return s.record(ctx, "recordings.jobs.expire", access.RecordingControl, jobTarget(j), auditJob(before), auditJob(j), nil)
	})
	if err != nil {
		return recording.Job{}, err
	}
	s.publish(&ch)
	return out, nil
}
