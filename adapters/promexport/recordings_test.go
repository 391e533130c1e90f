package promexport_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/promexport"
	"github.com/rakkr/rakkr/domain/recording"
)

// jobCounts is a fixed JobCounter.
type jobCounts map[string]map[recording.JobStatus]int64

func (j jobCounts) CountJobs(context.Context) (map[string]map[recording.JobStatus]int64, error) {
	return j, nil
}

func TestRecordingMetrics(t *testing.T) {
	m := promexport.New(time.Now())
	rm := m.RegisterRecordings(jobCounts{"n1": {recording.JobRunning: 1, recording.JobStopRequested: 1, recording.JobCompleted: 4}})
	rm.ChunkStored("n1", 1000)
	rm.ChunkStored("n1", 24)
	rm.JobFailed("lease_expired")
	rm.LeaseExpired("n1")
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{
		`rakkr_recording_active{node_id="n1"} 2`,
		`rakkr_recording_jobs{node_id="n1",status="completed"} 4`,
		`rakkr_recording_bytes_written_total{node_id="n1"} 1024`,
		`rakkr_recording_job_failures_total{reason="lease_expired"} 1`,
		`rakkr_recording_lease_expiries_total 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s", want)
		}
	}
}
