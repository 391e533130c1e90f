package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/domain/errs"
)

// errorBody is the error envelope {"error":{"code","message","details"}}.
type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
}

var kindStatus = map[errs.Kind]int{
	errs.KindInternal:            http.StatusInternalServerError,
	errs.KindInvalid:             http.StatusBadRequest,
	errs.KindUnauthorized:        http.StatusUnauthorized,
	errs.KindForbidden:           http.StatusForbidden,
	errs.KindNotFound:            http.StatusNotFound,
	errs.KindConflict:            http.StatusConflict,
	errs.KindTooLarge:            http.StatusRequestEntityTooLarge,
	errs.KindUnprocessable:       http.StatusUnprocessableEntity,
	errs.KindTooMany:             http.StatusTooManyRequests,
	errs.KindUnavailable:         http.StatusServiceUnavailable,
	errs.KindNotImplemented:      http.StatusNotImplemented,
	errs.KindRangeNotSatisfiable: http.StatusRequestedRangeNotSatisfiable,
}

// statusClientClosed is logged when the client went away before the answer.
const statusClientClosed = 499

// StatusOf maps an error to its HTTP status. It is the only such mapping.
func StatusOf(err error) int { return kindStatus[errs.KindOf(err)] }

// errorMiddleware writes the envelope for the last error a handler attached.
// Internal errors are logged with the request id and shown only as a
// generic message.
func errorMiddleware(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		err := c.Errors.Last().Err
		writeError(c, log, err)
	}
}

func writeError(c *gin.Context, log *slog.Logger, err error) {
	if c.Request.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errs.KindOf(err) == errs.KindUnavailable) {
		// The client went away: nobody reads the answer, and it is no
		// server error (499 is the access-log convention for this).
		log.Debug("client closed the request", "requestId", c.GetString(ctxRequestID), "route", c.FullPath())
		c.AbortWithStatus(statusClientClosed)
		return
	}
	status := StatusOf(err)
	var e *errs.Error
	payload := errorPayload{Code: "internal", Message: "internal error"}
	if errors.As(err, &e) && e.Kind != errs.KindInternal {
		payload = errorPayload{Code: e.Code, Message: e.Message, Details: e.Details}
	}
	if status >= 500 {
		log.Error("request failed", "requestId", c.GetString(ctxRequestID), "status", status, "error", err.Error(), "route", c.FullPath())
	}
	if e != nil && e.Kind == errs.KindTooMany {
		if d, ok := e.Details.(map[string]any); ok {
			if s, ok := d["retryAfterSeconds"]; ok {
				c.Header("Retry-After", toString(s))
			}
		}
	}
	c.AbortWithStatusJSON(status, errorBody{Error: payload})
}
