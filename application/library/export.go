package library

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// CSVHeader is the header row of a recording manifest export.
var CSVHeader = []string{"id", "name", "folder", "tags", "status", "health", "node", "room", "profile", "codec",
	"createdAt", "startedAt", "endedAt", "durationSeconds", "sizeBytes", "chunkTotal", "checksum"}

// csvFlushRows is how many rows are written between flushes to w.
const csvFlushRows = 200

// ExportCSV writes the manifest of the recordings matching f (narrowed to
// the caller's readable nodes) to w in f.Sort order, streaming with
// ScanRecordings, and returns how many rows it wrote. Nothing reaches w
// before the database has answered the first batch. Tags are joined with
// "; ". Every cell goes through auditing.SafeCell, so a name or tag
// starting with = + - @ cannot run as a spreadsheet formula.
func (s *Service) ExportCSV(ctx context.Context, w io.Writer, f ports.RecordingFilter) (int64, error) {
	if err := s.scope(ctx, &f, access.RecordingRead); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	var n int64
	started := false
	start := func() error {
		if started {
			return nil
		}
		started = true
		return cw.Write(CSVHeader)
	}
	err := s.d.Recordings.ScanRecordings(ctx, f, func(r recording.Recording) error {
		if err := start(); err != nil {
			return err
		}
		if err := cw.Write(csvRecord(r)); err != nil {
			return err
		}
		if n++; n%csvFlushRows == 0 {
			cw.Flush()
			return cw.Error()
		}
		return nil
	})
	if err != nil {
		if n > 0 {
			cw.Flush() // the rows so far are out; the error ends the stream
		}
		return n, err
	}
	if err := start(); err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

func csvRecord(r recording.Recording) []string {
	tm := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return audit.FormatTime(*t)
	}
	rec := []string{r.ID, r.Name, r.Folder, strings.Join(r.Tags, "; "), string(r.Status), string(r.Health), r.NodeID,
		r.RoomID, r.ProfileID, string(r.Codec), audit.FormatTime(r.CreatedAt), tm(r.StartedAt), tm(r.EndedAt),
		strconv.FormatFloat(r.DurationSeconds(), 'f', 3, 64), strconv.FormatInt(r.SizeBytes, 10),
		strconv.Itoa(r.ChunkTotal), r.Checksum}
	for i, c := range rec {
		rec[i] = auditing.SafeCell(c)
	}
	return rec
}
