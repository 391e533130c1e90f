package fleet

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/node"
)

func siteRef(site string) access.Ref { return access.Ref{Type: access.ResourceSite, ID: site} }
func roomRef(id string) access.Ref   { return access.Ref{Type: access.ResourceRoom, ID: id} }
func nodeRef(id string) access.Ref   { return access.Ref{Type: access.ResourceNode, ID: id} }
func ifaceRef(id string) access.Ref  { return access.Ref{Type: access.ResourceInterface, ID: id} }
func chanRef(ifaceID string, idx int) access.Ref {
	return access.Ref{Type: access.ResourceChannel, ID: node.ChannelRef(ifaceID, idx)}
}

// registerSite makes a site a known resource (parentless) so that "site:*"
// wildcards cover it.
func (s *Service) registerSite(ctx context.Context, site string) error {
	if site == "" {
		return nil
	}
	return s.d.Graph.SetParents(ctx, siteRef(site), nil)
}

// syncGraph sets the parents of the node, its interfaces and channels:
// node → its site and its room; interface → node; channel → interface and
// its own or inherited room. The enforcer walks links transitively, so
// nothing above a channel links to other channels' rooms: a grant on one
// room covers that room's channels of a shared node, not its siblings
// (nor the shared node itself, whose default room is elsewhere).
func (s *Service) syncGraph(ctx context.Context, n node.Node) error {
	if err := s.registerSite(ctx, n.Site); err != nil {
		return err
	}
	var parents []access.Ref
	if n.Site != "" {
		parents = append(parents, siteRef(n.Site))
	}
	if n.RoomID != "" {
		parents = append(parents, roomRef(n.RoomID))
	}
	if err := s.d.Graph.SetParents(ctx, nodeRef(n.ID), parents); err != nil {
		return err
	}
	for _, i := range n.Interfaces {
		if err := s.d.Graph.SetParents(ctx, ifaceRef(i.ID), []access.Ref{nodeRef(n.ID)}); err != nil {
			return err
		}
		for _, c := range i.Channels {
			cp := []access.Ref{ifaceRef(i.ID)}
			if r := c.EffectiveRoom(n.RoomID); r != "" {
				cp = append(cp, roomRef(r))
			}
			if err := s.d.Graph.SetParents(ctx, chanRef(i.ID, c.Index), cp); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropGraph removes the node, its interfaces and channels from the graph.
func (s *Service) dropGraph(ctx context.Context, n node.Node) error {
	for _, i := range n.Interfaces {
		for _, c := range i.Channels {
			if err := s.d.Graph.RemoveResource(ctx, chanRef(i.ID, c.Index)); err != nil {
				return err
			}
		}
		if err := s.d.Graph.RemoveResource(ctx, ifaceRef(i.ID)); err != nil {
			return err
		}
	}
	return s.d.Graph.RemoveResource(ctx, nodeRef(n.ID))
}
