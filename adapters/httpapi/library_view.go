package httpapi

// LibraryRecordingDetail is a recording (RecordingView, shared with the
// recordings module) with its capture jobs (newest first, at most 100 of
// jobTotal) and the chunks stored on the controller (by index).
type LibraryRecordingDetail struct {
	RecordingView
	Jobs     []JobView   `json:"jobs"`
	JobTotal int64       `json:"jobTotal"`
	Chunks   []ChunkView `json:"chunks"`
}
