// Package frontend holds the Rakkr console, a React single-page app built by
// Vite into dist/, and embeds the built files into the controller binary.
//
// Build the console with `npm ci && npm run build` in this directory before
// `go build`; without a build, dist/ holds only the committed .keep file and
// Dist reports that there is no console.
package frontend

import (
	"embed"
	"io/fs"
)

// dist is the Vite output. "all:" includes dot files so that the committed
// dist/.keep alone satisfies the pattern on a fresh clone.
//
//go:embed all:dist
var dist embed.FS

// Dist returns the built console with index.html at its root, or nil when
// the console was not built into this binary (dist/index.html is missing).
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}
