package controller

import (
	"encoding/json"
	"testing"
	"time"
)

func decodeData(t *testing.T, body []byte, v any) {
	t.Helper()
	var env struct{ Data json.RawMessage }
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", env.Data, err)
	}
}

// TestRoomGrantScopesNodesAndHealthEvents: a viewer granted one room sees
// that room's node and its health events, not another node's — in lists,
// totals and detail — while the owner sees both.
func TestRoomGrantScopesNodesAndHealthEvents(t *testing.T) {
	c := newTestController(t, map[string]string{"RAKKR_DATA_DIR": t.TempDir()})
	cl := client{t: t, h: c.Handler}
	owner := cl.login("owner@example.org", ownerPassword)

	w := cl.do("POST", "/api/v1/rooms", owner, map[string]any{"site": "city-hall", "name": "Chamber"})
	var room struct{ ID string }
	decodeData(t, w.Body.Bytes(), &room)
	nodes := map[string]string{}
	for alias, roomID := range map[string]string{"in-room": room.ID, "elsewhere": ""} {
		body := map[string]any{"alias": alias, "site": "city-hall"}
		if roomID != "" {
			body["roomId"] = roomID
		}
		w := cl.do("POST", "/api/v1/nodes/enroll", owner, body)
		var e struct {
			Node           struct{ ID string }
			BootstrapToken string
		}
		decodeData(t, w.Body.Bytes(), &e)
		w = cl.do("POST", "/api/v1/agent/enroll", e.BootstrapToken, map[string]any{"runtime": map[string]any{"hostname": alias, "agentVersion": "test"}, "inventory": map[string]any{"interfaces": []any{}}})
		var cred struct{ NodeID, NodeToken string }
		if w.Code != 201 {
			t.Fatalf("exchange for %s: %d %s", alias, w.Code, w.Body)
		}
		decodeData(t, w.Body.Bytes(), &cred)
		if cred.NodeToken == "" {
			t.Fatalf("exchange for %s: %d %s", alias, w.Code, w.Body)
		}
		nodes[alias] = cred.NodeID
		w = cl.do("POST", "/api/v1/nodes/"+cred.NodeID+"/health-events", cred.NodeToken, map[string]any{"events": []map[string]any{{
			"id":   "0b9c1d2e-0000-4000-8000-00000000000" + map[string]string{"in-room": "1", "elsewhere": "2"}[alias],
			"type": "agent.meter.flatline", "severity": "warning", "openedAt": time.Now().UTC().Format(time.RFC3339), "details": map[string]any{}}}})
		if w.Code != 200 {
			t.Fatalf("ingest for %s: %d %s", alias, w.Code, w.Body)
		}
	}

	w = cl.do("POST", "/api/v1/auth/users", owner, map[string]any{"email": "scoped@example.org", "name": "Scoped", "password": "scoped-password-1", "roles": []string{"viewer"}})
	var u struct{ ID string }
	decodeData(t, w.Body.Bytes(), &u)
	w = cl.do("PATCH", "/api/v1/auth/users/"+u.ID+"/access", owner, map[string]any{"roles": []string{"viewer"}, "groups": []string{},
		"grants": []map[string]string{{"resourceType": "room", "resourceId": room.ID}}})
	if w.Code != 200 {
		t.Fatalf("grant: %d %s", w.Code, w.Body)
	}
	viewer := cl.login("scoped@example.org", "scoped-password-1")

	type listed struct {
		Data []struct{ ID, NodeID string }
		Meta struct{ Total int }
	}
	for _, tc := range []struct {
		who, token string
		want       int
	}{{"owner", owner, 2}, {"scoped viewer", viewer, 1}} {
		for _, path := range []string{"/api/v1/health-events", "/api/v1/nodes"} {
			w := cl.do("GET", path, tc.token, nil)
			var l listed
			_ = json.Unmarshal(w.Body.Bytes(), &l)
			if w.Code != 200 || len(l.Data) != tc.want || l.Meta.Total != tc.want {
				t.Fatalf("%s GET %s: %d, %d items, total %d; want %d: %s", tc.who, path, w.Code, len(l.Data), l.Meta.Total, tc.want, w.Body)
			}
			if tc.who == "scoped viewer" && path == "/api/v1/health-events" && l.Data[0].NodeID != nodes["in-room"] {
				t.Fatalf("scoped viewer sees another node's event: %s", w.Body)
			}
		}
	}
	if w := cl.do("GET", "/api/v1/nodes/"+nodes["elsewhere"], viewer, nil); w.Code != 403 {
		t.Fatalf("scoped viewer reading the other node: %d %s", w.Code, w.Body)
	}
	if w := cl.do("GET", "/api/v1/nodes/"+nodes["in-room"], viewer, nil); w.Code != 200 {
		t.Fatalf("scoped viewer reading its room's node: %d %s", w.Code, w.Body)
	}
}
