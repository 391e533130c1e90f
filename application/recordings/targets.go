package recordings

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
)

// orGlobal turns a not-found lookup into the global scope (the handler
// then answers 404 to callers holding the permission).
func orGlobal(ref access.Ref, err error) (access.Ref, error) {
	if errs.KindOf(err) == errs.KindNotFound {
		return access.Global, nil
	}
	if err != nil {
		return access.Ref{}, err
	}
	return ref, nil
}

// RecordingTarget is the scope target of a recording route: the recording
// (its scope-graph parents are its node and room).
func (s *Service) RecordingTarget(ctx context.Context, id string) (access.Ref, error) {
	if !validID(id) {
		return access.Global, nil
	}
	_, err := s.d.Recordings.GetRecording(ctx, id)
	return orGlobal(access.Ref{Type: access.ResourceRecording, ID: id}, err)
}

// JobTarget is the scope target of a job route: the job's recording.
func (s *Service) JobTarget(ctx context.Context, id string) (access.Ref, error) {
	if !validID(id) {
		return access.Global, nil
	}
	j, err := s.d.Jobs.GetJob(ctx, id)
	if err != nil {
		return orGlobal(access.Ref{}, err)
	}
	return s.RecordingTarget(ctx, j.RecordingID)
}

// CreateTarget is the scope target of a create request: the first selected
// channel (whose parents are its interface, node and room), else the node,
// else (unknown node) the global scope.
func (s *Service) CreateTarget(ctx context.Context, nodeID, ifaceID string, channels []int) (access.Ref, error) {
	if !validID(nodeID) {
		return access.Global, nil
	}
	n, err := s.d.Nodes.GetNode(ctx, nodeID)
	if err != nil {
		return orGlobal(access.Ref{}, err)
	}
	if i, ok := n.Interface(ifaceID); ok && len(channels) > 0 && channels[0] >= 1 && channels[0] <= i.ChannelCount {
		return access.Ref{Type: access.ResourceChannel, ID: node.ChannelRef(i.ID, channels[0])}, nil
	}
	return access.Ref{Type: access.ResourceNode, ID: n.ID}, nil
}
