package jobs_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

var errDown = errors.New("dial tcp: connection refused")

// fakeAPI is an in-memory controller implementing the job and upload
// contract.
type fakeAPI struct {
	mu         sync.Mutex
	queue      []agentapi.Job
	down       bool
	gone       map[string]bool
	notLive    map[string]bool
	stop       map[string]bool
	cancel     map[string]bool
	uploads    map[string]*fakeUpload
	stored     map[string]map[int][]byte // job → index → bytes
	reports    map[string][]agentapi.JobReport
	heartbeats map[string]int
	// cutAfter > 0 makes the next PUT keep that many bytes, then fail.
	cutAfter int64
	// checksumFailures > 0 makes that many completions fail the checksum.
	checksumFailures int
	putOffsets       []int64
	bytesReceived    int64
}

type fakeUpload struct {
	req  agentapi.UploadRequest
	data []byte
	done bool
}

func newAPI(jobs ...agentapi.Job) *fakeAPI {
	return &fakeAPI{queue: jobs, gone: map[string]bool{}, notLive: map[string]bool{}, stop: map[string]bool{}, cancel: map[string]bool{},
		uploads: map[string]*fakeUpload{}, stored: map[string]map[int][]byte{}, reports: map[string][]agentapi.JobReport{}, heartbeats: map[string]int{}}
}

func (a *fakeAPI) set(f func(a *fakeAPI)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f(a)
}

func (a *fakeAPI) ClaimJob(ctx context.Context) (*agentapi.Job, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.down {
		return nil, errDown
	}
	if len(a.queue) == 0 {
		return nil, nil
	}
	j := a.queue[0]
	a.queue = a.queue[1:]
	return &j, nil
}

func (a *fakeAPI) state(id string) (agentapi.JobState, error) {
	switch {
	case a.down:
		return agentapi.JobState{}, errDown
	case a.gone[id]:
		return agentapi.JobState{}, ports.ErrJobGone
	case a.notLive[id]:
		return agentapi.JobState{}, ports.ErrJobNotLive
	}
	return agentapi.JobState{ID: id, Status: "running", StopRequested: a.stop[id], Cancelled: a.cancel[id]}, nil
}

func (a *fakeAPI) GetJob(ctx context.Context, id string) (agentapi.JobState, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state(id)
}

func (a *fakeAPI) JobHeartbeat(ctx context.Context, id string, hb agentapi.JobHeartbeat) (agentapi.JobState, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := a.state(id)
	if err == nil {
		a.heartbeats[id]++
	}
	return st, err
}

func (a *fakeAPI) ReportJob(ctx context.Context, id string, r agentapi.JobReport) (agentapi.JobState, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := a.state(id)
	if err == nil {
		a.reports[id] = append(a.reports[id], r)
	}
	return st, err
}

func (a *fakeAPI) OpenUpload(ctx context.Context, req agentapi.UploadRequest) (agentapi.UploadStatus, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.state(req.JobID); err != nil {
		return agentapi.UploadStatus{}, err
	}
	id := fmt.Sprintf("up_%s_%d_%s", req.JobID, req.Index, req.SHA256[:8])
	u, ok := a.uploads[id]
	if !ok {
		u = &fakeUpload{req: req}
		a.uploads[id] = u
	}
	return a.status(id, u), nil
}

func (a *fakeAPI) status(id string, u *fakeUpload) agentapi.UploadStatus {
	return agentapi.UploadStatus{UploadID: id, ReceivedBytes: int64(len(u.data)), SizeBytes: u.req.SizeBytes, Complete: u.done}
}

func (a *fakeAPI) UploadStatus(ctx context.Context, id string) (agentapi.UploadStatus, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.down {
		return agentapi.UploadStatus{}, errDown
	}
	u, ok := a.uploads[id]
	if !ok {
		return agentapi.UploadStatus{}, ports.ErrJobGone
	}
	return a.status(id, u), nil
}

func (a *fakeAPI) PutUpload(ctx context.Context, id string, offset int64, body io.Reader, length int64) (agentapi.UploadStatus, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.down {
		return agentapi.UploadStatus{}, errDown
	}
	u, ok := a.uploads[id]
	if !ok {
		return agentapi.UploadStatus{}, ports.ErrJobGone
	}
	if int64(len(data)) != length {
		return agentapi.UploadStatus{}, fmt.Errorf("body has %d bytes, Content-Length %d", len(data), length)
	}
	if offset != int64(len(u.data)) {
		return agentapi.UploadStatus{}, &ports.UploadOffsetError{ReceivedBytes: int64(len(u.data))}
	}
	a.putOffsets = append(a.putOffsets, offset)
	if a.cutAfter > 0 && int64(len(data)) > a.cutAfter {
		u.data = append(u.data, data[:a.cutAfter]...)
		a.bytesReceived += a.cutAfter
		a.cutAfter = 0
		return agentapi.UploadStatus{}, io.ErrUnexpectedEOF
	}
	u.data = append(u.data, data...)
	a.bytesReceived += int64(len(data))
	if int64(len(u.data)) == u.req.SizeBytes {
		sum := sha256.Sum256(u.data)
		if hex.EncodeToString(sum[:]) != u.req.SHA256 || a.checksumFailures > 0 {
			if a.checksumFailures > 0 {
				a.checksumFailures--
			}
			u.data = nil
			return agentapi.UploadStatus{}, ports.ErrUploadChecksumMismatch
		}
		u.done = true
		if a.stored[u.req.JobID] == nil {
			a.stored[u.req.JobID] = map[int][]byte{}
		}
		a.stored[u.req.JobID][u.req.Index] = u.data
	}
	return a.status(id, u), nil
}
