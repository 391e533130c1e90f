package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/library"
	"github.com/rakkr/rakkr/domain/access"
)

// LibraryModule serves the recording library: list, facets, detail,
// metadata edits, deletion, the CSV manifest, and the audio (stream for
// playback, file for download, both with HTTP Range). Per-recording routes
// are checked on the recording's scope (recording → node → room).
type LibraryModule struct {
	Service *library.Service
}

// LibraryMetadataRequest is the body of PATCH /recordings/:id/metadata: the
// fields to change (absent ones keep their value).
type LibraryMetadataRequest struct {
	Name   *string   `json:"name,omitempty"`
	Folder *string   `json:"folder,omitempty"`
	Tags   *[]string `json:"tags,omitempty"`
	Notes  *string   `json:"notes,omitempty"`
}

// LibraryBulkMetadataRequest moves up to 200 recordings to a folder and/or
// adds and removes tags, all or nothing.
type LibraryBulkMetadataRequest struct {
	IDs        []string `json:"ids"`
	Folder     *string  `json:"folder,omitempty"`
	AddTags    []string `json:"addTags,omitempty"`
	RemoveTags []string `json:"removeTags,omitempty"`
}

// LibraryBulkMetadataResponse lists the recordings changed.
type LibraryBulkMetadataResponse struct {
	Count      int             `json:"count"`
	Recordings []RecordingView `json:"recordings"`
}

// LibraryBulkDeleteRequest deletes up to 200 finished recordings, all or
// nothing.
type LibraryBulkDeleteRequest struct {
	IDs []string `json:"ids"`
}

// LibraryBulkDeleteResponse lists the recordings deleted.
type LibraryBulkDeleteResponse struct {
	Count int      `json:"count"`
	IDs   []string `json:"ids"`
}

// LibraryDeletedResponse confirms a deletion.
type LibraryDeletedResponse struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// LibraryFacet is one value of a facet with its count.
type LibraryFacet struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// LibraryFacetsResponse counts the matching recordings by field (each list
// sorted by count, at most 50 values).
type LibraryFacetsResponse struct {
	Statuses []LibraryFacet `json:"statuses"`
	Folders  []LibraryFacet `json:"folders"`
	Tags     []LibraryFacet `json:"tags"`
	Nodes    []LibraryFacet `json:"nodes"`
	Rooms    []LibraryFacet `json:"rooms"`
}

// Routes implements Module.
func (m *LibraryModule) Routes() []Route {
	const base = "/api/v1/recordings"
	r := func(method, path string, perm access.Permission, action, summary string, h func(*gin.Context) error) Route {
		return Route{Method: method, Path: path, Tag: "recordings", Summary: summary, Access: AccessPermission,
			Permission: perm, Action: action, Handler: h}
	}
	list := r(http.MethodGet, base, access.RecordingRead, "recordings.list",
		"List recordings (filters status (repeatable or comma list), nodeId, roomId, folder, tag (repeatable), q, from, to; sort; limit, offset)", m.list)
	list.Response = []RecordingView{}
	facets := r(http.MethodGet, base+"/facets", access.RecordingRead, "recordings.facets",
		"Count the filtered recordings by status, folder, tag, node and room", m.facets)
	facets.Response = LibraryFacetsResponse{}
	export := r(http.MethodGet, base+"/export", access.RecordingRead, "recordings.export",
		"Export the manifest of the filtered recordings as CSV (formula-injection safe)", m.export)
	export.Raw = true
	bulkMeta := r(http.MethodPatch, base+"/bulk-metadata", access.RecordingEdit, "recordings.metadata.bulkUpdate",
		"Set the folder and/or add and remove tags of up to 200 recordings, all or nothing", m.bulkMetadata)
	bulkMeta.Request, bulkMeta.Response = LibraryBulkMetadataRequest{}, LibraryBulkMetadataResponse{}
	bulkDel := r(http.MethodPost, base+"/bulk-delete", access.RecordingDelete, "recordings.bulkDelete",
		"Delete up to 200 finished recordings with their files, all or nothing", m.bulkDelete)
	bulkDel.Request, bulkDel.Response = LibraryBulkDeleteRequest{}, LibraryBulkDeleteResponse{}
	get := r(http.MethodGet, base+"/:id", access.RecordingRead, "recordings.get",
		"One recording with its jobs and chunks", m.get)
	get.Response = LibraryRecordingDetail{}
	meta := r(http.MethodPatch, base+"/:id/metadata", access.RecordingEdit, "recordings.metadata.update",
		"Edit a recording's name, folder, tags and notes", m.metadata)
	meta.Request, meta.Response = LibraryMetadataRequest{}, RecordingView{}
	del := r(http.MethodDelete, base+"/:id", access.RecordingDelete, "recordings.delete",
		"Delete a finished recording with its files (409 recording.notTerminal while capturing)", m.delete)
	del.Response = LibraryDeletedResponse{}
	stream := r(http.MethodGet, base+"/:id/stream", access.RecordingPlayback, "recordings.stream",
		"Play a recording's audio inline (HTTP Range; ?chunk=<index> for one chunk)", m.audio(false))
	stream.Raw, stream.MediaTicket = true, MediaStream
	file := r(http.MethodGet, base+"/:id/file", access.RecordingDownload, "recordings.download",
		"Download a recording's audio as an attachment (HTTP Range; ?chunk=<index> for one chunk)", m.audio(true))
	file.Raw, file.MediaTicket = true, MediaFile
	file.Summary += "; ?ticket= from POST /recordings/:id/download replaces the bearer"
	stream.Summary += "; ?ticket= from POST /recordings/:id/playback replaces the bearer"
	playURL := r(http.MethodPost, base+"/:id/playback", access.RecordingPlayback, "recordings.stream.url",
		"A 10-minute URL for <audio src> on the stream (?ticket=, reusable for Range requests; ?chunk=<index> for one chunk)",
		m.mediaURL(MediaStream))
	playURL.Response, playURL.Status = MediaURLResponse{}, http.StatusCreated
	dlURL := r(http.MethodPost, base+"/:id/download", access.RecordingDownload, "recordings.download.url",
		"A 10-minute download URL for the file (?ticket=, reusable; ?chunk=<index> for one chunk)", m.mediaURL(MediaFile))
	dlURL.Response, dlURL.Status = MediaURLResponse{}, http.StatusCreated
	routes := []Route{list, facets, export, bulkMeta, bulkDel, get, meta, del, stream, file, playURL, dlURL}
	for i := range routes {
		if strings.HasPrefix(routes[i].Path, base+"/:id") {
			routes[i].Target = m.target
		}
	}
	return routes
}

// target scopes a recording route to the recording (whose scope-graph
// parents are its node and room); unknown ids are checked globally and
// then answer 404.
func (m *LibraryModule) target(c *gin.Context) (access.Ref, error) {
	return m.Service.RecordingTarget(RequestContext(c), c.Param("id"))
}

var _ Module = (*LibraryModule)(nil)
