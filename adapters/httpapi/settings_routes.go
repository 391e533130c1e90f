package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/profiles"
	"github.com/rakkr/rakkr/domain/access"
)

// SettingsModule serves the recording settings: recording profiles
// (built-ins read-only), channel-map templates and their assignments to
// interfaces and nodes. Reads need settings:read, writes settings:manage,
// both at global scope.
type SettingsModule struct {
	Profiles *profiles.Service
}

// Routes implements Module.
func (m *SettingsModule) Routes() []Route {
	const prof, tmpl, asg = "/api/v1/settings/recording-profiles", "/api/v1/settings/channel-map-templates",
		"/api/v1/settings/channel-map-assignments"
	r := func(method, path string, perm access.Permission, action, summary string, req, resp any, h func(*gin.Context) error) Route {
		return Route{Method: method, Path: path, Tag: "settings", Summary: summary, Access: AccessPermission,
			Permission: perm, Action: action, Request: req, Response: resp, Handler: h}
	}
	read, manage := access.SettingsRead, access.SettingsManage
	routes := []Route{
		r(http.MethodGet, prof, read, "settings.recording_profiles.list", "List recording profiles (built-ins first)",
			nil, []RecordingProfileResponse{}, m.listProfiles),
		r(http.MethodPost, prof, manage, profiles.ActionProfileCreate, "Create a recording profile",
			RecordingProfileRequest{}, RecordingProfileResponse{}, m.createProfile),
		r(http.MethodGet, prof+"/:id", read, "settings.recording_profiles.get", "One recording profile",
			nil, RecordingProfileResponse{}, m.getProfile),
		r(http.MethodPut, prof+"/:id", manage, profiles.ActionProfileUpdate,
			"Replace a recording profile (409 profile.builtin for built-ins)", RecordingProfileRequest{}, RecordingProfileResponse{}, m.updateProfile),
		r(http.MethodDelete, prof+"/:id", manage, profiles.ActionProfileDelete,
			"Delete a recording profile (409 profile.builtin, profile.inUse)", nil, SettingsDeletedResponse{}, m.deleteProfile),
		r(http.MethodGet, tmpl, read, "settings.channel_map_templates.list", "List channel-map templates",
			nil, []ChannelMapTemplateResponse{}, m.listTemplates),
		r(http.MethodPost, tmpl, manage, profiles.ActionTemplateCreate, "Create a channel-map template (revision 1)",
			ChannelMapTemplateRequest{}, ChannelMapTemplateResponse{}, m.createTemplate),
		r(http.MethodGet, tmpl+"/:id", read, "settings.channel_map_templates.get", "One channel-map template",
			nil, ChannelMapTemplateResponse{}, m.getTemplate),
		r(http.MethodPut, tmpl+"/:id", manage, profiles.ActionTemplateUpdate,
			"Replace a channel-map template (its revision grows by one)", ChannelMapTemplateRequest{}, ChannelMapTemplateResponse{}, m.updateTemplate),
		r(http.MethodDelete, tmpl+"/:id", manage, profiles.ActionTemplateDelete,
			"Delete a channel-map template (409 channelMap.assigned while assigned)", nil, SettingsDeletedResponse{}, m.deleteTemplate),
		r(http.MethodGet, asg, read, "settings.channel_map_assignments.list", "List channel-map assignments",
			nil, []ChannelMapAssignmentResponse{}, m.listAssignments),
		r(http.MethodPut, asg, manage, profiles.ActionAssign,
			"Assign a template to an interface or node (replaces its assignment)", ChannelMapAssignmentRequest{}, ChannelMapAssignmentResponse{}, m.assign),
		r(http.MethodDelete, asg, manage, profiles.ActionUnassign,
			"Remove the assignment of ?targetType=interface|node&targetId=…", nil, ChannelMapAssignmentResponse{}, m.unassign),
	}
	for i := range routes {
		if routes[i].Method == http.MethodPost {
			routes[i].Status = http.StatusCreated
		}
	}
	return routes
}

func (m *SettingsModule) listProfiles(c *gin.Context) error {
	ps, err := m.Profiles.ListProfiles(RequestContext(c))
	if err != nil {
		return err
	}
	out := make([]RecordingProfileResponse, 0, len(ps))
	for _, p := range ps {
		out = append(out, toRecordingProfileResponse(p))
	}
	return OK(c, out)
}

func (m *SettingsModule) getProfile(c *gin.Context) error {
	p, err := m.Profiles.GetProfile(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, toRecordingProfileResponse(p))
}

func (m *SettingsModule) createProfile(c *gin.Context) error {
	var b RecordingProfileRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	p, err := m.Profiles.CreateProfile(RequestContext(c), b.input())
	if err != nil {
		return err
	}
	return Created(c, toRecordingProfileResponse(p))
}

func (m *SettingsModule) updateProfile(c *gin.Context) error {
	var b RecordingProfileRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	p, err := m.Profiles.UpdateProfile(RequestContext(c), c.Param("id"), b.input())
	if err != nil {
		return err
	}
	return OK(c, toRecordingProfileResponse(p))
}

func (m *SettingsModule) deleteProfile(c *gin.Context) error {
	p, err := m.Profiles.DeleteProfile(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, SettingsDeletedResponse{ID: p.ID, Deleted: true})
}

func (m *SettingsModule) listTemplates(c *gin.Context) error {
	ts, err := m.Profiles.ListTemplates(RequestContext(c))
	if err != nil {
		return err
	}
	out := make([]ChannelMapTemplateResponse, 0, len(ts))
	for _, t := range ts {
		out = append(out, toChannelMapTemplateResponse(t))
	}
	return OK(c, out)
}

func (m *SettingsModule) getTemplate(c *gin.Context) error {
	t, err := m.Profiles.GetTemplate(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, toChannelMapTemplateResponse(t))
}

func (m *SettingsModule) createTemplate(c *gin.Context) error {
	var b ChannelMapTemplateRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	t, err := m.Profiles.CreateTemplate(RequestContext(c), b.input())
	if err != nil {
		return err
	}
	return Created(c, toChannelMapTemplateResponse(t))
}

func (m *SettingsModule) updateTemplate(c *gin.Context) error {
	var b ChannelMapTemplateRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	t, err := m.Profiles.UpdateTemplate(RequestContext(c), c.Param("id"), b.input())
	if err != nil {
		return err
	}
	return OK(c, toChannelMapTemplateResponse(t))
}

func (m *SettingsModule) deleteTemplate(c *gin.Context) error {
	t, err := m.Profiles.DeleteTemplate(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, SettingsDeletedResponse{ID: t.ID, Deleted: true})
}

func (m *SettingsModule) listAssignments(c *gin.Context) error {
	as, err := m.Profiles.Assignments(RequestContext(c))
	if err != nil {
		return err
	}
	out := make([]ChannelMapAssignmentResponse, 0, len(as))
	for _, a := range as {
		out = append(out, toChannelMapAssignmentResponse(a))
	}
	return OK(c, out)
}

func (m *SettingsModule) assign(c *gin.Context) error {
	var b ChannelMapAssignmentRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	a, err := m.Profiles.Assign(RequestContext(c), profiles.AssignInput{TargetType: b.TargetType, TargetID: b.TargetID,
		TemplateID: b.TemplateID})
	if err != nil {
		return err
	}
	return OK(c, toChannelMapAssignmentResponse(a))
}

func (m *SettingsModule) unassign(c *gin.Context) error {
	if err := unknownQueryParams(c, "targetType", "targetId").Err(); err != nil {
		return err
	}
	a, err := m.Profiles.Unassign(RequestContext(c), c.Query("targetType"), c.Query("targetId"))
	if err != nil {
		return err
	}
	return OK(c, toChannelMapAssignmentResponse(a))
}

var _ Module = (*SettingsModule)(nil)
