package gormstore

// SetRecordingScanBatch sets the ScanRecordings page size and returns a
// function restoring it (tests only).
func SetRecordingScanBatch(n int) func() {
	old := recordingScanBatch
	recordingScanBatch = n
	return func() { recordingScanBatch = old }
}
