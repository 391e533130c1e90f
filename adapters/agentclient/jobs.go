package agentclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Error codes of the job and upload routes mapped to ports sentinels.
const (
	codeJobNotLive           = "job.notLive"
	codeUploadOffset         = "upload.offsetMismatch"
	codeUploadChecksum       = "upload.checksumMismatch"
	maxErrorBody       int64 = 1 << 20
)

var _ ports.JobAPI = (*Client)(nil)

// jobPath fills a job route with the node id and one more escaped id.
func (c *Client) jobPath(format, id string) string {
	return fmt.Sprintf(format, url.PathEscape(c.opt.NodeID), url.PathEscape(id))
}

// jobErr maps the job and upload routes' errors to the ports sentinels.
func jobErr(err error) error {
	var se *StatusError
	if !errors.As(err, &se) {
		return err
	}
	switch {
	case se.Status == http.StatusUnauthorized:
		return fmt.Errorf("%w (%v)", ports.ErrNodeUnauthorized, se)
	case se.Status == http.StatusConflict && se.Code == codeJobNotLive:
		return fmt.Errorf("%w (%v)", ports.ErrJobNotLive, se)
	case se.Status == http.StatusNotFound:
		return fmt.Errorf("%w (%v)", ports.ErrJobGone, se)
	case se.Code == codeUploadChecksum:
		return fmt.Errorf("%w (%v)", ports.ErrUploadChecksumMismatch, se)
	}
	return err
}

// ClaimJob implements ports.JobAPI.
func (c *Client) ClaimJob(ctx context.Context) (*agentapi.Job, error) {
	var out agentapi.ClaimResponse
	_, err := c.do(ctx, http.MethodPost, c.nodePath(agentapi.PathJobClaim), c.opt.NodeToken, nil, &out)
	if err != nil {
		return nil, jobErr(err)
	}
	if out.Job != nil && out.Job.ID == "" {
		return nil, nil
	}
	return out.Job, nil
}

// GetJob implements ports.JobAPI.
func (c *Client) GetJob(ctx context.Context, jobID string) (agentapi.JobState, error) {
	var out agentapi.JobState
	_, err := c.do(ctx, http.MethodGet, c.jobPath(agentapi.PathJob, jobID), c.opt.NodeToken, nil, &out)
	return out, jobErr(err)
}

// JobHeartbeat implements ports.JobAPI.
func (c *Client) JobHeartbeat(ctx context.Context, jobID string, hb agentapi.JobHeartbeat) (agentapi.JobState, error) {
	var out agentapi.JobState
	_, err := c.do(ctx, http.MethodPost, c.jobPath(agentapi.PathJobHeartbeat, jobID), c.opt.NodeToken, hb, &out)
	return out, jobErr(err)
}

// ReportJob implements ports.JobAPI.
func (c *Client) ReportJob(ctx context.Context, jobID string, r agentapi.JobReport) (agentapi.JobState, error) {
	var out agentapi.JobState
	_, err := c.do(ctx, http.MethodPost, c.jobPath(agentapi.PathJobReport, jobID), c.opt.NodeToken, r, &out)
	return out, jobErr(err)
}

// OpenUpload implements ports.JobAPI.
func (c *Client) OpenUpload(ctx context.Context, req agentapi.UploadRequest) (agentapi.UploadStatus, error) {
	var out agentapi.UploadStatus
	_, err := c.do(ctx, http.MethodPost, c.nodePath(agentapi.PathUploads), c.opt.NodeToken, req, &out)
	return out, jobErr(err)
}

// UploadStatus implements ports.JobAPI.
func (c *Client) UploadStatus(ctx context.Context, uploadID string) (agentapi.UploadStatus, error) {
	var out agentapi.UploadStatus
	_, err := c.do(ctx, http.MethodGet, c.jobPath(agentapi.PathUpload, uploadID), c.opt.NodeToken, nil, &out)
	return out, jobErr(err)
}

// PutUpload implements ports.JobAPI: it streams length bytes of body with
// a Content-Length and the offset header. It is not bound by
// Options.Timeout (a chunk may take longer to send); ctx bounds it. A 409
// upload.offsetMismatch returns a *ports.UploadOffsetError.
func (c *Client) PutUpload(ctx context.Context, uploadID string, offset int64, body io.Reader, length int64) (agentapi.UploadStatus, error) {
	var out agentapi.UploadStatus
	rd := io.Reader(http.NoBody)
	if length > 0 {
		rd = io.LimitReader(body, length)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.base.String()+c.jobPath(agentapi.PathUpload, uploadID), rd)
	if err != nil {
		return out, err
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(agentapi.HeaderAgentVersion, c.opt.AgentVersion)
	req.Header.Set(agentapi.HeaderUploadOffset, strconv.FormatInt(offset, 10))
	req.Header.Set("Authorization", "Bearer "+c.opt.NodeToken)
	resp, err := (&http.Client{Transport: c.http.Transport}).Do(req)
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return out, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if oe := offsetError(resp.StatusCode, raw); oe != nil {
			return out, oe
		}
		return out, jobErr(statusError(resp.StatusCode, raw))
	}
	return out, decodeData(raw, &out)
}

// offsetError decodes a 409 upload.offsetMismatch (nil for anything else).
func offsetError(status int, raw []byte) error {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Details struct {
				ReceivedBytes *int64 `json:"receivedBytes"`
			} `json:"details"`
		} `json:"error"`
	}
	if status != http.StatusConflict || json.Unmarshal(raw, &body) != nil || body.Error.Code != codeUploadOffset {
		return nil
	}
	if body.Error.Details.ReceivedBytes == nil {
		// Without the count the caller asks for the status.
		return fmt.Errorf("%w (no receivedBytes in the answer)", ports.ErrUploadOffsetMismatch)
	}
	return &ports.UploadOffsetError{ReceivedBytes: *body.Error.Details.ReceivedBytes}
}

// decodeData decodes a JSON answer, unwrapping {"data": …}.
func decodeData(raw []byte, out any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return errors.New("controller answered the upload without a status")
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(raw, &env) == nil && len(env.Data) > 0 && string(env.Data) != "null" {
		raw = env.Data
	}
	return json.Unmarshal(raw, out)
}
