package jobs_test

import "os"

// writeFile writes b to p.
func writeFile(p string, b []byte) error { return os.WriteFile(p, b, 0o600) }
