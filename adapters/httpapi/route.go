// Package httpapi is the Gin edge of the controller: routes declared once
// (with their permission, audit action and OpenAPI description), the
// authenticate → authorize → audit → handle chain, and the single place
// where domain errors become HTTP statuses.
package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/domain/access"
)

// AccessMode says who may call a route.
type AccessMode int

// The access modes.
const (
	// AccessPermission needs an authenticated user holding Route.Permission in
	// scope of Route.Target. It is the default.
	AccessPermission AccessMode = iota
	// AccessPublic needs nothing (login, health).
	AccessPublic
	// AccessAuthenticated needs any authenticated user (me, logout, own tokens).
	AccessAuthenticated
	// AccessNode needs a node credential for the node in the path (agent routes).
	AccessNode
	// AccessCustom routes check credentials themselves (metrics scrape token,
	// bootstrap tokens) and still go through the error mapping.
	AccessCustom
)

// Route declares one endpoint. Everything the edge knows about a route is
// here: the OpenAPI document and the route × role test are generated from it.
type Route struct {
	Method  string
	Path    string // Gin syntax: /api/v1/auth/users/:id
	Summary string
	Tag     string
	Access  AccessMode
	// Permission is checked for AccessPermission routes (and recorded as the
	// audit label of node routes).
	Permission access.Permission
	// Action is the dotted audit action, e.g. "auth.users.create"; the
	// decision rows get ".allowed"/".denied" appended.
	Action string
	// Target resolves the scope the permission is checked on; nil means the
	// global scope (collections), where lists are then filtered per item.
	Target func(c *gin.Context) (access.Ref, error)
	// Handler does the work; it returns an error instead of writing one.
	Handler func(c *gin.Context) error
	// Request and Response are example values whose types describe the
	// bodies in the OpenAPI document (nil: none / free form).
	Request  any
	Response any
	// Status is the success status (default 200), for the OpenAPI document.
	Status int
	// Raw marks routes whose response is not the JSON envelope (files, metrics).
	Raw bool
	// StreamBody marks routes whose handler streams a binary request body
	// (chunk uploads) and enforces its own limit; the edge's body cap does
	// not apply and the OpenAPI body is application/octet-stream.
	StreamBody bool
	// MediaTicket, on the recording stream and file GET routes only, lets
	// the route accept ?ticket= (see IssueMediaURL) for this media route and
	// the :id in the path instead of the bearer header. The request then
	// runs as the ticket's issuer and is authorized and audited as usual.
	MediaTicket MediaRoute
}

// Module is a group of routes contributed by one area of the API.
type Module interface {
	// Routes returns the module's routes.
	Routes() []Route
}

// PathParam returns a path parameter as a target id helper.
func PathParam(name string, t access.ResourceType) func(c *gin.Context) (access.Ref, error) {
	return func(c *gin.Context) (access.Ref, error) {
		return access.Ref{Type: t, ID: c.Param(name)}, nil
	}
}
