package channelmap

import (
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/uid"
)

// Template is a named, revisioned channel map that operators assign to
// interfaces or nodes; a job pins a copy of the template's map at creation.
type Template struct {
	ID        string
	Name      string
	Map       Map
	Revision  int
	Tags      []string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NewTemplateID returns a fresh template id.
func NewTemplateID() string { return "cmt_" + uid.New() }

// Validate checks the template's own fields (the map is checked against
// each interface it is used on).
func (t Template) Validate() error {
	var is errs.Issues
	if n := strings.TrimSpace(t.Name); n == "" || len(n) > 120 {
		is.Add("name", "required, at most 120 characters")
	}
	if !t.Map.Mode.Valid() {
		is.Add("channelMode", "must be one of mono, stereo, mono_to_stereo_mix, multichannel")
	}
	return errs.Merge(is.Err(), t.Map.Validate("entries", 0))
}

// TargetType says what an assignment applies to.
type TargetType string

// The assignment targets: an interface's own map wins over its node's.
const (
	TargetInterface TargetType = "interface"
	TargetNode      TargetType = "node"
)

// Assignment binds a template to an interface or a node.
type Assignment struct {
	ID         string
	TargetType TargetType
	TargetID   string
	TemplateID string
	AssignedAt time.Time
	AssignedBy string
}

// NewAssignmentID returns a fresh assignment id.
func NewAssignmentID() string { return "cma_" + uid.New() }
