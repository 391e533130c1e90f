package library

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// Sorts are the accepted sort keys; each may be prefixed with "-" for
// descending order ("" means -createdAt).
var Sorts = []string{"createdAt", "name", "duration", "size", "status"}

// FilterParams are the list, facet and export filters as strings (query
// parameters); Filter validates and converts them.
type FilterParams struct {
	// Statuses holds repeated values, each of which may be a comma list.
	Statuses []string
	NodeID   string
	RoomID   string
	Folder   string
	// Tags keeps recordings carrying every tag (repeatable).
	Tags []string
	Q    string
	// From and To bound createdAt (RFC 3339), half-open [From, To).
	From, To string
	Sort     string
}

// Filter validates the parameters, naming each bad field.
func (p FilterParams) Filter() (ports.RecordingFilter, error) {
	var is errs.Issues
	f := ports.RecordingFilter{NodeID: strings.TrimSpace(p.NodeID), RoomID: strings.TrimSpace(p.RoomID),
		Folder: strings.Trim(strings.TrimSpace(p.Folder), "/"), Q: strings.TrimSpace(p.Q), Sort: strings.TrimSpace(p.Sort)}
	for _, v := range p.Statuses {
		for _, s := range splitList(v) {
			st := recording.Status(s)
			if !st.Valid() {
				is.Add("status", fmt.Sprintf("must be one of %v (repeat or comma-separate)", recording.Statuses))
				break
			}
			if !slices.Contains(f.Statuses, st) {
				f.Statuses = append(f.Statuses, st)
			}
		}
	}
	ref(&is, "nodeId", f.NodeID)
	ref(&is, "roomId", f.RoomID)
	if len(f.Folder) > recording.MaxFolderLength {
		is.Add("folder", fmt.Sprintf("must be at most %d characters", recording.MaxFolderLength))
	}
	if len(p.Tags) > recording.MaxTags {
		is.Add("tag", fmt.Sprintf("at most %d tags", recording.MaxTags))
	}
	for _, t := range p.Tags {
		t = strings.TrimSpace(t)
		if t == "" || len(t) > recording.MaxTagLength {
			is.Add("tag", fmt.Sprintf("each tag must be 1..%d characters", recording.MaxTagLength))
			break
		}
		f.Tags = append(f.Tags, t)
	}
	if len(f.Q) > 200 {
		is.Add("q", "must be at most 200 characters")
	}
	f.From, f.To = is.Time("from", p.From), is.Time("to", p.To)
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		is.Add("to", "must be after from")
	}
	if f.Sort != "" && !slices.Contains(Sorts, strings.TrimPrefix(f.Sort, "-")) {
		is.Add("sort", fmt.Sprintf("must be one of %v, optionally prefixed with -", Sorts))
	}
	return f, is.Err()
}

// ref checks an optional reference id.
func ref(is *errs.Issues, field, v string) {
	if len(v) > 64 || strings.ContainsAny(v, " \t\r\n,") {
		is.Add(field, "must be at most 64 characters without spaces or commas")
	}
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// checkIDs validates the ids of a bulk request.
func checkIDs(ids []string) error {
	var is errs.Issues
	switch {
	case len(ids) == 0:
		is.Add("ids", "must name at least one recording")
	case len(ids) > MaxBulk:
		is.Add("ids", fmt.Sprintf("must name at most %d recordings", MaxBulk))
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		switch {
		case id == "" || len(id) > 64:
			is.Add(fmt.Sprintf("ids[%d]", i), "must be a recording id")
		case seen[id]:
			is.Add(fmt.Sprintf("ids[%d]", i), "is repeated")
		}
		seen[id] = true
	}
	return is.Err()
}
