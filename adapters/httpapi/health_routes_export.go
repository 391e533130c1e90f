package httpapi

import (
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	healthapp "github.com/rakkr/rakkr/application/health"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// healthQueryParams are the filters the health list and export accept;
// anything else is refused so a mistyped filter never widens the result.
var healthQueryParams = []string{"status", "severity", "type", "nodeId", "recordingId", "scheduleId",
	"openedFrom", "openedTo", "resolvedFrom", "resolvedTo", "q"}

func healthFilterFromQuery(c *gin.Context, extra ...string) (ports.HealthFilter, error) {
	is := unknownQueryParams(c, slices.Concat(healthQueryParams, extra)...)
	f, err := healthapp.FilterParams{Status: c.Query("status"), Severity: c.Query("severity"), Type: c.Query("type"),
		NodeID: c.Query("nodeId"), RecordingID: c.Query("recordingId"), ScheduleID: c.Query("scheduleId"),
		OpenedFrom: c.Query("openedFrom"), OpenedTo: c.Query("openedTo"), ResolvedFrom: c.Query("resolvedFrom"),
		ResolvedTo: c.Query("resolvedTo"), Q: c.Query("q")}.Filter()
	return f, errs.Merge(is.Err(), err)
}

func (m *HealthModule) exportQuery(c *gin.Context) error {
	f, err := healthFilterFromQuery(c)
	if err != nil {
		return err
	}
	return m.export(c, f)
}

func (m *HealthModule) exportBody(c *gin.Context) error {
	var b HealthExportRequest
	if err := Bind(c, &b); err != nil {
		return err
	}
	f, err := b.params().Filter()
	if err != nil {
		return err
	}
	return m.export(c, f)
}

// export streams the CSV; headers go out with the first bytes, so an error
// before any data still gets the JSON error envelope.
func (m *HealthModule) export(c *gin.Context, f ports.HealthFilter) error {
	w := &auditCSVWriter{c: c, contentType: "text/csv; charset=utf-8",
		filename: "health-events-" + time.Now().UTC().Format("20060102T150405Z") + ".csv"}
	_, err := m.Service.ExportCSV(RequestContext(c), w, f)
	return err
}
