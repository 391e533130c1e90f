package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/domain/errs"
)

// envelope is the success body {"data": …} with optional list meta.
type envelope struct {
	Data any       `json:"data"`
	Meta *ListMeta `json:"meta,omitempty"`
}

// ListMeta describes one page of a list.
type ListMeta struct {
	Total           int64 `json:"total"`
	Returned        int   `json:"returned"`
	Offset          int   `json:"offset"`
	Limit           int   `json:"limit"`
	HasNextPage     bool  `json:"hasNextPage"`
	HasPreviousPage bool  `json:"hasPreviousPage"`
}

// OK writes 200 {"data": v}.
func OK(c *gin.Context, v any) error {
	c.JSON(http.StatusOK, envelope{Data: v})
	return nil
}

// Created writes 201 {"data": v}.
func Created(c *gin.Context, v any) error {
	c.JSON(http.StatusCreated, envelope{Data: v})
	return nil
}

// List writes 200 {"data": items, "meta": {...}} for one page.
func List(c *gin.Context, items any, returned int, total int64, p Page) error {
	c.JSON(http.StatusOK, envelope{Data: items, Meta: &ListMeta{
		Total: total, Returned: returned, Offset: p.Offset, Limit: p.Limit,
		HasNextPage: int64(p.Offset+returned) < total, HasPreviousPage: p.Offset > 0,
	}})
	return nil
}

// Page is a validated limit/offset pair.
type Page struct {
	Limit  int
	Offset int
}

// MaxPageSize is the largest accepted limit.
const MaxPageSize = 500

// PageFrom reads ?limit (1..500, default 50) and ?offset (≥0).
func PageFrom(c *gin.Context) (Page, error) {
	p := Page{Limit: 50}
	var is errs.Issues
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPageSize {
			is.Add("limit", fmt.Sprintf("must be an integer from 1 to %d", MaxPageSize))
		}
		p.Limit = n
	}
	if s := c.Query("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			is.Add("offset", "must be a non-negative integer")
		}
		p.Offset = n
	}
	return p, is.Err()
}

// Bind decodes a JSON body into dst, rejecting unknown fields, trailing
// data and wrong types with an error that names the field. A body over the
// size limit is a 413.
func Bind(c *gin.Context, dst any) error {
	if c.Request.Body == nil {
		return errs.Field("body", "a JSON body is required")
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return errs.Field("body", "must hold exactly one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF && err != nil {
		return decodeError(err)
	}
	return nil
}

func decodeError(err error) error {
	var tooLarge *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return errs.New(errs.KindTooLarge, "request.tooLarge", fmt.Sprintf("the body is larger than %d bytes", tooLarge.Limit))
	case errors.Is(err, io.EOF):
		return errs.Field("body", "a JSON body is required")
	case errors.As(err, &syn):
		return errs.Field("body", fmt.Sprintf("invalid JSON at byte %d", syn.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.Field("body", "truncated JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return errs.Field(field, "must be "+jsonTypeName(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Field(name, "is not a known field")
	}
	return errs.Field("body", "invalid JSON")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	}
	return "of another type"
}

func toString(v any) string { return fmt.Sprint(v) }

// unknownQueryParams names every query parameter of c that is not in
// known, so that a mistyped filter is refused rather than ignored (and
// never silently widens a result).
func unknownQueryParams(c *gin.Context, known ...string) errs.Issues {
	var is errs.Issues
	for k := range c.Request.URL.Query() {
		if !slices.Contains(known, k) {
			is.Add(k, "is not a known parameter")
		}
	}
	return is
}
