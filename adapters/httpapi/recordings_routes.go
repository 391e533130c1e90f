package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/recordings"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// RecordingsModule serves the capture control routes: start an ad-hoc
// recording, stop or discard it, and list, inspect, retry and stop its
// capture jobs. (The library — list, detail, metadata, delete, playback —
// is LibraryModule.)
type RecordingsModule struct {
	Service *recordings.Service
}

// RecordingCreateRequest starts an ad-hoc recording.
type RecordingCreateRequest struct {
	NodeID      string `json:"nodeId"`
	InterfaceID string `json:"interfaceId"`
	// Channels are 1-based interface channels, in output order.
	Channels []int `json:"channels"`
	// ChannelMode (mono|stereo|mono_to_stereo_mix|multichannel) defaults
	// to the profile's.
	ChannelMode string   `json:"channelMode"`
	ProfileID   string   `json:"profileId"`
	Name        string   `json:"name"`
	Folder      string   `json:"folder"`
	Tags        []string `json:"tags"`
	// DurationSeconds > 0 ends the capture on its own.
	DurationSeconds      int    `json:"durationSeconds"`
	ChannelMapTemplateID string `json:"channelMapTemplateId"`
}

// RecordingWithJob is a recording and its (newest) capture job.
type RecordingWithJob struct {
	Recording RecordingView `json:"recording"`
	Job       JobView       `json:"job"`
}

// Routes implements Module.
func (m *RecordingsModule) Routes() []Route {
	r := func(method, path string, perm access.Permission, action, summary string, h func(*gin.Context) error) Route {
		return Route{Method: method, Path: path, Tag: "recordings", Summary: summary, Access: AccessPermission,
			Permission: perm, Action: action, Handler: h}
	}
	const recs, jobs = "/api/v1/recordings", "/api/v1/recording-jobs"
	create := r(http.MethodPost, recs, access.RecordingCreate, "recordings.create",
		"Start an ad-hoc recording (409 capture_channels_busy, node_capture_capacity_reached, interface_missing)", m.create)
	create.Request, create.Response, create.Status, create.Target = RecordingCreateRequest{}, RecordingWithJob{}, http.StatusCreated, m.createTarget
	stop := r(http.MethodPost, recs+"/:id/stop", access.RecordingControl, "recordings.stop",
		"Stop a recording: a running capture finishes and keeps its audio; a queued one is cancelled", m.stop)
	stop.Response, stop.Target = RecordingWithJob{}, m.recTarget
	discard := r(http.MethodPost, recs+"/:id/discard", access.RecordingDelete, "recordings.discard",
		"Discard a recording: cancel its capture and delete it with its files", m.discard)
	discard.Response, discard.Target = RecordingView{}, m.recTarget
	list := r(http.MethodGet, jobs, access.RecordingRead, "recordings.jobs.list",
		"List capture jobs, newest first (filters status (repeatable or comma list), nodeId, recordingId; limit, offset)", m.listJobs)
	list.Response = []JobView{}
	get := r(http.MethodGet, jobs+"/:id", access.RecordingRead, "recordings.jobs.get", "One capture job", m.getJob)
	get.Response, get.Target = JobView{}, m.jobTarget
	retry := r(http.MethodPost, jobs+"/:id/retry", access.RecordingControl, "recordings.jobs.retry",
		"Queue a failed or cancelled job again (409 active_job_exists)", m.retryJob)
	retry.Response, retry.Target = JobView{}, m.jobTarget
	stopJob := r(http.MethodPost, jobs+"/:id/stop", access.RecordingControl, "recordings.jobs.stop",
		"Stop a capture job (a queued job is cancelled)", m.stopJob)
	stopJob.Response, stopJob.Target = JobView{}, m.jobTarget
	return []Route{create, stop, discard, list, get, retry, stopJob}
}

// createTarget scopes a create to the first selected channel (or the
// node); the body is read here and put back for the handler.
func (m *RecordingsModule) createTarget(c *gin.Context) (access.Ref, error) {
	if c.Request.Body == nil {
		return access.Global, nil
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return access.Ref{}, decodeError(err)
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(raw))
	var b struct {
		NodeID      string `json:"nodeId"`
		InterfaceID string `json:"interfaceId"`
		Channels    []int  `json:"channels"`
	}
	if json.Unmarshal(raw, &b) != nil {
		return access.Global, nil
	}
	return m.Service.CreateTarget(RequestContext(c), b.NodeID, b.InterfaceID, b.Channels)
}

func (m *RecordingsModule) recTarget(c *gin.Context) (access.Ref, error) {
	return m.Service.RecordingTarget(RequestContext(c), c.Param("id"))
}

func (m *RecordingsModule) jobTarget(c *gin.Context) (access.Ref, error) {
	return m.Service.JobTarget(RequestContext(c), c.Param("id"))
}

func (m *RecordingsModule) create(c *gin.Context) error {
	var b RecordingCreateRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	rec, job, err := m.Service.Create(RequestContext(c), recordings.CreateInput{NodeID: b.NodeID, InterfaceID: b.InterfaceID,
		Channels: b.Channels, ChannelMode: b.ChannelMode, ProfileID: b.ProfileID, Name: b.Name, Folder: b.Folder, Tags: b.Tags,
		DurationSeconds: b.DurationSeconds, ChannelMapTemplateID: b.ChannelMapTemplateID})
	if err != nil {
		return err
	}
	return Created(c, RecordingWithJob{Recording: ToRecordingView(rec), Job: ToJobView(job)})
}

func (m *RecordingsModule) stop(c *gin.Context) error {
	rec, job, err := m.Service.Stop(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, RecordingWithJob{Recording: ToRecordingView(rec), Job: ToJobView(job)})
}

func (m *RecordingsModule) discard(c *gin.Context) error {
	rec, err := m.Service.Discard(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, ToRecordingView(rec))
}

func (m *RecordingsModule) listJobs(c *gin.Context) error {
	p, err := PageFrom(c)
	if err != nil {
		return err
	}
	f := ports.JobFilter{NodeID: c.Query("nodeId"), RecordingID: c.Query("recordingId")}
	for _, v := range c.QueryArray("status") {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				f.Statuses = append(f.Statuses, recording.JobStatus(s))
			}
		}
	}
	page, err := m.Service.ListJobs(RequestContext(c), f, p.Limit, p.Offset)
	if err != nil {
		return err
	}
	out := make([]JobView, 0, len(page.Jobs))
	for _, j := range page.Jobs {
		out = append(out, ToJobView(j))
	}
	return List(c, out, len(out), page.Total, p)
}

func (m *RecordingsModule) getJob(c *gin.Context) error {
	j, err := m.Service.GetJob(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, ToJobView(j))
}

func (m *RecordingsModule) retryJob(c *gin.Context) error {
	j, err := m.Service.Retry(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, ToJobView(j))
}

func (m *RecordingsModule) stopJob(c *gin.Context) error {
	j, err := m.Service.StopJob(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, ToJobView(j))
}

var _ Module = (*RecordingsModule)(nil)
