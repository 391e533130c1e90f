package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/identity"
	"github.com/rakkr/rakkr/domain/errs"
)

func (m *AuthModule) listGroups(c *gin.Context) error {
	page, err := PageFrom(c)
	if err != nil {
		return err
	}
	views, total, err := m.Service.ListGroups(RequestContext(c), identity.GroupQuery{Query: c.Query("q"), Limit: page.Limit, Offset: page.Offset})
	if err != nil {
		return err
	}
	out := make([]AuthGroupResponse, 0, len(views))
	for _, v := range views {
		out = append(out, toAuthGroup(v))
	}
	return List(c, out, len(out), total, page)
}

func (m *AuthModule) createGroup(c *gin.Context) error {
	var req AuthCreateGroupRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	v, err := m.Service.CreateGroup(RequestContext(c), identity.GroupInput{Name: req.Name, Description: req.Description})
	if err != nil {
		return err
	}
	return Created(c, toAuthGroup(v))
}

func (m *AuthModule) getGroup(c *gin.Context) error {
	v, err := m.Service.GetGroup(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, toAuthGroup(v))
}

func (m *AuthModule) updateGroup(c *gin.Context) error {
	var req AuthUpdateGroupRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	v, err := m.Service.UpdateGroup(RequestContext(c), c.Param("id"), identity.GroupChange{Name: req.Name, Description: req.Description})
	if err != nil {
		return err
	}
	return OK(c, toAuthGroup(v))
}

func (m *AuthModule) deleteGroup(c *gin.Context) error {
	if err := m.Service.DeleteGroup(RequestContext(c), c.Param("id")); err != nil {
		return err
	}
	return OK(c, AuthDeletedResponse{ID: c.Param("id"), Deleted: true})
}

func (m *AuthModule) setMembers(c *gin.Context) error {
	var req AuthMembersRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	if req.UserIDs == nil {
		return errs.Field("userIds", "is required (an empty list removes every member)")
	}
	v, err := m.Service.SetGroupMembers(RequestContext(c), c.Param("id"), req.UserIDs)
	if err != nil {
		return err
	}
	return OK(c, toAuthGroup(v))
}
