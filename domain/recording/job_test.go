package recording

import (
	"errors"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func queuedJob() Job {
	return NewJob(Recording{ID: "rec_1", NodeID: "node_a"}, Command{}, t0)
}

func TestClaimLeasesAQueuedJobOnce(t *testing.T) {
	j := queuedJob()
	if err := j.Claim("node_b", t0); !errors.Is(err, ErrAlreadyClaimed) {
		t.Fatalf("another node's job: %v", err)
	}
	if err := j.Claim("node_a", t0); err != nil {
		t.Fatal(err)
	}
	if j.Status != JobRunning || j.ClaimedBy != "node_a" || !j.LeaseExpiresAt.Equal(t0.Add(LeaseDuration)) {
		t.Fatalf("claimed job = %+v", j)
	}
	if err := j.Claim("node_a", t0); !errors.Is(err, ErrAlreadyClaimed) {
		t.Fatalf("second claim: %v", err)
	}
}

func TestHeartbeatRenewsAndRevivesAnExpiredLease(t *testing.T) {
	j := queuedJob()
	_ = j.Claim("node_a", t0)
	if _, err := j.Heartbeat("node_b", t0); !errors.Is(err, ErrAlreadyClaimed) {
		t.Fatalf("foreign heartbeat: %v", err)
	}
	if _, err := j.Heartbeat("node_a", t0.Add(10*time.Second)); err != nil || !j.LeaseExpiresAt.Equal(t0.Add(40*time.Second)) {
		t.Fatalf("renew: %v %v", err, j.LeaseExpiresAt)
	}
	if j.Expire(t0.Add(39*time.Second), t0) {
		t.Fatal("expired before the lease ended")
	}
	if !j.Expire(t0.Add(41*time.Second), t0) || j.Status != JobFailed || j.FailureReason != ReasonLeaseExpired {
		t.Fatalf("expire: %+v", j)
	}
	revived, err := j.Heartbeat("node_a", t0.Add(50*time.Second))
	if err != nil || !revived || j.Status != JobRunning || j.FailureReason != "" || j.CompletedAt != nil {
		t.Fatalf("revive: %v %v %+v", revived, err, j)
	}
}

func TestExpireWaitsALeaseAfterTheControllerStarted(t *testing.T) {
	j := queuedJob()
	_ = j.Claim("node_a", t0)
	up := t0.Add(5 * time.Minute) // the controller was down and just came back
	if j.Expire(up.Add(time.Second), up) {
		t.Fatal("a lease expired before agents could reach the restarted controller")
	}
	if !j.Expire(up.Add(LeaseDuration+time.Second), up) {
		t.Fatal("lease never expired")
	}
}

func TestStopRequestLifecycle(t *testing.T) {
	q := queuedJob()
	if err := q.RequestStop(t0); err != nil || q.Status != JobCancelled || q.FailureReason != ReasonOperatorStop {
		t.Fatalf("stop before claim: %v %+v", err, q)
	}
	j := queuedJob()
	_ = j.Claim("node_a", t0)
	if err := j.RequestStop(t0.Add(time.Second)); err != nil || j.Status != JobStopRequested {
		t.Fatalf("stop: %v %+v", err, j)
	}
	if err := j.RequestStop(t0.Add(2 * time.Second)); err != nil {
		t.Fatalf("repeated stop: %v", err)
	}
	if !j.Expire(t0.Add(time.Minute), t0) || j.Status != JobCancelled || j.FailureReason != ReasonStopRequestExpired {
		t.Fatalf("unanswered stop: %+v", j)
	}
}

func TestFinishIsIdempotentAndOnlyForTheClaimant(t *testing.T) {
	j := queuedJob()
	_ = j.Claim("node_a", t0)
	if err := j.Finish("node_b", JobCompleted, "", 3, t0); !errors.Is(err, ErrAlreadyClaimed) {
		t.Fatalf("foreign finish: %v", err)
	}
	if err := j.Finish("node_a", JobRunning, "", 3, t0); !errors.Is(err, ErrJobNotLive) {
		t.Fatalf("non-terminal finish: %v", err)
	}
	if err := j.Finish("node_a", JobCompleted, ReasonOperatorStop, 3, t0); err != nil || j.ChunkTotal != 3 {
		t.Fatalf("finish: %v %+v", err, j)
	}
	if err := j.Finish("node_a", JobCompleted, ReasonOperatorStop, 3, t0); err != nil {
		t.Fatalf("repeated report: %v", err)
	}
	if err := j.Finish("node_a", JobFailed, "x", 3, t0); !errors.Is(err, ErrJobNotLive) {
		t.Fatalf("contradicting report: %v", err)
	}
}

func TestRetryClonesTheCommand(t *testing.T) {
	j := queuedJob()
	j.Command.FileStem = "stem"
	if _, err := j.Retry(t0); !errors.Is(err, ErrJobNotRetryable) {
		t.Fatalf("retry of a queued job: %v", err)
	}
	_ = j.Cancel(ReasonDiscarded, t0)
	n, err := j.Retry(t0.Add(time.Second))
	if err != nil || n.ID == j.ID || n.Status != JobQueued || n.RetryOf != j.ID || n.Command.FileStem != "stem" {
		t.Fatalf("retry: %v %+v", err, n)
	}
}
