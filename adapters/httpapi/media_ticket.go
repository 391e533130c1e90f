package httpapi

import (
	"errors"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/adapters/tickets"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// MediaRoute names the media GET route a media ticket opens; a Route whose
// MediaTicket is set accepts ?ticket= for that route instead of the bearer.
type MediaRoute string

// The media routes.
const (
	// MediaStream is GET /api/v1/recordings/:id/stream (inline playback).
	MediaStream MediaRoute = "stream"
	// MediaFile is GET /api/v1/recordings/:id/file (download).
	MediaFile MediaRoute = "file"
)

// MediaTicketTTL is how long a media URL stays valid. The ticket is
// reusable until then: an <audio> element makes many Range requests.
const MediaTicketTTL = 10 * time.Minute

// maxMediaTickets bounds the open tickets (about 200 bytes each).
const maxMediaTickets = 50000

// MediaURLResponse is a short-lived URL that opens one recording's stream
// or file without the Authorization header.
type MediaURLResponse struct {
	// URL is a path relative to the API's origin, with ?ticket=.
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

var (
	errInvalidMediaTicket = errs.New(errs.KindUnauthorized, "auth.invalidMediaTicket",
		"the media ticket is unknown, expired or not for this recording and route; request a new URL")
	errMediaTicketCredential = errs.New(errs.KindUnauthorized, "auth.invalidMediaTicket",
		"the sign-in that issued this media URL has ended; sign in and request a new URL")
)

// mediaTicket is what the edge keeps of an issued ticket: never the ticket
// itself (the table is keyed by its SHA-256) and never the caller's bearer —
// only its digest (ports.DigestAuthenticator), to re-authenticate the
// issuer on every use.
type mediaTicket struct {
	userID     string
	credential string
	recording  string
	route      MediaRoute
}

// mediaTickets is the in-memory ticket table of one controller process. A
// ticket is only valid on the replica that issued it.
type mediaTickets struct {
	t *tickets.Table[mediaTicket]
}

func newMediaTickets(clock ports.Clock) *mediaTickets {
	return &mediaTickets{t: tickets.New[mediaTicket](tickets.Config{
		Clock: clock, TTL: MediaTicketTTL, Capacity: maxMediaTickets, Bytes: 32, Mode: tickets.Reusable})}
}

// issue returns a new random ticket for e's user on e's (recording, route).
func (t *mediaTickets) issue(e mediaTicket) (string, time.Time, error) {
	ticket, exp, err := t.t.Issue(e)
	if errors.Is(err, tickets.ErrFull) {
		return "", time.Time{}, errs.New(errs.KindTooMany, "auth.tooManyMediaTickets", "too many open media URLs; try again later")
	}
	return ticket, exp, err
}

// redeem returns the entry of a live ticket for exactly (recording, route).
// The ticket stays valid until it expires.
func (t *mediaTickets) redeem(ticket, recording string, route MediaRoute) (mediaTicket, error) {
	e, ok := t.t.Redeem(ticket)
	if !ok || e.recording != recording || e.route != route {
		return mediaTicket{}, errInvalidMediaTicket
	}
	return e, nil
}

// authenticateMedia authenticates a request to a route that accepts media
// tickets: a ?ticket= stands for its issuer, whose credential is resolved
// again (a logout, revocation or disabled user since ends the ticket);
// without one the bearer header is required as usual.
func (s *Server) authenticateMedia(c *gin.Context, r Route) (access.Principal, error) {
	ticket := c.Query("ticket")
	if ticket == "" {
		return s.authenticate(c)
	}
	e, err := s.media.redeem(ticket, c.Param("id"), r.MediaTicket)
	if err != nil {
		return access.Principal{}, err
	}
	da, ok := s.deps.Authenticator.(ports.DigestAuthenticator)
	if !ok {
		return access.Principal{}, errInvalidMediaTicket
	}
	p, err := da.AuthenticateDigest(c.Request.Context(), e.credential)
	if errs.KindOf(err) == errs.KindUnauthorized || err == nil && p.ID != e.userID {
		return access.Principal{}, errMediaTicketCredential
	}
	return p, err
}

// IssueMediaURL returns a URL, valid MediaTicketTTL, that opens route of
// recording id for the caller of c (see Route.MediaTicket); extra query
// parameters (such as chunk) are added to it. The caller's permission is
// checked again on every request made with the URL.
func IssueMediaURL(c *gin.Context, id string, route MediaRoute, extra url.Values) (MediaURLResponse, error) {
	p, ok := PrincipalOf(c)
	if !ok {
		return MediaURLResponse{}, errs.ErrUnauthorized
	}
	s := c.MustGet(ctxServer).(*Server)
	da, ok := s.deps.Authenticator.(ports.DigestAuthenticator)
	bearer := BearerToken(c.Request)
	if !ok || bearer == "" {
		return MediaURLResponse{}, errs.New(errs.KindNotImplemented, "capability.notImplemented",
			"media URLs need a bearer and an authenticator that resolves credential digests")
	}
	ticket, exp, err := s.media.issue(mediaTicket{userID: p.ID, credential: da.CredentialDigest(bearer), recording: id, route: route})
	if err != nil {
		return MediaURLResponse{}, err
	}
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("ticket", ticket)
	return MediaURLResponse{URL: "/api/v1/recordings/" + url.PathEscape(id) + "/" + string(route) + "?" + q.Encode(), ExpiresAt: exp}, nil
}
