package httpapi

import (
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/library"
)

// chunkQuery reads the optional ?chunk=<index> (library.WholeRecording when
// absent) and refuses query parameters other than chunk and allowed.
func chunkQuery(c *gin.Context, allowed ...string) (int, error) {
	is := unknownQueryParams(c, append([]string{"chunk"}, allowed...)...)
	chunk := library.WholeRecording
	if s := c.Query("chunk"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			is.Add("chunk", "must be a chunk index (a non-negative integer)")
		}
		chunk = n
	}
	return chunk, is.Err()
}

// mediaURL answers POST /recordings/:id/playback and /download: it checks
// that the audio (or the chunk) can be opened now, so the console learns of
// a missing file before handing the URL to the browser, and issues a
// ticketed URL for route.
func (m *LibraryModule) mediaURL(route MediaRoute) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		chunk, err := chunkQuery(c)
		if err != nil {
			return err
		}
		a, err := m.Service.OpenAudio(RequestContext(c), c.Param("id"), chunk)
		if err != nil {
			return err
		}
		_ = a.Content.Close()
		extra := url.Values{}
		if chunk != library.WholeRecording {
			extra.Set("chunk", strconv.Itoa(chunk))
		}
		u, err := IssueMediaURL(c, c.Param("id"), route, extra)
		if err != nil {
			return err
		}
		return Created(c, u)
	}
}
