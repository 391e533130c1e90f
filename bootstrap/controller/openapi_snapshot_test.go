package controller

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

const snapshotPath = "../../frontend/openapi.json"

// TestConsoleOpenAPISnapshotIsCurrent keeps the console's API types from
// drifting: frontend/openapi.json (from which frontend/src/api/schema.gen.ts
// is generated, checked by a Vitest test) must equal the document the
// controller serves. `make api-types` refreshes both.
func TestConsoleOpenAPISnapshotIsCurrent(t *testing.T) {
	c := newTestController(t, map[string]string{"RAKKR_DATA_DIR": t.TempDir()})
	w := client{t: t, h: c.Handler}.do("GET", "/api/v1/openapi.json", "", nil)
	var served map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &served); err != nil {
		t.Fatal(err)
	}
	delete(served["info"].(map[string]any), "version")
	if os.Getenv("RAKKR_UPDATE_OPENAPI") == "1" {
		out, _ := json.MarshalIndent(served, "", "  ")
		if err := os.WriteFile(snapshotPath, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(snapshotPath)
	if err != nil {
		t.Fatal(err)
	}
	var snap map[string]any
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	if info, ok := snap["info"].(map[string]any); ok {
		delete(info, "version")
	}
	if !reflect.DeepEqual(served, snap) {
		t.Fatal("frontend/openapi.json differs from the served OpenAPI document: run `make api-types` and commit the result")
	}
}
