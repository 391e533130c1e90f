package fleet

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rakkr/rakkr/application/auditing"
)

// CSVHeader is the header row of a node export.
var CSVHeader = []string{"id", "alias", "hostname", "site", "roomId", "status", "lastSeenAt", "enrolledAt",
	"agentVersion", "ipAddresses", "interfaces", "channels", "channelAliases", "tags", "notes", "maxConcurrentRecordings"}

// ExportCSV writes the nodes the caller may read matching q (paging
// ignored) to w as CSV and returns how many rows it wrote. Nothing is
// written before the query succeeded. Cells are safe against formula
// injection (auditing.SafeCell).
func (s *Service) ExportCSV(ctx context.Context, w io.Writer, q NodeQuery) (int, error) {
	q.Limit, q.Offset = 0, 0
	views, _, err := s.ListNodes(ctx, q)
	if err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return 0, err
	}
	for _, v := range views {
		n := v.Node
		last := ""
		if n.LastSeenAt != nil {
			last = n.LastSeenAt.UTC().Format(time.RFC3339)
		}
		chans := 0
		var aliases []string
		for _, i := range n.Interfaces {
			chans += len(i.Channels)
			for _, c := range i.Channels {
				if c.Alias != "" {
					aliases = append(aliases, c.Alias)
				}
			}
		}
		rec := []string{n.ID, n.Alias, n.Hostname, n.Site, n.RoomID, string(v.Status), last, n.EnrolledAt.UTC().Format(time.RFC3339),
			n.AgentVersion, strings.Join(n.Runtime.IPAddresses, " "), strconv.Itoa(len(n.Interfaces)), strconv.Itoa(chans),
			strings.Join(aliases, "; "), strings.Join(n.Tags, "; "), n.Notes, strconv.Itoa(n.MaxConcurrentRecordings)}
		for k, c := range rec {
			rec[k] = auditing.SafeCell(c)
		}
		if err := cw.Write(rec); err != nil {
			return 0, err
		}
	}
	cw.Flush()
	return len(views), cw.Error()
}
