package identitytest

import "testing"

// TestMemoryStoresPassTheContract keeps the fakes honest: they behave like
// the SQL stores the service runs on.
func TestMemoryStoresPassTheContract(t *testing.T) {
	RunStoreContract(t, NewMemory().Stores())
}
