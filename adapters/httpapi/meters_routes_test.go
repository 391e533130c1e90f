package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/httpapi"
)

func getMeters(t *testing.T, a *meterAPI, node, bearer string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/api/v1/nodes/"+node+"/meters", nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readBody(resp)
}

func TestMeterNodeMetersRoute(t *testing.T) {
	a := newMeterAPI(t)
	if resp, body := getMeters(t, a, "n1", "op"); resp.StatusCode != 404 || !strings.Contains(body, "node.metersNotFound") {
		t.Fatalf("no frames: %d %s", resp.StatusCode, body)
	}
	if err := a.svc.Ingest("n1", testFrame("n1", "i1", 3)); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data httpapi.NodeMetersResponse `json:"data"`
	}
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/api/v1/nodes/n1/meters", nil)
	req.Header.Set("Authorization", "Bearer op")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	decodeBody(t, r, &out)
	if r.StatusCode != 200 || out.Data.NodeID != "n1" || len(out.Data.Frames) != 1 {
		t.Fatalf("shape: %d %+v", r.StatusCode, out)
	}
	f := out.Data.Frames[0]
	if f.Stale || f.InterfaceID != "i1" || len(f.Levels) != 3 || f.AgeSeconds > 1 {
		t.Fatalf("fresh frame: %+v", f)
	}
	_, body := getMeters(t, a, "n1", "op")
	for _, key := range []string{`"nodeId":"n1"`, `"interfaceId":"i1"`, `"capturedAt"`, `"levels":[`, `"channelIndex":1`,
		`"rmsDbfs":-20`, `"quality":{`, `"stale":false`, `"ageSeconds":`} {
		if !strings.Contains(body, key) {
			t.Fatalf("body lacks %s: %s", key, body)
		}
	}
	a.clock.advance(4 * time.Second)
	_, body = getMeters(t, a, "n1", "op")
	if !strings.Contains(body, `"stale":true`) {
		t.Fatalf("old frame not stale: %s", body)
	}
	_, body = getMeters(t, a, "n1", "room")
	if strings.Count(body, `"channelIndex"`) != 1 {
		t.Fatalf("room caller sees other channels: %s", body)
	}
	if resp, body := getMeters(t, a, "n1", "none"); resp.StatusCode != 403 || !strings.Contains(body, "node:read") {
		t.Fatalf("without node:read: %d %s", resp.StatusCode, body)
	}
	_, body = getMeters(t, a, "n1", "nobody")
	if !strings.Contains(body, "auth.unauthenticated") {
		t.Fatalf("bad bearer: %s", body)
	}
}

func TestMeterRoutesInOpenAPI(t *testing.T) {
	a := newMeterAPI(t)
	resp, err := http.Get(a.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(resp)
	for _, p := range []string{"/api/v1/nodes/{id}/meters", "/api/v1/ws", "/api/v1/ws/ticket", "/api/v1/nodes/{id}/stream"} {
		if !strings.Contains(body, `"`+p+`"`) {
			t.Fatalf("openapi lacks %s", p)
		}
	}
}
