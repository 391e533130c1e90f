package gormstore

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// recordingScanBatch is how many rows ScanRecordings reads per query (a
// variable so that tests can make pages small).
var recordingScanBatch = 500

// recordingFacetLimit is how many values each facet lists.
const recordingFacetLimit = 50

// recordingSort is a parsed RecordingFilter.Sort: a column, its direction
// and how to read the column's value from a row (for keyset pages).
type recordingSort struct {
	col  string
	desc bool
	key  func(r recordingRow) any
}

// recordingSorts maps the sort keys of the API to their columns.
var recordingSorts = map[string]recordingSort{
	"createdAt": {col: "created_at", key: func(r recordingRow) any { return identityTime(r.CreatedAt) }},
	"name":      {col: "name_key", key: func(r recordingRow) any { return r.NameKey }},
	"duration":  {col: "duration_seconds", key: func(r recordingRow) any { return r.DurationSeconds }},
	"size":      {col: "size_bytes", key: func(r recordingRow) any { return r.SizeBytes }},
	"status":    {col: "status", key: func(r recordingRow) any { return r.Status }},
}

// parseRecordingSort reads a sort key ("" is -createdAt).
func parseRecordingSort(s string) (recordingSort, error) {
	if s == "" {
		s = "-createdAt"
	}
	desc := strings.HasPrefix(s, "-")
	srt, ok := recordingSorts[strings.TrimPrefix(s, "-")]
	if !ok {
		return recordingSort{}, errs.Field("sort", "must be one of createdAt, name, duration, size, status, optionally prefixed with '-'")
	}
	srt.desc = desc
	return srt, nil
}

// order is the ORDER BY clause, ties broken by id in the same direction.
func (s recordingSort) order() string {
	if s.desc {
		return s.col + " DESC, id DESC"
	}
	return s.col + ", id"
}

// after is the keyset condition for the rows following last.
func (s recordingSort) after(last recordingRow) (string, []any) {
	op := ">"
	if s.desc {
		op = "<"
	}
	v := s.key(last)
	return "(" + s.col + " " + op + " ? OR (" + s.col + " = ? AND id " + op + " ?))", []any{v, v, last.ID}
}

// recordingWhere turns a filter into a WHERE condition on recordings.
func recordingWhere(f ports.RecordingFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if len(f.IDs) > 0 {
		add("id IN ?", f.IDs)
	}
	if len(f.Statuses) > 0 {
		st := make([]string, 0, len(f.Statuses))
		for _, s := range f.Statuses {
			st = append(st, string(s))
		}
		add("status IN ?", st)
	}
	if f.NodeID != "" {
		add("node_id = ?", f.NodeID)
	}
	if f.RoomID != "" {
		add("room_id = ?", f.RoomID)
	}
	if f.OnlyNodes {
		if len(f.NodeIDs) == 0 {
			add("1 = 0")
		} else {
			add("node_id IN ?", f.NodeIDs)
		}
	}
	if folder := strings.Trim(strings.TrimSpace(f.Folder), "/"); folder != "" {
		add(`(folder = ? OR folder LIKE ? ESCAPE '\')`, folder, likeEscaper.Replace(folder)+"/%")
	}
	seen := map[string]bool{}
	for _, t := range f.Tags {
		if k := recordingTagKey(t); k != "" && !seen[k] {
			seen[k] = true
			add("EXISTS (SELECT 1 FROM recording_tags rt WHERE rt.recording_id = recordings.id AND rt.tag_key = ?)", k)
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := "%" + likeEscaper.Replace(strings.ToLower(q)) + "%"
		add(`(search_text LIKE ? ESCAPE '\' OR id = ?)`, p, q)
	}
	if !f.From.IsZero() {
		add("created_at >= ?", identityTime(f.From))
	}
	if !f.To.IsZero() {
		add("created_at < ?", identityTime(f.To))
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// ListRecordings implements ports.RecordingStore.
func (s *RecordingStore) ListRecordings(ctx context.Context, f ports.RecordingFilter, limit, offset int) ([]recording.Recording, int64, error) {
	srt, err := parseRecordingSort(f.Sort)
	if err != nil {
		return nil, 0, err
	}
	where, args := recordingWhere(f)
	conn := s.db.Conn(ctx)
	var total int64
	if err := conn.Model(&recordingRow{}).Where(where, args...).Count(&total).Error; err != nil {
		return nil, 0, Translate(err)
	}
	if int64(offset) >= total {
		return []recording.Recording{}, total, nil
	}
	out, err := recordingFind(identityPage(conn.Where(where, args...).Order(srt.order()), limit, offset))
	return out, total, err
}

// RecordingFacets implements ports.RecordingStore; empty folders, nodes
// and rooms are not listed, and tags are grouped ignoring case.
func (s *RecordingStore) RecordingFacets(ctx context.Context, f ports.RecordingFilter) (ports.RecordingFacets, error) {
	where, args := recordingWhere(f)
	var out ports.RecordingFacets
	if s.db.Dialect == Postgres {
		if err := s.groupedFacets(ctx, &out, where, args); err != nil {
			return ports.RecordingFacets{}, err
		}
		return out, s.tagFacet(ctx, &out, where, args)
	}
	for _, c := range []struct {
		dst *[]ports.Facet
		col string
	}{{&out.Statuses, "status"}, {&out.Folders, "folder"}, {&out.Nodes, "node_id"}, {&out.Rooms, "room_id"}} {
		q := "SELECT " + c.col + " AS value, COUNT(*) AS count FROM recordings WHERE " + where + " AND " + c.col +
			" <> '' GROUP BY " + c.col + " ORDER BY COUNT(*) DESC, " + c.col + " LIMIT ?"
		if err := s.facet(ctx, c.dst, q, append(append([]any{}, args...), recordingFacetLimit)); err != nil {
			return ports.RecordingFacets{}, err
		}
	}
	return out, s.tagFacet(ctx, &out, where, args)
}

// tagFacet counts the matching recordings by tag (case folded).
func (s *RecordingStore) tagFacet(ctx context.Context, out *ports.RecordingFacets, where string, args []any) error {
	q := "SELECT MIN(t.tag) AS value, COUNT(*) AS count FROM recording_tags t WHERE t.recording_id IN " +
		"(SELECT id FROM recordings WHERE " + where + ") GROUP BY t.tag_key ORDER BY COUNT(*) DESC, t.tag_key LIMIT ?"
	return s.facet(ctx, &out.Tags, q, append(append([]any{}, args...), recordingFacetLimit))
}

// groupedFacets counts status, folder, node and room in one scan with
// GROUPING SETS (Postgres): four GROUP BY scans cost four times as much.
func (s *RecordingStore) groupedFacets(ctx context.Context, out *ports.RecordingFacets, where string, args []any) error {
	var rows []struct {
		Gs, Gf, Gn, Gr                 int
		Status, Folder, NodeID, RoomID *string
		Count                          int64
	}
	q := "SELECT GROUPING(status) AS gs, GROUPING(folder) AS gf, GROUPING(node_id) AS gn, GROUPING(room_id) AS gr, " +
		"status, folder, node_id, room_id, COUNT(*) AS count FROM recordings WHERE " + where +
		" GROUP BY GROUPING SETS ((status), (folder), (node_id), (room_id))"
	if err := s.db.Conn(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return Translate(err)
	}
	out.Statuses, out.Folders, out.Nodes, out.Rooms = []ports.Facet{}, []ports.Facet{}, []ports.Facet{}, []ports.Facet{}
	for _, r := range rows {
		var dst *[]ports.Facet
		var v *string
		switch {
		case r.Gs == 0:
			dst, v = &out.Statuses, r.Status
		case r.Gf == 0:
			dst, v = &out.Folders, r.Folder
		case r.Gn == 0:
			dst, v = &out.Nodes, r.NodeID
		case r.Gr == 0:
			dst, v = &out.Rooms, r.RoomID
		}
		if dst != nil && v != nil && *v != "" {
			*dst = append(*dst, ports.Facet{Value: *v, Count: r.Count})
		}
	}
	for _, l := range []*[]ports.Facet{&out.Statuses, &out.Folders, &out.Nodes, &out.Rooms} {
		slices.SortFunc(*l, func(a, b ports.Facet) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return strings.Compare(a.Value, b.Value)
		})
		if len(*l) > recordingFacetLimit {
			*l = (*l)[:recordingFacetLimit]
		}
	}
	return nil
}

// facet runs one facet query into dst (never nil).
func (s *RecordingStore) facet(ctx context.Context, dst *[]ports.Facet, q string, args []any) error {
	var rows []struct {
		Value string
		Count int64
	}
	if err := s.db.Conn(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return Translate(err)
	}
	*dst = make([]ports.Facet, 0, len(rows))
	for _, r := range rows {
		*dst = append(*dst, ports.Facet{Value: r.Value, Count: r.Count})
	}
	return nil
}

// ScanRecordings implements ports.RecordingStore with keyset pages on
// (sort column, id).
func (s *RecordingStore) ScanRecordings(ctx context.Context, f ports.RecordingFilter, fn func(recording.Recording) error) error {
	srt, err := parseRecordingSort(f.Sort)
	if err != nil {
		return err
	}
	where, args := recordingWhere(f)
	var last *recordingRow
	for {
		q := s.db.Conn(ctx).Where(where, args...)
		if last != nil {
			cond, a := srt.after(*last)
			q = q.Where(cond, a...)
		}
		var rows []recordingRow
		if err := q.Order(srt.order()).Limit(recordingScanBatch).Find(&rows).Error; err != nil {
			return Translate(err)
		}
		for _, r := range rows {
			if err := fn(toDomainRecording(r)); err != nil {
				return err
			}
		}
		if len(rows) < recordingScanBatch {
			return nil
		}
		last = &rows[len(rows)-1]
	}
}
