package ports

import "testing"

func TestRequireDepsNamesTheMissingSorted(t *testing.T) {
	if err := RequireDeps("svc", map[string]bool{"Tx": true, "Audit": true}); err != nil {
		t.Fatal(err)
	}
	err := RequireDeps("svc", map[string]bool{"Tx": false, "Audit": false, "Nodes": true})
	if err == nil || err.Error() != "svc: missing dependencies: Audit, Tx" {
		t.Fatalf("%v", err)
	}
}
