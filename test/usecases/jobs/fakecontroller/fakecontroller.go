// Package fakecontroller is an httptest controller that implements the
// agent's job and upload routes (ports/agentapi/jobs.go) faithfully, for
// testing the agent's client and job runner without the real controller.
package fakecontroller

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// Controller is the fake. Lock Mu to read or change its fields while it runs.
type Controller struct {
	// Server is the running test server.
	Server *httptest.Server
	// NodeID and Token are the accepted node credential.
	NodeID, Token string

	Mu sync.Mutex
	// Queue holds the jobs to hand out, oldest first.
	Queue []agentapi.Job
	// Jobs are the claimed jobs' states by id.
	Jobs map[string]*agentapi.JobState
	// Reports are the reports received by job id.
	Reports map[string][]agentapi.JobReport
	// Uploads by id; Stored holds complete chunk bytes by "recording/index".
	Uploads map[string]*Upload
	Stored  map[string][]byte
	// Down makes every route answer 503.
	Down bool
	// CutAfter > 0 makes the next PUT read that many bytes, keep them, and
	// close the connection without answering.
	CutAfter int64
	// ChecksumFailures > 0 fails that many completed uploads with 422.
	ChecksumFailures int
	// Puts records each PUT's offset header.
	Puts []int64
	// BytesReceived counts every body byte kept.
	BytesReceived int64
	nextID        int
}

// Upload is one open upload.
type Upload struct {
	// ID is the upload id; Req what the agent declared.
	ID  string
	Req agentapi.UploadRequest
	// Data are the bytes received; Done is set once verified and stored.
	Data []byte
	Done bool
}

// New starts a fake controller for node nodeID with token.
func New(nodeID, token string) *Controller {
	c := &Controller{NodeID: nodeID, Token: token, Jobs: map[string]*agentapi.JobState{}, Reports: map[string][]agentapi.JobReport{},
		Uploads: map[string]*Upload{}, Stored: map[string][]byte{}}
	c.Server = httptest.NewServer(http.HandlerFunc(c.serve))
	return c
}

// Close stops the server.
func (c *Controller) Close() { c.Server.Close() }

// Key names a stored chunk.
func Key(recordingID string, index int) string { return fmt.Sprintf("%s/%d", recordingID, index) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"data": v})
}

func writeErr(w http.ResponseWriter, status int, code string, details map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": code, "details": details}})
}

// serve routes /api/v1/nodes/{node}/….
func (c *Controller) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v1/nodes/"), "/")
	if r.Header.Get("Authorization") != "Bearer "+c.Token || len(parts) < 2 || parts[0] != c.NodeID {
		writeErr(w, http.StatusUnauthorized, "auth.unauthorized", nil)
		return
	}
	c.Mu.Lock()
	down := c.Down
	c.Mu.Unlock()
	if down {
		writeErr(w, http.StatusServiceUnavailable, "controller.unavailable", nil)
		return
	}
	switch {
	case r.Method == http.MethodPost && len(parts) == 3 && parts[1] == "jobs" && parts[2] == "claim":
		c.claim(w)
	case r.Method == http.MethodGet && len(parts) == 3 && parts[1] == "jobs":
		c.job(w, parts[2], nil)
	case r.Method == http.MethodPost && len(parts) == 4 && parts[1] == "jobs" && parts[3] == "heartbeat":
		c.job(w, parts[2], func(*agentapi.JobState) {})
	case r.Method == http.MethodPost && len(parts) == 4 && parts[1] == "jobs" && parts[3] == "report":
		var rep agentapi.JobReport
		if json.NewDecoder(r.Body).Decode(&rep) != nil {
			writeErr(w, http.StatusBadRequest, "request.invalid", nil)
			return
		}
		c.job(w, parts[2], func(st *agentapi.JobState) {
			c.Reports[st.ID] = append(c.Reports[st.ID], rep)
			st.Status = rep.Status
		})
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "uploads":
		c.open(w, r)
	case r.Method == http.MethodGet && len(parts) == 3 && parts[1] == "uploads":
		c.status(w, parts[2])
	case r.Method == http.MethodPut && len(parts) == 3 && parts[1] == "uploads":
		c.put(w, r, parts[2])
	default:
		writeErr(w, http.StatusNotFound, "route.notFound", nil)
	}
}

func (c *Controller) claim(w http.ResponseWriter) {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	if len(c.Queue) == 0 {
		writeJSON(w, http.StatusOK, agentapi.ClaimResponse{})
		return
	}
	j := c.Queue[0]
	c.Queue = c.Queue[1:]
	j.Status = "running"
	c.Jobs[j.ID] = &agentapi.JobState{ID: j.ID, Status: "running"}
	writeJSON(w, http.StatusOK, agentapi.ClaimResponse{Job: &j})
}

// job answers a job route; f (heartbeat, report) runs on a live job.
func (c *Controller) job(w http.ResponseWriter, id string, f func(*agentapi.JobState)) {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	st, ok := c.Jobs[id]
	switch {
	case !ok:
		writeErr(w, http.StatusNotFound, "job.notFound", nil)
		return
	case f != nil && st.Cancelled:
		writeErr(w, http.StatusConflict, "job.notLive", nil)
		return
	case f != nil:
		f(st)
	}
	writeJSON(w, http.StatusOK, st)
}

func (c *Controller) statusOf(u *Upload) agentapi.UploadStatus {
	return agentapi.UploadStatus{UploadID: u.ID, ReceivedBytes: int64(len(u.Data)), SizeBytes: u.Req.SizeBytes, Complete: u.Done}
}

func (c *Controller) open(w http.ResponseWriter, r *http.Request) {
	var req agentapi.UploadRequest
	if json.NewDecoder(r.Body).Decode(&req) != nil || req.SizeBytes <= 0 || len(req.SHA256) != 64 {
		writeErr(w, http.StatusBadRequest, "request.invalid", nil)
		return
	}
	c.Mu.Lock()
	defer c.Mu.Unlock()
	if _, ok := c.Jobs[req.JobID]; !ok {
		writeErr(w, http.StatusNotFound, "recording.notFound", nil)
		return
	}
	for _, u := range c.Uploads {
		if u.Req.RecordingID == req.RecordingID && u.Req.Index == req.Index && u.Req.SHA256 == req.SHA256 {
			writeJSON(w, http.StatusOK, c.statusOf(u))
			return
		}
	}
	c.nextID++
	u := &Upload{ID: "upl_" + strconv.Itoa(c.nextID), Req: req}
	c.Uploads[u.ID] = u
	writeJSON(w, http.StatusCreated, c.statusOf(u))
}

func (c *Controller) status(w http.ResponseWriter, id string) {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	u, ok := c.Uploads[id]
	if !ok {
		writeErr(w, http.StatusNotFound, "upload.notFound", nil)
		return
	}
	writeJSON(w, http.StatusOK, c.statusOf(u))
}

func (c *Controller) put(w http.ResponseWriter, r *http.Request, id string) {
	c.Mu.Lock()
	u, ok := c.Uploads[id]
	var received int64
	if ok {
		received = int64(len(u.Data))
	}
	cut := c.CutAfter
	c.CutAfter = 0
	c.Mu.Unlock()
	off, err := strconv.ParseInt(r.Header.Get(agentapi.HeaderUploadOffset), 10, 64)
	switch {
	case !ok:
		writeErr(w, http.StatusNotFound, "upload.notFound", nil)
		return
	case err != nil || r.ContentLength < 0:
		writeErr(w, http.StatusBadRequest, "upload.invalid", nil)
		return
	case off != received:
		writeErr(w, http.StatusConflict, "upload.offsetMismatch", map[string]any{"receivedBytes": received})
		return
	case off+r.ContentLength > u.Req.SizeBytes:
		writeErr(w, http.StatusRequestEntityTooLarge, "upload.tooLarge", nil)
		return
	}
	if cut > 0 {
		buf := make([]byte, cut)
		n, _ := io.ReadFull(r.Body, buf)
		c.keep(u, off, buf[:n])
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	c.Mu.Lock()
	defer c.Mu.Unlock()
	c.Puts = append(c.Puts, off)
	u.Data = append(u.Data, body...)
	c.BytesReceived += int64(len(body))
	if int64(len(u.Data)) == u.Req.SizeBytes {
		sum := sha256.Sum256(u.Data)
		if hex.EncodeToString(sum[:]) != u.Req.SHA256 || c.ChecksumFailures > 0 {
			if c.ChecksumFailures > 0 {
				c.ChecksumFailures--
			}
			u.Data = nil
			writeErr(w, http.StatusUnprocessableEntity, "upload.checksumMismatch", nil)
			return
		}
		u.Done = true
		c.Stored[Key(u.Req.RecordingID, u.Req.Index)] = u.Data
	}
	writeJSON(w, http.StatusOK, c.statusOf(u))
}

// keep stores the bytes of a cut PUT.
func (c *Controller) keep(u *Upload, off int64, b []byte) {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	c.Puts = append(c.Puts, off)
	u.Data = append(u.Data, b...)
	c.BytesReceived += int64(len(b))
}
