package httpapi

import (
	"io"
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/library"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// libraryQueryParams are the filters the list, facets and export accept;
// anything else is refused so a mistyped filter never widens the result.
var libraryQueryParams = []string{"status", "nodeId", "roomId", "folder", "tag", "q", "from", "to", "sort"}

func libraryFilterFromQuery(c *gin.Context, extra ...string) (ports.RecordingFilter, error) {
	is := unknownQueryParams(c, slices.Concat(libraryQueryParams, extra)...)
	f, err := library.FilterParams{Statuses: c.QueryArray("status"), NodeID: c.Query("nodeId"), RoomID: c.Query("roomId"),
		Folder: c.Query("folder"), Tags: c.QueryArray("tag"), Q: c.Query("q"), From: c.Query("from"), To: c.Query("to"),
		Sort: c.Query("sort")}.Filter()
	return f, errs.Merge(is.Err(), err)
}

func (m *LibraryModule) list(c *gin.Context) error {
	f, ferr := libraryFilterFromQuery(c, "limit", "offset")
	p, perr := PageFrom(c)
	if err := errs.Merge(ferr, perr); err != nil {
		return err
	}
	page, err := m.Service.List(RequestContext(c), f, p.Limit, p.Offset)
	if err != nil {
		return err
	}
	out := make([]RecordingView, 0, len(page.Recordings))
	for _, r := range page.Recordings {
		out = append(out, ToRecordingView(r))
	}
	return List(c, out, len(out), page.Total, p)
}

func (m *LibraryModule) facets(c *gin.Context) error {
	f, err := libraryFilterFromQuery(c)
	if err != nil {
		return err
	}
	fs, err := m.Service.Facets(RequestContext(c), f)
	if err != nil {
		return err
	}
	conv := func(in []ports.Facet) []LibraryFacet {
		out := make([]LibraryFacet, 0, len(in))
		for _, v := range in {
			out = append(out, LibraryFacet{Value: v.Value, Count: v.Count})
		}
		return out
	}
	return OK(c, LibraryFacetsResponse{Statuses: conv(fs.Statuses), Folders: conv(fs.Folders), Tags: conv(fs.Tags),
		Nodes: conv(fs.Nodes), Rooms: conv(fs.Rooms)})
}

// export streams the CSV; headers go out with the first bytes, so an error
// before any data still gets the JSON error envelope.
func (m *LibraryModule) export(c *gin.Context) error {
	f, err := libraryFilterFromQuery(c)
	if err != nil {
		return err
	}
	w := &auditCSVWriter{c: c, contentType: "text/csv; charset=utf-8",
		filename: "recordings-" + time.Now().UTC().Format("20060102T150405Z") + ".csv"}
	_, err = m.Service.ExportCSV(RequestContext(c), w, f)
	return err
}

func (m *LibraryModule) get(c *gin.Context) error {
	d, err := m.Service.Detail(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := LibraryRecordingDetail{RecordingView: ToRecordingView(d.Recording), JobTotal: d.JobTotal,
		Jobs: make([]JobView, 0, len(d.Jobs)), Chunks: make([]ChunkView, 0, len(d.Chunks))}
	for _, j := range d.Jobs {
		out.Jobs = append(out.Jobs, ToJobView(j))
	}
	for _, ch := range d.Chunks {
		out.Chunks = append(out.Chunks, ToChunkView(ch, d.Recording.NodeID))
	}
	return OK(c, out)
}

func (m *LibraryModule) metadata(c *gin.Context) error {
	var b LibraryMetadataRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	r, err := m.Service.EditMetadata(RequestContext(c), c.Param("id"),
		library.MetadataPatch{Name: b.Name, Folder: b.Folder, Tags: b.Tags, Notes: b.Notes})
	if err != nil {
		return err
	}
	return OK(c, ToRecordingView(r))
}

func (m *LibraryModule) bulkMetadata(c *gin.Context) error {
	var b LibraryBulkMetadataRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	recs, err := m.Service.BulkEditMetadata(RequestContext(c), b.IDs,
		library.BulkMetadata{Folder: b.Folder, AddTags: b.AddTags, RemoveTags: b.RemoveTags})
	if err != nil {
		return err
	}
	out := LibraryBulkMetadataResponse{Count: len(recs), Recordings: make([]RecordingView, 0, len(recs))}
	for _, r := range recs {
		out.Recordings = append(out.Recordings, ToRecordingView(r))
	}
	return OK(c, out)
}

func (m *LibraryModule) delete(c *gin.Context) error {
	r, err := m.Service.Delete(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, LibraryDeletedResponse{ID: r.ID, Deleted: true})
}

func (m *LibraryModule) bulkDelete(c *gin.Context) error {
	var b LibraryBulkDeleteRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	recs, err := m.Service.BulkDelete(RequestContext(c), b.IDs)
	if err != nil {
		return err
	}
	out := LibraryBulkDeleteResponse{Count: len(recs), IDs: make([]string, 0, len(recs))}
	for _, r := range recs {
		out.IDs = append(out.IDs, r.ID)
	}
	return OK(c, out)
}

// audio serves the recording (or ?chunk=<index>) through
// http.ServeContent: one byte range per request (206 with Content-Range;
// a range past the end or malformed is 416 in the JSON error envelope, with
// "Content-Range: bytes */size" when past the end; see checkRange),
// conditional requests on the ETag, inline for playback, attachment for
// download.
func (m *LibraryModule) audio(download bool) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		chunk, err := chunkQuery(c, "ticket")
		if err != nil {
			return err
		}
		a, err := m.Service.OpenAudio(RequestContext(c), c.Param("id"), chunk)
		if err != nil {
			return err
		}
		defer a.Content.Close()
		size, err := a.Content.Seek(0, io.SeekEnd)
		if err != nil {
			return err
		}
		if _, err := a.Content.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if err := checkRange(c.Writer, c.Request, size); err != nil {
			return err
		}
		disposition := "inline"
		if download {
			disposition = "attachment"
		}
		h := c.Writer.Header()
		h.Set("Content-Type", a.ContentType)
		h.Set("ETag", a.ETag)
		h.Set("Cache-Control", "private, no-cache")
		if v := mime.FormatMediaType(disposition, map[string]string{"filename": a.FileName}); v != "" {
			h.Set("Content-Disposition", v)
		}
		http.ServeContent(c.Writer, c.Request, "", a.ModTime, a.Content)
		return nil
	}
}
