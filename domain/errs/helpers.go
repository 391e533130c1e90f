package errs

import (
	"fmt"
	"time"
)

// Time parses an optional RFC 3339 query time: "" gives the zero time; a
// bad value adds an issue on field and gives the zero time.
func (is *Issues) Time(field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		is.Add(field, "must be an RFC 3339 time such as 2026-01-02T15:04:05Z")
		return time.Time{}
	}
	return t.UTC()
}

// Page checks list paging: limit 1..max, offset ≥ 0.
func (is *Issues) Page(limit, offset, max int) {
	if limit < 1 || limit > max {
		is.Add("limit", fmt.Sprintf("must be an integer from 1 to %d", max))
	}
	if offset < 0 {
		is.Add("offset", "must be a non-negative integer")
	}
}

// AtItem names the item of a bulk request an error is about: its index
// and id join the details (field "ids[i]") and the message. Errors that
// are not *Error pass unchanged.
func AtItem(err error, i int, id string) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	c := *e
	d := map[string]any{"index": i, "id": id, "field": fmt.Sprintf("ids[%d]", i)}
	if m, ok := e.Details.(map[string]any); ok {
		for k, v := range m {
			if _, set := d[k]; !set {
				d[k] = v
			}
		}
	}
	c.Details = d
	c.Message = fmt.Sprintf("ids[%d] (%s): %s", i, id, e.Message)
	return &c
}
