package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// RoomsModule serves rooms: reads under node:read, writes under node:manage.
type RoomsModule struct {
	Service *fleet.Service
}

// Routes implements Module.
func (m *RoomsModule) Routes() []Route {
	const base = "/api/v1/rooms"
	t := func(c *gin.Context) (access.Ref, error) {
		return m.Service.RoomTarget(RequestContext(c), c.Param("id"))
	}
	r := func(method, path, action, summary string, perm access.Permission, h func(*gin.Context) error) Route {
		return Route{Method: method, Path: path, Tag: "rooms", Summary: summary, Access: AccessPermission, Permission: perm,
			Action: action, Handler: h}
	}
	list := r(http.MethodGet, base, "rooms.list", "List rooms (filters site, q; limit, offset)", access.NodeRead, m.list)
	list.Response = []RoomResponse{}
	get := r(http.MethodGet, base+"/:id", "rooms.read", "One room", access.NodeRead, m.get)
	get.Target, get.Response = t, RoomResponse{}
	create := r(http.MethodPost, base, "rooms.create", "Create a room (name unique per site)", access.NodeManage, m.create)
	create.Request, create.Response, create.Status = RoomRequest{}, RoomResponse{}, http.StatusCreated
	update := r(http.MethodPatch, base+"/:id", "rooms.update", "Edit a room", access.NodeManage, m.update)
	update.Target, update.Request, update.Response = t, RoomUpdateRequest{}, RoomResponse{}
	del := r(http.MethodDelete, base+"/:id", "rooms.delete", "Delete a room (409 room.inUse while nodes or channels belong to it)",
		access.NodeManage, m.delete)
	del.Target, del.Response = t, NodeDeletedResponse{}
	return []Route{list, get, create, update, del}
}

func (m *RoomsModule) list(c *gin.Context) error {
	is := unknownQueryParams(c, "site", "q", "limit", "offset")
	p, err := PageFrom(c)
	if err := errs.Merge(is.Err(), err); err != nil {
		return err
	}
	rooms, total, err := m.Service.ListRooms(RequestContext(c), ports.RoomFilter{Site: c.Query("site"), Query: c.Query("q")}, p.Limit, p.Offset)
	if err != nil {
		return err
	}
	out := make([]RoomResponse, 0, len(rooms))
	for _, r := range rooms {
		out = append(out, toRoomResponse(r))
	}
	return List(c, out, len(out), int64(total), p)
}

func (m *RoomsModule) get(c *gin.Context) error {
	r, err := m.Service.GetRoom(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, toRoomResponse(r))
}

func (m *RoomsModule) create(c *gin.Context) error {
	var req RoomRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	r, err := m.Service.CreateRoom(RequestContext(c), fleet.RoomInput{Site: req.Site, Name: req.Name, Building: req.Building,
		Floor: req.Floor, Description: req.Description})
	if err != nil {
		return err
	}
	return Created(c, toRoomResponse(r))
}

func (m *RoomsModule) update(c *gin.Context) error {
	var req RoomUpdateRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	r, err := m.Service.UpdateRoom(RequestContext(c), c.Param("id"), fleet.RoomPatch{Site: req.Site, Name: req.Name,
		Building: req.Building, Floor: req.Floor, Description: req.Description})
	if err != nil {
		return err
	}
	return OK(c, toRoomResponse(r))
}

func (m *RoomsModule) delete(c *gin.Context) error {
	if err := m.Service.DeleteRoom(RequestContext(c), c.Param("id")); err != nil {
		return err
	}
	return OK(c, NodeDeletedResponse{ID: c.Param("id"), Deleted: true})
}

var _ Module = (*RoomsModule)(nil)
