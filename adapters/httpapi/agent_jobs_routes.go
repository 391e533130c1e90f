package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/recordings"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// AgentJobsModule serves the agent's job and upload routes
// (ports/agentapi/jobs.go; node credential of the node in the path).
type AgentJobsModule struct {
	Service *recordings.Service
}

// jobPath turns an agentapi job path into a Gin path (:id, then :jobId or
// :uploadId).
func jobPath(p, second string) string {
	if second == "" {
		return fmt.Sprintf(p, ":id")
	}
	return fmt.Sprintf(p, ":id", second)
}

// Routes implements Module.
func (m *AgentJobsModule) Routes() []Route {
	node := func(method, path, action, summary string, h func(*gin.Context) error) Route {
		return Route{Method: method, Path: path, Tag: "agent", Summary: summary, Access: AccessNode,
			Permission: access.NodeControl, Action: action, Handler: h}
	}
	claim := node(http.MethodPost, jobPath(agentapi.PathJobClaim, ""), "agent.jobs.claim",
		"Agent: lease the node's oldest queued capture job (job null when none)", m.claim)
	claim.Response = agentapi.ClaimResponse{}
	get := node(http.MethodGet, jobPath(agentapi.PathJob, ":jobId"), "agent.jobs.get", "Agent: the controller's view of a job", m.state)
	get.Response = agentapi.JobState{}
	hb := node(http.MethodPost, jobPath(agentapi.PathJobHeartbeat, ":jobId"), "agent.jobs.heartbeat",
		"Agent: renew a job's lease (409 job.notLive: discarded, drop the files)", m.heartbeat)
	hb.Request, hb.Response = agentapi.JobHeartbeat{}, agentapi.JobState{}
	rep := node(http.MethodPost, jobPath(agentapi.PathJobReport, ":jobId"), "agent.jobs.report",
		"Agent: a job's final outcome (settles the recording)", m.report)
	rep.Request, rep.Response = agentapi.JobReport{}, agentapi.JobState{}
	open := node(http.MethodPost, jobPath(agentapi.PathUploads, ""), "agent.uploads.open",
		"Agent: open or resume the upload of one chunk file", m.openUpload)
	open.Request, open.Response = agentapi.UploadRequest{}, agentapi.UploadStatus{}
	status := node(http.MethodGet, jobPath(agentapi.PathUpload, ":uploadId"), "agent.uploads.get",
		"Agent: how many bytes of an upload arrived", m.uploadStatus)
	status.Response = agentapi.UploadStatus{}
	put := node(http.MethodPut, jobPath(agentapi.PathUpload, ":uploadId"), "agent.uploads.put",
		"Agent: send the bytes of a chunk file from the X-Rakkr-Upload-Offset header's offset (409 upload.offsetMismatch, 422 upload.checksumMismatch)", m.putUpload)
	put.Response, put.StreamBody = agentapi.UploadStatus{}, true
	return []Route{claim, get, hb, rep, open, status, put}
}

func (m *AgentJobsModule) claim(c *gin.Context) error {
	j, err := m.Service.ClaimNext(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	var out agentapi.ClaimResponse
	if j != nil {
		w := recordings.WireJob(*j)
		out.Job = &w
	}
	return OK(c, out)
}

func (m *AgentJobsModule) state(c *gin.Context) error {
	st, err := m.Service.JobState(RequestContext(c), c.Param("id"), c.Param("jobId"))
	if err != nil {
		return err
	}
	return OK(c, st)
}

func (m *AgentJobsModule) heartbeat(c *gin.Context) error {
	var b agentapi.JobHeartbeat
	if err := Bind(c, &b); err != nil {
		return err
	}
	st, err := m.Service.Heartbeat(RequestContext(c), c.Param("id"), c.Param("jobId"), b)
	if err != nil {
		return err
	}
	return OK(c, st)
}

func (m *AgentJobsModule) report(c *gin.Context) error {
	var b agentapi.JobReport
	if err := Bind(c, &b); err != nil {
		return err
	}
	st, err := m.Service.Report(RequestContext(c), c.Param("id"), c.Param("jobId"), b)
	if err != nil {
		return err
	}
	return OK(c, st)
}

func (m *AgentJobsModule) openUpload(c *gin.Context) error {
	var b agentapi.UploadRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	st, err := m.Service.OpenUpload(RequestContext(c), c.Param("id"), b)
	if err != nil {
		return err
	}
	return OK(c, st)
}

func (m *AgentJobsModule) uploadStatus(c *gin.Context) error {
	st, err := m.Service.UploadStatus(RequestContext(c), c.Param("id"), c.Param("uploadId"))
	if err != nil {
		return err
	}
	return OK(c, st)
}

// putUpload streams the body to the upload's partial file: a declared
// Content-Length past the bytes the file still needs is refused before
// reading, and the service never reads more than that plus one byte.
func (m *AgentJobsModule) putUpload(c *gin.Context) error {
	h := c.GetHeader(agentapi.HeaderUploadOffset)
	offset, err := strconv.ParseInt(h, 10, 64)
	if err != nil || offset < 0 {
		return errs.Field(agentapi.HeaderUploadOffset, "is required: the non-negative byte offset of the body")
	}
	ctx, nodeID, id := RequestContext(c), c.Param("id"), c.Param("uploadId")
	remaining, err := m.Service.UploadRemaining(ctx, nodeID, id, offset)
	if err != nil {
		return err
	}
	if c.Request.ContentLength > remaining {
		return errs.New(errs.KindTooLarge, "upload.tooLarge", fmt.Sprintf("the body is larger than the %d bytes the file still needs", remaining))
	}
	body := c.Request.Body
	if body == nil {
		body = http.NoBody
	}
	st, err := m.Service.PutUpload(ctx, nodeID, id, offset, body)
	if err != nil {
		return err
	}
	return OK(c, st)
}

var _ Module = (*AgentJobsModule)(nil)
