package fleet

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports"
)

// NodeQuery selects nodes for the list, export and counters. Statuses are
// derived, so they are filtered after the store's query.
type NodeQuery struct {
	Filter   ports.NodeFilter
	Statuses []node.Status
	// Limit 0 means all.
	Limit, Offset int
}

// ListNodes returns one page of the nodes the caller may read (node:read
// decided per node) matching q, with the total.
func (s *Service) ListNodes(ctx context.Context, q NodeQuery) ([]NodeView, int, error) {
	for _, st := range q.Statuses {
		if !st.Valid() {
			return nil, 0, errs.Field("status", "must be one of provisioning, online, offline, degraded, recording, alerting")
		}
	}
	nodes, err := s.d.Nodes.ListNodes(ctx, q.Filter)
	if err != nil {
		return nil, 0, err
	}
	views, err := s.views(ctx, nodes)
	if err != nil {
		return nil, 0, err
	}
	out := make([]NodeView, 0, len(views))
	for _, v := range views {
		if len(q.Statuses) > 0 && !containsStatus(q.Statuses, v.Status) {
			continue
		}
		ok, err := s.visible(ctx, nodeRef(v.Node.ID))
		if err != nil {
			return nil, 0, err
		}
		if ok {
			out = append(out, v)
		}
	}
	total := len(out)
	if q.Offset > 0 {
		out = out[min(q.Offset, len(out)):]
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, total, nil
}

func containsStatus(list []node.Status, s node.Status) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// StatusCounts counts the nodes the caller may read by derived status
// (every status present, zero when none) and returns the total.
func (s *Service) StatusCounts(ctx context.Context) (map[node.Status]int, int, error) {
	views, total, err := s.ListNodes(ctx, NodeQuery{})
	if err != nil {
		return nil, 0, err
	}
	out := map[node.Status]int{}
	for _, st := range node.AllStatuses {
		out[st] = 0
	}
	for _, v := range views {
		out[v.Status]++
	}
	return out, total, nil
}

// GetNode returns one node with interfaces, channels and derived status.
func (s *Service) GetNode(ctx context.Context, id string) (NodeView, error) {
	n, err := s.d.Nodes.GetNode(ctx, id)
	if err != nil {
		return NodeView{}, err
	}
	return s.view(ctx, n)
}

// NodePatch changes a node's identity; nil fields stay. RoomID "" clears it.
type NodePatch struct {
	Alias, Site, RoomID, Notes *string
	Tags                       *[]string
	MaxConcurrentRecordings    *int
}

// UpdateNode edits a node's identity, tags, notes and capacity.
func (s *Service) UpdateNode(ctx context.Context, id string, p NodePatch) (NodeView, error) {
	var out node.Node
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		var before node.Node
		n, err := s.d.Nodes.UpdateNode(ctx, id, func(n *node.Node) error {
			before = *n
			before.Tags = append([]string(nil), n.Tags...)
			set(&n.Alias, p.Alias)
			set(&n.Site, p.Site)
			set(&n.Notes, p.Notes)
			if p.RoomID != nil {
				n.RoomID = strings.TrimSpace(*p.RoomID)
			}
			if p.Tags != nil {
				n.Tags = *p.Tags
			}
			if p.MaxConcurrentRecordings != nil && *p.MaxConcurrentRecordings != n.MaxConcurrentRecordings {
				n.MaxConcurrentRecordings = *p.MaxConcurrentRecordings
				n.ConfigVersion++
			}
			if err := n.Validate(); err != nil {
				return err
			}
			if n.RoomID != "" && n.RoomID != before.RoomID {
				site, err := s.checkRoom(ctx, "roomId", n.RoomID)
				if err != nil {
					return err
				}
				if p.Site == nil && n.Site == "" {
					n.Site = site
				} else if n.Site != site {
					return errs.Field("roomId", "the room belongs to site "+site)
				}
			}
			n.UpdatedAt = s.now()
			return nil
		})
		if err != nil {
			return err
		}
		out = n
		if err := s.syncGraph(ctx, n); err != nil {
			return err
		}
		return s.record(ctx, "nodes.update", access.NodeManage, nodeTarget(n), auditNode(before), auditNode(n), nil)
	})
	if err != nil {
		return NodeView{}, err
	}
	return s.view(ctx, out)
}

func set(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// UpdateInterface sets an interface's alias.
func (s *Service) UpdateInterface(ctx context.Context, nodeID, ifaceID, alias string) (NodeView, error) {
	alias = strings.TrimSpace(alias)
	if alias == "" || len(alias) > node.MaxAliasLength {
		return NodeView{}, errs.Field("alias", fmt.Sprintf("is required, at most %d characters", node.MaxAliasLength))
	}
	return s.editInterfaces(ctx, nodeID, "nodes.interfaces.update", func(n *node.Node) error {
		for k := range n.Interfaces {
			if n.Interfaces[k].ID == ifaceID {
				n.Interfaces[k].Alias = alias
				return nil
			}
		}
		return node.ErrInterfaceNotFound
	})
}

// ChannelUpdate edits one channel; nil fields stay, RoomID "" inherits the node's room.
type ChannelUpdate struct {
	InterfaceID string
	Index       int
	Alias       *string
	RoomID      *string
}

// SetChannels sets the aliases and rooms of channels of a node.
func (s *Service) SetChannels(ctx context.Context, nodeID string, ups []ChannelUpdate) (NodeView, error) {
	if len(ups) > node.MaxInterfaces*node.MaxChannels {
		return NodeView{}, errs.Field("channels", "too many channels")
	}
	return s.editInterfaces(ctx, nodeID, "nodes.channels.update", func(n *node.Node) error {
		var is errs.Issues
		for k, u := range ups {
			f := fmt.Sprintf("channels[%d]", k)
			ch := findChannel(n, u.InterfaceID, u.Index)
			if ch == nil {
				is.Add(f, "no channel "+node.ChannelRef(u.InterfaceID, u.Index)+" on this node")
				continue
			}
			if u.Alias != nil {
				a := strings.TrimSpace(*u.Alias)
				if len(a) > node.MaxAliasLength {
					is.Add(f+".alias", fmt.Sprintf("must be at most %d characters", node.MaxAliasLength))
				}
				ch.Alias = a
			}
			if u.RoomID != nil {
				ch.RoomID = strings.TrimSpace(*u.RoomID)
				if ch.RoomID != "" {
					if _, err := s.checkRoom(ctx, f+".roomId", ch.RoomID); err != nil {
						if errs.KindOf(err) != errs.KindInvalid {
							return err
						}
						is.Add(f+".roomId", "no room has this id")
					}
				}
			}
		}
		return is.Err()
	})
}

func findChannel(n *node.Node, ifaceID string, idx int) *node.Channel {
	for k := range n.Interfaces {
		if n.Interfaces[k].ID != ifaceID {
			continue
		}
		for c := range n.Interfaces[k].Channels {
			if n.Interfaces[k].Channels[c].Index == idx {
				return &n.Interfaces[k].Channels[c]
			}
		}
	}
	return nil
}

// editInterfaces locks the node, applies fn to its interfaces and saves
// them, the scope graph and the audit row.
func (s *Service) editInterfaces(ctx context.Context, nodeID, action string, fn func(n *node.Node) error) (NodeView, error) {
	var out node.Node
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		var before []any
		n, err := s.d.Nodes.UpdateNode(ctx, nodeID, func(n *node.Node) error {
			before = append(auditChannels(*n), auditInterfaces(*n)...)
			n.UpdatedAt = s.now()
			return fn(n)
		})
		if err != nil {
			return err
		}
		out = n
		if err := s.d.Nodes.SaveInterfaces(ctx, n.ID, n.Interfaces); err != nil {
			return err
		}
		if err := s.syncGraph(ctx, n); err != nil {
			return err
		}
		return s.record(ctx, action, access.NodeManage, nodeTarget(n), before, append(auditChannels(n), auditInterfaces(n)...), nil)
	})
	if err != nil {
		return NodeView{}, err
	}
	return s.view(ctx, out)
}

// DeleteNode removes a node with its interfaces, channels and credentials.
func (s *Service) DeleteNode(ctx context.Context, id string) error {
	defer s.p.forget(id)
	return s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		n, err := s.d.Nodes.GetNode(ctx, id)
		if err != nil {
			return err
		}
		if err := s.d.Nodes.DeleteNode(ctx, id); err != nil {
			return err
		}
		if err := s.dropGraph(ctx, n); err != nil {
			return err
		}
		return s.record(ctx, "nodes.delete", access.NodeManage, nodeTarget(n), auditNode(n), nil, nil)
	})
}

// ParseTime parses an RFC 3339 query time for field.
func ParseTime(field, v string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, errs.Field(field, "must be an RFC 3339 time such as 2026-12-31T23:59:59Z")
	}
	t = t.UTC()
	return &t, nil
}
