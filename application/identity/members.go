package identity

import (
	"context"
	"slices"
	"strconv"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// scanPage is how many users are read at a time when walking all users.
const scanPage = 500

// SetGroupMembers replaces the members of a group with userIDs (each must
// exist). Users keep their roles, grants and other groups.
func (s *Service) SetGroupMembers(ctx context.Context, id string, userIDs []string) (GroupView, error) {
	var view GroupView
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		g, err := s.d.Groups.Get(ctx, id)
		if err != nil {
			return err
		}
		var is errs.Issues
		want := []string{}
		for i, uid := range userIDs {
			if slices.Contains(want, uid) {
				continue
			}
			if _, err := s.d.Users.Get(ctx, uid); err != nil {
				if errs.KindOf(err) != errs.KindNotFound {
					return err
				}
				is.Add("userIds["+strconv.Itoa(i)+"]", "no user has the id \""+clipString(uid, 80)+"\"")
				continue
			}
			want = append(want, uid)
		}
		if err := is.Err(); err != nil {
			return err
		}
		before, err := s.setMembers(ctx, id, want)
		if err != nil {
			return err
		}
		slices.Sort(want)
		view = GroupView{Group: g, Members: want}
		return s.record(ctx, "auth.groups.members", access.AuthManage, groupTarget(g),
			map[string]any{"members": before}, map[string]any{"members": want}, nil)
	})
	return view, err
}

// setMembers makes exactly want the members of group id (nil: nobody) by
// rewriting the bindings of users who join or leave, and returns the
// members before.
func (s *Service) setMembers(ctx context.Context, id string, want []string) ([]string, error) {
	before := []string{}
	err := s.eachUserAccess(ctx, func(userID string, roles []access.Role, groups []string, grants []access.Ref) error {
		in := slices.Contains(groups, id)
		if in {
			before = append(before, userID)
		}
		wanted := slices.Contains(want, userID)
		if in == wanted {
			return nil
		}
		next := slices.DeleteFunc(slices.Clone(groups), func(g string) bool { return g == id })
		if wanted {
			next = append(next, id)
		}
		return s.d.Bindings.SetUserAccess(ctx, userID, roles, next, grants)
	})
	slices.Sort(before)
	return before, err
}

// groupMembers maps each group id to its members' ids, sorted.
func (s *Service) groupMembers(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	err := s.eachUserAccess(ctx, func(userID string, _ []access.Role, groups []string, _ []access.Ref) error {
		for _, g := range groups {
			out[g] = append(out[g], userID)
		}
		return nil
	})
	for _, m := range out {
		slices.Sort(m)
	}
	return out, err
}

// eachUserAccess calls fn with every user's bindings. RoleBindings has no
// reverse lookup from a group to its members, so membership walks the users
// (cheap: bindings are in memory, users are paged).
func (s *Service) eachUserAccess(ctx context.Context, fn func(userID string, roles []access.Role, groups []string, grants []access.Ref) error) error {
	for offset := 0; ; offset += scanPage {
		users, _, err := s.d.Users.List(ctx, ports.UserFilter{Limit: scanPage, Offset: offset})
		if err != nil {
			return err
		}
		for _, u := range users {
			roles, groups, grants, err := s.d.Bindings.UserAccess(ctx, u.ID())
			if err != nil {
				return err
			}
			if err := fn(u.ID(), roles, groups, grants); err != nil {
				return err
			}
		}
		if len(users) < scanPage {
			return nil
		}
	}
}
