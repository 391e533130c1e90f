// Package recordings holds the capture use cases: ad-hoc recordings and
// their jobs (create, stop, discard, list, retry), the agent's side of the
// job protocol (claim, heartbeat, report) with resumable chunk uploads that
// are verified, decoded for their waveform and stored in one transaction
// with their audit row, and the lease runner that fails jobs whose agent
// went silent (a later heartbeat of the claimant revives them). Callbacks
// (WebSocket topics, metrics) run after commit.
package recordings

import (
	"context"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// DefaultCapacity is the capture limit of a node whose
// MaxConcurrentRecordings is unset (0).
const DefaultCapacity = 1

// MaxPageSize is the largest page ListJobs returns.
const MaxPageSize = 500

// Observer counts what the service does (Prometheus); every method must be
// cheap and safe for concurrent use.
type Observer interface {
	// LeaseExpired counts a job failed or cancelled for an expired lease.
	LeaseExpired(nodeID string)
	// JobFailed counts a job that ended failed, by reason.
	JobFailed(reason string)
	// ChunkStored counts the bytes of a chunk stored for a node.
	ChunkStored(nodeID string, bytes int64)
}

// Deps are the ports of the service. Tx, Recordings, Jobs, Chunks,
// Uploads, Profiles, Nodes, Files and Audit are required.
type Deps struct {
	Tx          ports.Transactor
	Recordings  ports.RecordingStore
	Jobs        ports.JobStore
	Chunks      ports.ChunkStore
	Uploads     ports.UploadStore
	Profiles    ports.ProfileStore
	ChannelMaps ports.ChannelMapStore
	Nodes       ports.NodeStore
	Files       ports.RecordingFiles
	// Decoder reads stored chunks for their waveform and frame count (nil:
	// chunks are stored without a waveform and their frames unchecked).
	Decoder ports.AudioDecoder
	Audit   ports.AuditRecorder
	// Health receives the controller.recording.verification_failed events
	// (nil: none are opened).
	Health ports.HealthStore
	// Graph links each recording to its node and room for scope decisions
	// (nil: recordings are not registered).
	Graph ports.ResourceGraph
	Clock ports.Clock
	// Scope filters ListJobs to the caller's readable nodes.
	Scope ports.NodeScope
	// StartedAt is when the controller started: leases get a grace period
	// of one lease after it (a restart is not a silent agent).
	StartedAt time.Time
	// OnJob, OnRecording, OnChunk and OnHealth run after commit with what
	// a write created or changed.
	OnJob       func(recording.Job)
	OnRecording func(recording.Recording)
	// OnChunk gets a stored chunk with its recording's node.
	OnChunk  func(c recording.Chunk, nodeID string)
	OnHealth func(health.Event)
	// OnDeleted runs after commit with a discarded recording.
	OnDeleted func(recording.Recording)
	// Observer, when set, counts lease expiries, failures and bytes.
	Observer Observer
}

// Service implements the capture use cases.
type Service struct{ d Deps }

// New checks deps and returns the service.
func New(d Deps) (*Service, error) {
	if err := ports.RequireDeps("recordings", map[string]bool{"Tx": d.Tx != nil, "Recordings": d.Recordings != nil, "Jobs": d.Jobs != nil, "Chunks": d.Chunks != nil, "Uploads": d.Uploads != nil, "Profiles": d.Profiles != nil, "Nodes": d.Nodes != nil, "Files": d.Files != nil, "Audit": d.Audit != nil}); err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	if d.StartedAt.IsZero() {
		d.StartedAt = d.Clock.Now()
	}
	return &Service{d: d}, nil
}

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC().Truncate(time.Microsecond) }

// record appends a succeeded audit row; inside InTx it commits with the work.
func (s *Service) record(ctx context.Context, action string, perm access.Permission, target audit.Target, before, after any, details map[string]any) error {
	return s.d.Audit.Record(ctx, audit.Event{Action: action, Outcome: audit.Succeeded, Permission: string(perm),
		Target: target, Before: before, After: after, Details: details})
}

// changes collects what a write changed, published after commit.
type changes struct {
	jobs    []recording.Job
	recs    []recording.Recording
	chunks  []nodeChunk
	events  []health.Event
	deleted []recording.Recording
}

func (c *changes) job(j recording.Job)       { c.jobs = append(c.jobs, j) }
func (c *changes) rec(r recording.Recording) { c.recs = append(c.recs, r) }
func (c *changes) event(e health.Event)      { c.events = append(c.events, e) }
func (c *changes) chunk(ch recording.Chunk, nodeID string) {
	c.chunks = append(c.chunks, nodeChunk{ch, nodeID})
}

// nodeChunk is a stored chunk and its node.
type nodeChunk struct {
	c      recording.Chunk
	nodeID string
}

func (c *changes) gone(r recording.Recording) { c.deleted = append(c.deleted, r) }

// publish runs the callbacks with what a committed write changed.
func (s *Service) publish(c *changes) {
	each(s.d.OnJob, c.jobs)
	each(s.d.OnRecording, c.recs)
	if s.d.OnChunk != nil {
		for _, x := range c.chunks {
			s.d.OnChunk(x.c, x.nodeID)
		}
	}
	each(s.d.OnHealth, c.events)
	each(s.d.OnDeleted, c.deleted)
}

func each[T any](fn func(T), items []T) {
	if fn == nil {
		return
	}
	for _, x := range items {
		fn(x)
	}
}

// actorOf is the caller's subject ("user:<id>", "node:<id>").
func actorOf(ctx context.Context) string {
	if p, ok := access.PrincipalFrom(ctx); ok && p.ID != "" {
		return p.Subject()
	}
	return "system:controller"
}

func recTarget(r recording.Recording) audit.Target {
	return audit.Target{Type: string(access.ResourceRecording), ID: r.ID, Name: r.Name}
}

func jobTarget(j recording.Job) audit.Target {
	return audit.Target{Type: string(access.ResourceJob), ID: j.ID, Name: j.RecordingID}
}

// auditRecording is the before/after form of a recording in audit rows.
func auditRecording(r recording.Recording) map[string]any {
	return map[string]any{"id": r.ID, "name": r.Name, "folder": r.Folder, "tags": r.Tags, "status": string(r.Status),
		"health": string(r.Health), "nodeId": r.NodeID, "interfaceId": r.InterfaceID, "roomId": r.RoomID,
		"profileId": r.ProfileID, "channels": r.Channels, "channelMode": string(r.ChannelMode), "codec": string(r.Codec),
		"chunkSeconds": r.ChunkSeconds, "frames": r.Frames, "sizeBytes": r.SizeBytes, "failureReason": r.FailureReason}
}

// auditJob is the before/after form of a job in audit rows.
func auditJob(j recording.Job) map[string]any {
	return map[string]any{"id": j.ID, "recordingId": j.RecordingID, "nodeId": j.NodeID, "status": string(j.Status),
		"claimedBy": j.ClaimedBy, "failureReason": j.FailureReason, "retryOf": j.RetryOf, "chunkTotal": j.ChunkTotal}
}

// scopeJobs narrows f to the caller's readable nodes when a NodeScope is set.
func (s *Service) scopeJobs(ctx context.Context, f *ports.JobFilter) error {
	only, ids, err := ports.NarrowToNodes(ctx, s.d.Scope, access.RecordingRead)
	if only {
		f.OnlyNodes, f.NodeIDs = true, ids
	}
	return err
}

// failed counts a job that ended failed.
func (s *Service) failed(j recording.Job) {
	if s.d.Observer != nil && j.Status == recording.JobFailed {
		s.d.Observer.JobFailed(reasonLabel(j.FailureReason))
	}
}

// reasonLabel bounds a failure reason for a metric label.
func reasonLabel(r string) string {
	if r == "" {
		return "unknown"
	}
	if len(r) > 40 || strings.ContainsFunc(r, func(c rune) bool { return !(c >= 'a' && c <= 'z' || c == '_' || c >= '0' && c <= '9') }) {
		return "other"
	}
	return r
}

// Recording returns one recording.
func (s *Service) Recording(ctx context.Context, id string) (recording.Recording, error) {
	if !validID(id) {
		return recording.Recording{}, recording.ErrNotFound
	}
	return s.d.Recordings.GetRecording(ctx, id)
}

// validID reports whether id looks like an id (bounded, no spaces).
func validID(id string) bool {
	return id != "" && len(id) <= 64 && !strings.ContainsAny(id, " \t\r\n/\\")
}
