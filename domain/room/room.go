// Package room holds the rooms of the fleet: named places within a site
// that own nodes and channels and are scope targets of access grants.
package room

import (
	"fmt"
	"github.com/rakkr/rakkr/domain/uid"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
)

// Field limits.
const (
	MaxNameLength        = 120
	MaxSiteLength        = 120
	MaxDescriptionLength = 2000
)

// Errors of rooms.
var (
	// ErrNotFound: no such room.
	ErrNotFound = errs.NotFound("room.notFound", "room not found")
	// ErrNameTaken: another room of the site has the name.
	ErrNameTaken = errs.Conflict("room.nameTaken", "a room with this name exists in the site")
	// ErrInUse: nodes or channels still reference the room.
	ErrInUse = errs.Conflict("room.inUse", "nodes or channels still belong to this room: move them first")
)

// Room is a place in a site. Name is unique per site.
type Room struct {
	ID          string
	Site        string
	Name        string
	Building    string
	Floor       string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// New builds a validated room with a fresh "room_<uuid>" id.
func New(site, name, building, floor, description string, now time.Time) (Room, error) {
	r := Room{ID: "room_" + uid.New(), Site: site, Name: name, Building: building, Floor: floor,
		Description: description, CreatedAt: now, UpdatedAt: now}
	return r, r.Validate()
}

// Validate trims and checks the fields, naming each bad one.
func (r *Room) Validate() error {
	var is errs.Issues
	r.Site, r.Name = strings.TrimSpace(r.Site), strings.TrimSpace(r.Name)
	r.Building, r.Floor = strings.TrimSpace(r.Building), strings.TrimSpace(r.Floor)
	if r.Site == "" || len(r.Site) > MaxSiteLength || strings.ContainsAny(r.Site, ", \t\n") {
		is.Add("site", fmt.Sprintf("is required, at most %d characters without spaces or commas", MaxSiteLength))
	}
	if r.Name == "" || len(r.Name) > MaxNameLength {
		is.Add("name", fmt.Sprintf("is required, at most %d characters", MaxNameLength))
	}
	if len(r.Building) > MaxNameLength {
		is.Add("building", fmt.Sprintf("must be at most %d characters", MaxNameLength))
	}
	if len(r.Floor) > MaxNameLength {
		is.Add("floor", fmt.Sprintf("must be at most %d characters", MaxNameLength))
	}
	if len(r.Description) > MaxDescriptionLength {
		is.Add("description", fmt.Sprintf("must be at most %d characters", MaxDescriptionLength))
	}
	return is.Err()
}
