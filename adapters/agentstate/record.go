package agentstate

import (
	"time"

	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// jobRecord is the stored JSON of a ports.AgentJob (schema version 1).
type jobRecord struct {
	Job            agentapi.Job        `json:"job"`
	Phase          string              `json:"phase"`
	Dir            string              `json:"dir"`
	SampleRate     int                 `json:"sampleRate,omitempty"`
	StartedAt      time.Time           `json:"startedAt"`
	EndedAt        time.Time           `json:"endedAt"`
	CapturedFrames int64               `json:"capturedFrames,omitempty"`
	GapFrames      int64               `json:"gapFrames,omitempty"`
	Chunks         []chunkRecord       `json:"chunks"`
	Reason         string              `json:"reason,omitempty"`
	Report         *agentapi.JobReport `json:"report,omitempty"`
	UpdatedAt      time.Time           `json:"updatedAt"`
}

// chunkRecord is the stored JSON of a ports.AgentChunk.
type chunkRecord struct {
	Index        int    `json:"index"`
	OffsetFrames int64  `json:"offsetFrames"`
	Frames       int64  `json:"frames"`
	SampleRate   int    `json:"sampleRate"`
	Channels     int    `json:"channels"`
	GapFrames    int64  `json:"gapFrames,omitempty"`
	RawPath      string `json:"rawPath"`
	RenderedPath string `json:"renderedPath,omitempty"`
	SizeBytes    int64  `json:"sizeBytes,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
	// Measured, PeakDbfs and RmsDbfs are absent in records written before
	// rendering measured levels (the report then reads the raw master).
	Measured  bool    `json:"measured,omitempty"`
	PeakDbfs  float64 `json:"peakDbfs,omitempty"`
	RmsDbfs   float64 `json:"rmsDbfs,omitempty"`
	UploadID  string  `json:"uploadId,omitempty"`
	Uploaded  bool    `json:"uploaded,omitempty"`
	Final     bool    `json:"final,omitempty"`
	Recovered bool    `json:"recovered,omitempty"`
}

// fromPortJob converts a job to its stored form.
func fromPortJob(j ports.AgentJob) jobRecord {
	r := jobRecord{Job: j.Job, Phase: string(j.Phase), Dir: j.Dir, SampleRate: j.SampleRate,
		StartedAt: j.StartedAt, EndedAt: j.EndedAt, CapturedFrames: j.CapturedFrames, GapFrames: j.GapFrames,
		Chunks: make([]chunkRecord, 0, len(j.Chunks)), Reason: j.Reason, Report: j.Report, UpdatedAt: j.UpdatedAt}
	for _, c := range j.Chunks {
		r.Chunks = append(r.Chunks, chunkRecord(c))
	}
	return r
}

// toPortJob converts a stored job back.
func toPortJob(r jobRecord) ports.AgentJob {
	j := ports.AgentJob{Job: r.Job, Phase: ports.AgentJobPhase(r.Phase), Dir: r.Dir, SampleRate: r.SampleRate,
		StartedAt: r.StartedAt, EndedAt: r.EndedAt, CapturedFrames: r.CapturedFrames, GapFrames: r.GapFrames,
		Reason: r.Reason, Report: r.Report, UpdatedAt: r.UpdatedAt}
	if j.Phase == "" {
		j.Phase = ports.PhaseCapturing
	}
	for _, c := range r.Chunks {
		j.Chunks = append(j.Chunks, ports.AgentChunk(c))
	}
	return j
}
