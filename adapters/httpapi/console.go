package httpapi

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

const consoleMissing = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rakkr</title></head>
<body><h1>Rakkr controller</h1><p>The console was not built into this binary. Run <code>make build</code>.
The API is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p></body></html>`

// serveConsole serves the embedded single-page app: files by path, and
// index.html for client-side routes.
func (s *Server) serveConsole(c *gin.Context) {
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		writeError(c, s.deps.Log, errRouteNotFound)
		return
	}
	if s.deps.Console == nil {
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(consoleMissing))
		return
	}
	name := strings.TrimPrefix(path.Clean(c.Request.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	if st, err := fs.Stat(s.deps.Console, name); err == nil && !st.IsDir() && name != "index.html" {
		if strings.HasPrefix(name, "assets/") {
			c.Header("Cache-Control", "public, max-age=31536000, immutable")
		}
		c.FileFromFS(name, http.FS(s.deps.Console))
		return
	}
	index, err := fs.ReadFile(s.deps.Console, "index.html")
	if err != nil {
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(consoleMissing))
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", index)
}
