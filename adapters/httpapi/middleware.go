package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/domain/errs"
)

const (
	ctxRequestID = "rakkr.requestId"
	ctxPrincipal = "rakkr.principal"
	ctxServer    = "rakkr.server"
)

// HTTPObserver receives one observation per finished request (metrics).
type HTTPObserver interface {
	// ObserveHTTP records a request's route template, method, status and duration.
	ObserveHTTP(route, method string, status int, d time.Duration)
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestIDMiddleware takes a sane X-Request-Id from the client or makes one.
func requestIDMiddleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			id = newRequestID()
		}
		c.Set(ctxRequestID, id)
		c.Header("X-Request-Id", id)
		c.Next()
	}
}

// accessLogMiddleware logs each request with its id, and feeds metrics. It
// logs the route template, never the path or query: media and socket
// tickets travel in ?ticket= and must not reach the logs.
func accessLogMiddleware(log *slog.Logger, obs HTTPObserver) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		d := time.Since(start)
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		status := c.Writer.Status()
		if obs != nil {
			obs.ObserveHTTP(route, c.Request.Method, status, d)
		}
		lvl := slog.LevelDebug
		if status >= 500 {
			lvl = slog.LevelWarn
		}
		log.Log(c.Request.Context(), lvl, "http request", "requestId", c.GetString(ctxRequestID), "method", c.Request.Method,
			"route", route, "status", status, "durationMs", d.Milliseconds(), "client", c.ClientIP())
	}
}

// recoverMiddleware turns a panic into a logged 500 envelope.
func recoverMiddleware(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				log.Error("panic in handler", "requestId", c.GetString(ctxRequestID), "panic", r, "route", c.FullPath())
				if !c.Writer.Written() {
					writeError(c, log, errs.New(errs.KindInternal, "internal", "internal error"))
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// securityHeadersMiddleware sets conservative browser security headers.
func securityHeadersMiddleware(tls bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), geolocation=(), microphone=()")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'")
		if tls {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		c.Next()
	}
}

// bodyLimitMiddleware caps request bodies; decoding past the cap yields 413.
// A declared Content-Length over the cap is refused before reading.
func bodyLimitMiddleware(limit int64, log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > limit {
			writeError(c, log, errs.New(errs.KindTooLarge, "request.tooLarge", "the body is larger than the limit"))
			return
		}
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}

// corsMiddleware allows only the configured origins; with none it does nothing.
func corsMiddleware(origins []string) gin.HandlerFunc {
	return func(c *gin.Context) {
		origin := c.GetHeader("Origin")
		if origin == "" || len(origins) == 0 || !slices.Contains(origins, origin) {
			if c.Request.Method == http.MethodOptions && origin != "" && len(origins) > 0 {
				c.AbortWithStatus(http.StatusForbidden)
				return
			}
			c.Next()
			return
		}
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Vary", "Origin")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id")
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
		h.Set("Access-Control-Expose-Headers", "X-Request-Id, Content-Disposition")
		h.Set("Access-Control-Max-Age", "600")
		if c.Request.Method == http.MethodOptions {
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}
