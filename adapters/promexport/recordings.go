package promexport

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rakkr/rakkr/domain/recording"
)

// JobCounter counts capture jobs by node and status (ports.JobStore).
type JobCounter interface {
	// CountJobs counts jobs by node and status.
	CountJobs(ctx context.Context) (map[string]map[recording.JobStatus]int64, error)
}

// RecordingMetrics counts the capture pipeline and exports the per-node job
// gauges, read from the job store at scrape time. It implements
// recordings.Observer.
type RecordingMetrics struct {
	failures *prometheus.CounterVec
	expiries *prometheus.CounterVec
	bytes    *prometheus.CounterVec
}

// RegisterRecordings registers rakkr_recording_job_failures_total{reason},
// rakkr_recording_lease_expiries_total, rakkr_recording_bytes_written_total
// {node_id} and the gauges rakkr_recording_active{node_id} (running and
// stop-requested jobs) and rakkr_recording_jobs{node_id,status}, counted by
// jobs at scrape time.
func (m *Metrics) RegisterRecordings(jobs JobCounter) *RecordingMetrics {
	rm := &RecordingMetrics{
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rakkr_recording_job_failures_total", Help: "Capture jobs that ended failed, by reason.",
		}, []string{"reason"}),
		expiries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rakkr_recording_lease_expiries_total", Help: "Capture jobs ended because their agent stopped renewing the lease.",
		}, nil),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rakkr_recording_bytes_written_total", Help: "Bytes of verified chunks stored on the controller, by node.",
		}, []string{"node_id"}),
	}
	rm.expiries.WithLabelValues().Add(0)
	m.Registry.MustRegister(rm.failures, rm.expiries, rm.bytes, &jobCollector{jobs: jobs,
		active:   prometheus.NewDesc("rakkr_recording_active", "Captures running (or finishing after a stop request) per node.", []string{"node_id"}, nil),
		byStatus: prometheus.NewDesc("rakkr_recording_jobs", "Capture jobs per node and status.", []string{"node_id", "status"}, nil)})
	return rm
}

// LeaseExpired implements recordings.Observer.
func (rm *RecordingMetrics) LeaseExpired(string) { rm.expiries.WithLabelValues().Inc() }

// JobFailed implements recordings.Observer.
func (rm *RecordingMetrics) JobFailed(reason string) { rm.failures.WithLabelValues(reason).Inc() }

// ChunkStored implements recordings.Observer.
func (rm *RecordingMetrics) ChunkStored(nodeID string, n int64) {
	rm.bytes.WithLabelValues(nodeID).Add(float64(n))
}

// jobCollector reads the job counts at scrape time.
type jobCollector struct {
	jobs             JobCounter
	active, byStatus *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (jc *jobCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jc.active
	ch <- jc.byStatus
}

// Collect implements prometheus.Collector; a failed count exports nothing
// (rakkr_database_unavailable tells why).
func (jc *jobCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := jc.jobs.CountJobs(ctx)
	if err != nil {
		return
	}
	for nodeID, byStatus := range counts {
		var active int64
		for st, n := range byStatus {
			ch <- prometheus.MustNewConstMetric(jc.byStatus, prometheus.GaugeValue, float64(n), nodeID, string(st))
			if st == recording.JobRunning || st == recording.JobStopRequested {
				active += n
			}
		}
		ch <- prometheus.MustNewConstMetric(jc.active, prometheus.GaugeValue, float64(active), nodeID)
	}
}
