// Package errs defines the error kinds every layer speaks and the one error
// type that carries a stable public code, a safe message and field details.
//
// Domain and application code wrap failures in *Error; the HTTP edge maps the
// kind to a status in exactly one place and never shows the wrapped cause.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the edge. Its zero value is KindInternal.
type Kind int

// The kinds, each mapped to one HTTP status by the edge.
const (
	KindInternal            Kind = iota // a bug or an unexpected failure: 500
	KindInvalid                         // input failed validation: 400
	KindUnauthorized                    // no or bad credentials: 401
	KindForbidden                       // authenticated but not allowed: 403
	KindNotFound                        // the target does not exist: 404
	KindConflict                        // the state forbids the change: 409
	KindTooLarge                        // the body is too large: 413
	KindUnprocessable                   // well-formed but cannot be processed: 422
	KindTooMany                         // throttled: 429
	KindUnavailable                     // a dependency (the database) is down: 503
	KindNotImplemented                  // a capability that is not built: 501
	KindRangeNotSatisfiable             // a byte range past the end: 416
)

// Sentinel errors for errors.Is checks on kind alone.
var (
	ErrInvalid        = &Error{Kind: KindInvalid, Code: "request.invalid", Message: "invalid request"}
	ErrUnauthorized   = &Error{Kind: KindUnauthorized, Code: "auth.unauthenticated", Message: "authentication required"}
	ErrForbidden      = &Error{Kind: KindForbidden, Code: "auth.forbidden", Message: "forbidden"}
	ErrNotFound       = &Error{Kind: KindNotFound, Code: "resource.notFound", Message: "not found"}
	ErrConflict       = &Error{Kind: KindConflict, Code: "resource.conflict", Message: "conflict"}
	ErrUnavailable    = &Error{Kind: KindUnavailable, Code: "database.unavailable", Message: "database unavailable"}
	ErrNotImplemented = &Error{Kind: KindNotImplemented, Code: "capability.notImplemented", Message: "not implemented"}
)

// FieldIssue names one invalid field of a request and why.
type FieldIssue struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the single error type with a public face: Code and Message are safe
// to show to a client; Cause is for logs only.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Details any
	Cause   error
}

// Error implements error; it includes the cause for logs.
func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return e.Code + ": " + e.Message
}

// Unwrap exposes the cause to errors.Is/As.
func (e *Error) Unwrap() error { return e.Cause }

// Is reports whether target is an *Error of the same kind, so that
// errors.Is(err, errs.ErrNotFound) holds for every not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Kind == e.Kind && (t.Code == e.Code || isSentinel(t))
}

func isSentinel(t *Error) bool {
	switch t {
	case ErrInvalid, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrUnavailable, ErrNotImplemented:
		return true
	}
	return false
}

// New builds an error of a kind with a stable code and a public message.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Wrap builds an error that keeps cause for logs behind a public code and message.
func Wrap(kind Kind, code, message string, cause error) *Error {
	return &Error{Kind: kind, Code: code, Message: message, Cause: cause}
}

// NotFound is a not-found error for the named thing, e.g. NotFound("user", "user.notFound").
func NotFound(code, message string) *Error { return New(KindNotFound, code, message) }

// Conflict is a conflict error with a reason code such as "capture_channels_busy".
func Conflict(code, message string) *Error { return New(KindConflict, code, message) }

// Unavailable wraps a database or dependency failure as database.unavailable.
func Unavailable(cause error) *Error {
	return Wrap(KindUnavailable, "database.unavailable", "the database is unavailable", cause)
}

// Invalid builds a validation error that lists the invalid fields.
func Invalid(issues ...FieldIssue) *Error {
	msg := "invalid request"
	if len(issues) == 1 {
		msg = issues[0].Field + ": " + issues[0].Message
	} else if len(issues) > 1 {
		msg = fmt.Sprintf("%d invalid fields", len(issues))
	}
	return &Error{Kind: KindInvalid, Code: "request.invalid", Message: msg, Details: map[string]any{"issues": issues}}
}

// Field is shorthand for a single-field validation error.
func Field(field, message string) *Error { return Invalid(FieldIssue{Field: field, Message: message}) }

// Issues collects field issues while validating and yields nil when there are none.
type Issues []FieldIssue

// Add records an issue on field.
func (is *Issues) Add(field, message string) {
	*is = append(*is, FieldIssue{Field: field, Message: message})
}

// Err returns an invalid-request error listing the issues, or nil.
func (is Issues) Err() error {
	if len(is) == 0 {
		return nil
	}
	return Invalid(is...)
}

// KindOf returns the kind of err: the kind of the first *Error in its chain,
// or KindInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Merge joins validation errors into one that lists every field issue; the
// first error that is not a validation error is returned as is, and no
// errors give nil.
func Merge(list ...error) error {
	var all []FieldIssue
	for _, err := range list {
		if err == nil {
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindInvalid {
			return err
		}
		d, _ := e.Details.(map[string]any)
		is, ok := d["issues"].([]FieldIssue)
		if !ok {
			return err
		}
		all = append(all, is...)
	}
	if len(all) == 0 {
		return nil
	}
	return Invalid(all...)
}
