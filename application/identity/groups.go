package identity

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// maxSlugAttempts bounds the "-2", "-3" … suffixes tried for a new group id.
const maxSlugAttempts = 1000

// GroupInput is a group to create.
type GroupInput struct {
	Name        string
	Description string
}

// GroupChange edits a group; nil fields stay. The id never changes.
type GroupChange struct {
	Name        *string
	Description *string
}

// GroupQuery filters the group list.
type GroupQuery struct {
	Query  string
	Limit  int
	Offset int
}

// GroupView is a group with its members (user ids, sorted).
type GroupView struct {
	Group   ident.Group
	Members []string
}

// CreateGroup creates a group whose id is the slug of its name, with "-2",
// "-3" … appended when taken.
func (s *Service) CreateGroup(ctx context.Context, in GroupInput) (GroupView, error) {
	if _, err := ident.NewGroup("probe", in.Name, in.Description, s.now()); err != nil {
		return GroupView{}, err // validate before looking for a free id
	}
	var view GroupView
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		id, err := s.freeGroupID(ctx, in.Name)
		if err != nil {
			return err
		}
		g, err := ident.NewGroup(id, in.Name, in.Description, s.now())
		if err != nil {
			return err
		}
		if err := s.d.Groups.Create(ctx, g); err != nil {
			return err
		}
		view = GroupView{Group: g, Members: []string{}}
		return s.record(ctx, "auth.groups.create", access.AuthManage, groupTarget(g), nil, auditGroup(g, nil), nil)
	})
	return view, err
}

func (s *Service) freeGroupID(ctx context.Context, name string) (string, error) {
	for n := 1; n <= maxSlugAttempts; n++ {
		id := ident.SlugCandidate(name, n)
		_, err := s.d.Groups.Get(ctx, id)
		if errs.KindOf(err) == errs.KindNotFound {
			return id, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", ident.ErrGroupIDTaken
}

// ListGroups returns one page of groups with their members, and the total.
func (s *Service) ListGroups(ctx context.Context, q GroupQuery) ([]GroupView, int64, error) {
	if len(q.Query) > 200 {
		return nil, 0, errs.Field("q", "must be at most 200 characters")
	}
	groups, total, err := s.d.Groups.List(ctx, ports.GroupFilter{Query: q.Query, Limit: q.Limit, Offset: q.Offset})
	if err != nil {
		return nil, 0, err
	}
	members, err := s.groupMembers(ctx)
	if err != nil {
		return nil, 0, err
	}
	out := make([]GroupView, 0, len(groups))
	for _, g := range groups {
		out = append(out, GroupView{Group: g, Members: orEmpty(members[g.ID()])})
	}
	return out, total, nil
}

// GetGroup returns one group with its members.
func (s *Service) GetGroup(ctx context.Context, id string) (GroupView, error) {
	g, err := s.d.Groups.Get(ctx, id)
	if err != nil {
		return GroupView{}, err
	}
	members, err := s.groupMembers(ctx)
	if err != nil {
		return GroupView{}, err
	}
	return GroupView{Group: g, Members: orEmpty(members[id])}, nil
}

// UpdateGroup renames or re-describes a group.
func (s *Service) UpdateGroup(ctx context.Context, id string, ch GroupChange) (GroupView, error) {
	var view GroupView
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		var before ident.Group
		now := s.now()
		g, err := s.d.Groups.Update(ctx, id, func(g *ident.Group) error {
			before = *g
			var is errs.Issues
			if ch.Name != nil {
				addIssue(&is, g.Rename(*ch.Name, now))
			}
			if ch.Description != nil {
				addIssue(&is, g.Describe(*ch.Description, now))
			}
			return is.Err()
		})
		if err != nil {
			return err
		}
		members, err := s.groupMembers(ctx)
		if err != nil {
			return err
		}
		view = GroupView{Group: g, Members: orEmpty(members[id])}
		return s.record(ctx, "auth.groups.update", access.AuthManage, groupTarget(g), auditGroup(before, nil), auditGroup(g, nil), nil)
	})
	return view, err
}

// DeleteGroup removes a group, its memberships and every policy naming it.
func (s *Service) DeleteGroup(ctx context.Context, id string) error {
	return s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		g, err := s.d.Groups.Get(ctx, id)
		if err != nil {
			return err
		}
		members, err := s.setMembers(ctx, id, nil)
		if err != nil {
			return err
		}
		if err := s.d.Bindings.RemoveSubject(ctx, "group:"+id); err != nil {
			return err
		}
		if err := s.d.Groups.Delete(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, "auth.groups.delete", access.AuthManage, groupTarget(g), auditGroup(g, members), nil, nil)
	})
}
