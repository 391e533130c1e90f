package profiles

import (
	"context"
	"slices"
	"strings"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// Assignments lists every assignment.
func (s *Service) Assignments(ctx context.Context) ([]channelmap.Assignment, error) {
	return s.d.Maps.Assignments(ctx)
}

// AssignInput binds a template to an interface or a node.
type AssignInput struct {
	TargetType string
	TargetID   string
	TemplateID string
}

// Assign binds a template to a target, replacing its previous assignment.
// The template must exist, and the target too when Deps.Nodes is set (each
// a 400 naming the field).
func (s *Service) Assign(ctx context.Context, in AssignInput) (channelmap.Assignment, error) {
	tt, err := checkTarget(in.TargetType, in.TargetID)
	if err != nil {
		return channelmap.Assignment{}, err
	}
	if _, err := s.GetTemplate(ctx, in.TemplateID); err != nil {
		return channelmap.Assignment{}, notFoundField(err, "templateId", "no channel-map template has this id")
	}
	if err := s.checkTargetExists(ctx, tt, in.TargetID); err != nil {
		return channelmap.Assignment{}, err
	}
	a := channelmap.Assignment{ID: channelmap.NewAssignmentID(), TargetType: tt, TargetID: in.TargetID,
		TemplateID: in.TemplateID, AssignedAt: s.d.Clock.Now(), AssignedBy: actor(ctx)}
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.assignmentOf(ctx, tt, in.TargetID)
		if err != nil {
			return err
		}
		if err := s.d.Maps.Assign(ctx, a); err != nil {
			return err
		}
		var bv any
		if before != nil {
			bv = assignmentView(*before)
		}
		return s.record(ctx, ActionAssign, assignmentTarget(a), bv, assignmentView(a))
	})
	if err != nil {
		return channelmap.Assignment{}, err
	}
	return a, nil
}

// Unassign removes a target's assignment (recording.ErrAssignmentMissing
// when it has none).
func (s *Service) Unassign(ctx context.Context, targetType, targetID string) (channelmap.Assignment, error) {
	tt, err := checkTarget(targetType, targetID)
	if err != nil {
		return channelmap.Assignment{}, err
	}
	var gone channelmap.Assignment
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.assignmentOf(ctx, tt, targetID)
		if err != nil {
			return err
		}
		if before == nil {
			return recording.ErrAssignmentMissing
		}
		gone = *before
		if err := s.d.Maps.Unassign(ctx, tt, targetID); err != nil {
			return err
		}
		return s.record(ctx, ActionUnassign, assignmentTarget(gone), assignmentView(gone), nil)
	})
	return gone, err
}

// Resolve returns the template that applies to an interface: the
// interface's own assignment, else its node's, else nil.
func (s *Service) Resolve(ctx context.Context, nodeID, interfaceID string) (*channelmap.Template, error) {
	as, err := s.d.Maps.Assignments(ctx)
	if err != nil {
		return nil, err
	}
	var pick *channelmap.Assignment
	for i, a := range as {
		switch {
		case a.TargetType == channelmap.TargetInterface && interfaceID != "" && a.TargetID == interfaceID:
			pick = &as[i]
		case a.TargetType == channelmap.TargetNode && nodeID != "" && a.TargetID == nodeID && pick == nil:
			pick = &as[i]
		}
		if pick != nil && pick.TargetType == channelmap.TargetInterface {
			break
		}
	}
	if pick == nil {
		return nil, nil
	}
	t, err := s.d.Maps.GetTemplate(ctx, pick.TemplateID)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// assignmentOf returns a target's assignment, or nil.
func (s *Service) assignmentOf(ctx context.Context, tt channelmap.TargetType, id string) (*channelmap.Assignment, error) {
	as, err := s.d.Maps.Assignments(ctx)
	if err != nil {
		return nil, err
	}
	for i, a := range as {
		if a.TargetType == tt && a.TargetID == id {
			return &as[i], nil
		}
	}
	return nil, nil
}

func checkTarget(targetType, targetID string) (channelmap.TargetType, error) {
	var is errs.Issues
	tt := channelmap.TargetType(targetType)
	if tt != channelmap.TargetInterface && tt != channelmap.TargetNode {
		is.Add("targetType", "must be interface or node")
	}
	if invalidID(targetID) || strings.ContainsAny(targetID, " \t\r\n") {
		is.Add("targetId", "must be an interface or node id")
	}
	return tt, is.Err()
}

// checkTargetExists looks the target up when a NodeStore is set.
func (s *Service) checkTargetExists(ctx context.Context, tt channelmap.TargetType, id string) error {
	if s.d.Nodes == nil {
		return nil
	}
	if tt == channelmap.TargetNode {
		_, err := s.d.Nodes.GetNode(ctx, id)
		return notFoundField(err, "targetId", "no node has this id")
	}
	nodes, err := s.d.Nodes.ListNodes(ctx, ports.NodeFilter{})
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if slices.ContainsFunc(n.Interfaces, func(i node.Interface) bool { return i.ID == id }) {
			return nil
		}
	}
	return errs.Field("targetId", "no interface has this id")
}

// actor is the "by" of the caller in ctx.
func actor(ctx context.Context) string {
	if p, ok := access.PrincipalFrom(ctx); ok && p.ID != "" {
		return p.Subject()
	}
	return "system:controller"
}

func assignmentTarget(a channelmap.Assignment) audit.Target {
	return audit.Target{Type: "channel_map_assignment", ID: string(a.TargetType) + ":" + a.TargetID}
}

func assignmentView(a channelmap.Assignment) map[string]any {
	return map[string]any{"targetType": string(a.TargetType), "targetId": a.TargetID, "templateId": a.TemplateID}
}
