package recording

import (
	"errors"
	"fmt"

	"github.com/rakkr/rakkr/domain/errs"
)

// fmtErr renders an error with its field issues.
func fmtErr(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return fmt.Sprintf("%s %v", e.Message, e.Details)
	}
	return err.Error()
}
