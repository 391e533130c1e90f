package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/rakkr/rakkr/domain/errs"
)

// checkRange answers, in the JSON error envelope, the Range requests that
// http.ServeContent would refuse with a plain-text 416: a malformed range
// (416 range.invalid) and ranges that all start past the end of size bytes
// (416 range.notSatisfiable, with "Content-Range: bytes */size"). Requests
// without Range, or with If-Range (ServeContent may then ignore the
// range), pass.
func checkRange(w http.ResponseWriter, r *http.Request, size int64) error {
	spec := r.Header.Get("Range")
	if spec == "" || r.Header.Get("If-Range") != "" {
		return nil
	}
	sets, ok := strings.CutPrefix(spec, "bytes=")
	if !ok {
		return errs.New(errs.KindRangeNotSatisfiable, "range.invalid", "Range must be bytes=<first>-[<last>] or bytes=-<suffix>")
	}
	overlap := false
	for _, set := range strings.Split(sets, ",") {
		first, last, ok := strings.Cut(strings.TrimSpace(set), "-")
		if !ok {
			return errs.New(errs.KindRangeNotSatisfiable, "range.invalid", "Range must be bytes=<first>-[<last>] or bytes=-<suffix>")
		}
		if first == "" { // the last n bytes
			n, err := strconv.ParseInt(last, 10, 64)
			if err != nil || n < 0 {
				return errs.New(errs.KindRangeNotSatisfiable, "range.invalid", "a suffix range needs a byte count")
			}
			overlap = overlap || (n > 0 && size > 0)
			continue
		}
		start, err := strconv.ParseInt(first, 10, 64)
		if err != nil || start < 0 {
			return errs.New(errs.KindRangeNotSatisfiable, "range.invalid", "a range needs a first byte position")
		}
		if last != "" {
			end, err := strconv.ParseInt(last, 10, 64)
			if err != nil || end < start {
				return errs.New(errs.KindRangeNotSatisfiable, "range.invalid", "a range's last byte must not precede its first")
			}
		}
		overlap = overlap || start < size
	}
	if !overlap {
		w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		return &errs.Error{Kind: errs.KindRangeNotSatisfiable, Code: "range.notSatisfiable",
			Message: "the range starts past the end of the file", Details: map[string]any{"size": size}}
	}
	return nil
}
