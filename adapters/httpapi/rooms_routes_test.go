package httpapi_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/test/dbtest"
)

// TestFleetValidationAndConflicts checks field-naming 400s, 404s and 409s.
func TestFleetValidationAndConflicts(t *testing.T) {
	a := newFleetAPI(t, dbtest.SQLite(t))
	room := a.must(201, "POST", "/api/v1/rooms", "owner", map[string]any{"site": "hq", "name": "Studio A"}).data()["id"].(string)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		want               string
	}{
		{"enroll no alias", "POST", "/api/v1/nodes/enroll", map[string]any{}, 400, "alias"},
		{"enroll ttl", "POST", "/api/v1/nodes/enroll", map[string]any{"alias": "x", "ttlSeconds": 10}, 400, "ttlSeconds"},
		{"enroll unknown room", "POST", "/api/v1/nodes/enroll", map[string]any{"alias": "x", "roomId": "room_nope"}, 400, "roomId"},
		{"enroll room of other site", "POST", "/api/v1/nodes/enroll", map[string]any{"alias": "x", "site": "annex", "roomId": room}, 400, "roomId"},
		{"enroll unknown field", "POST", "/api/v1/nodes/enroll", map[string]any{"alias": "x", "colour": 1}, 400, "colour"},
		{"node missing", "GET", "/api/v1/nodes/node_nope", nil, 404, "node.notFound"},
		{"patch missing", "PATCH", "/api/v1/nodes/node_nope", map[string]any{"alias": "y"}, 404, "node.notFound"},
		{"rotate missing", "POST", "/api/v1/nodes/node_nope/credentials/rotate", nil, 404, "node.notFound"},
		{"room missing", "GET", "/api/v1/rooms/room_nope", nil, 404, "room.notFound"},
		{"room patch missing", "PATCH", "/api/v1/rooms/room_nope", map[string]any{"name": "y"}, 404, "room.notFound"},
		{"room no site", "POST", "/api/v1/rooms", map[string]any{"name": "B"}, 400, "site"},
		{"room duplicate", "POST", "/api/v1/rooms", map[string]any{"site": "hq", "name": "studio a"}, 409, "room.nameTaken"},
		{"bad list param", "GET", "/api/v1/nodes?colour=red", nil, 400, "colour"},
		{"bad status", "GET", "/api/v1/nodes?status=sleepy", nil, 400, "status"},
		{"bad time", "GET", "/api/v1/nodes?lastSeenAfter=yesterday", nil, 400, "lastSeenAfter"},
		{"operator cannot enroll", "POST", "/api/v1/nodes/enroll", map[string]any{"alias": "x"}, 403, "node:manage"},
	}
	for _, c := range cases {
		bearer := "owner"
		if strings.HasPrefix(c.name, "operator") {
			bearer = "operator"
		}
		r := a.do(c.method, c.path, bearer, c.body)
		if r.Status != c.status || !strings.Contains(r.Raw, c.want) {
			t.Errorf("%s: %d %s, want %d naming %s", c.name, r.Status, r.Raw, c.status, c.want)
		}
	}

	id, bs := a.enroll("Lecture 1", map[string]any{"roomId": room})
	a.exchange(bs, agentBody())
	n := a.must(200, "GET", "/api/v1/nodes/"+id, "owner", nil).data()
	if n["site"] != "hq" || n["roomId"] != room {
		t.Fatalf("site from room: %v", n)
	}
	iface := n["interfaces"].([]any)[0].(map[string]any)["id"].(string)
	for _, c := range []struct {
		body any
		want string
	}{
		{map[string]any{"maxConcurrentRecordings": 0}, "maxConcurrentRecordings"},
		{map[string]any{"alias": ""}, "alias"},
		{map[string]any{"tags": []string{strings.Repeat("t", 65)}}, "tags"},
	} {
		if r := a.do("PATCH", "/api/v1/nodes/"+id, "owner", c.body); r.Status != 400 || !strings.Contains(r.Raw, c.want) {
			t.Errorf("patch %v: %d %s", c.body, r.Status, r.Raw)
		}
	}
	if r := a.do("PUT", "/api/v1/nodes/"+id+"/channels", "owner", []any{map[string]any{"interfaceId": iface, "index": 9}}); r.Status != 400 ||
		!strings.Contains(r.Raw, "channels[0]") {
		t.Errorf("bad channel: %s", r.Raw)
	}
	if r := a.do("PATCH", "/api/v1/nodes/"+id+"/interfaces/if_nope", "owner", map[string]any{"alias": "x"}); r.Status != 404 {
		t.Errorf("missing interface: %s", r.Raw)
	}
	a.must(200, "PATCH", "/api/v1/nodes/"+id+"/interfaces/"+iface, "owner", map[string]any{"alias": "Desk"})
	a.must(200, "PATCH", "/api/v1/nodes/"+id, "owner", map[string]any{"alias": "=HYPERLINK(1)", "tags": []string{"a"}, "maxConcurrentRecordings": 4})
	if r := a.do("DELETE", "/api/v1/rooms/"+room, "owner", nil); r.Status != 409 || r.code() != "room.inUse" {
		t.Errorf("delete room in use: %s", r.Raw)
	}
	if a.auditCount("nodes.update.succeeded") != 1 || a.auditCount("nodes.interfaces.update.succeeded") != 1 {
		t.Error("edits not audited")
	}

	r := a.must(200, "GET", "/api/v1/nodes/export?q=desk", "owner", nil)
	rows, err := csv.NewReader(strings.NewReader(r.Raw)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][1] != "'=HYPERLINK(1)" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export %v %v", rows, err)
	}
	r = a.must(200, "POST", "/api/v1/nodes/export", "owner", map[string]any{"ids": []string{"node_other"}})
	if rows, _ := csv.NewReader(strings.NewReader(r.Raw)).ReadAll(); len(rows) != 1 {
		t.Errorf("export by ids: %v", rows)
	}

	a.must(200, "DELETE", "/api/v1/nodes/"+id, "owner", nil)
	a.must(404, "GET", "/api/v1/nodes/"+id, "owner", nil)
	a.must(200, "DELETE", "/api/v1/rooms/"+room, "owner", nil)
	if a.auditCount("nodes.delete.succeeded") != 1 || a.auditCount("rooms.delete.succeeded") != 1 {
		t.Error("deletes not audited")
	}
}

// TestFleetRoomGrantScoping grants a viewer one room through the real
// Casbin authorizer: they read that room's nodes and channels, and of a
// node in another room only the channel assigned to their room.
func TestFleetRoomGrantScoping(t *testing.T) {
	a := newFleetAPI(t, dbtest.SQLite(t))
	ctx := context.Background()
	r1 := a.must(201, "POST", "/api/v1/rooms", "owner", map[string]any{"site": "hq", "name": "One"}).data()["id"].(string)
	r2 := a.must(201, "POST", "/api/v1/rooms", "owner", map[string]any{"site": "hq", "name": "Two"}).data()["id"].(string)
	in1, bs1 := a.enroll("In one", map[string]any{"roomId": r1})
	in2, bs2 := a.enroll("In two", map[string]any{"roomId": r2})
	shared, bs3 := a.enroll("Shared", map[string]any{"roomId": r2})
	for _, bs := range []string{bs1, bs2, bs3} {
		a.exchange(bs, agentBody())
	}
	sn := a.must(200, "GET", "/api/v1/nodes/"+shared, "owner", nil).data()
	sIface := sn["interfaces"].([]any)[0].(map[string]any)["id"].(string)
	a.must(200, "PUT", "/api/v1/nodes/"+shared+"/channels", "owner",
		[]any{map[string]any{"interfaceId": sIface, "index": 2, "roomId": r1, "alias": "Guest mic"}})
	if err := a.authz.SetUserAccess(ctx, "scoped-id", []access.Role{access.RoleViewer}, nil,
		[]access.Ref{{Type: access.ResourceRoom, ID: r1}}); err != nil {
		t.Fatal(err)
	}

	list := a.must(200, "GET", "/api/v1/nodes", "scoped", nil)
	items := list.Body["data"].([]any)
	got := map[string]bool{}
	for _, it := range items {
		got[it.(map[string]any)["id"].(string)] = true
	}
	if len(items) != 1 || !got[in1] || list.Body["meta"].(map[string]any)["total"] != float64(1) {
		t.Fatalf("scoped list: %s", list.Raw)
	}
	a.must(200, "GET", "/api/v1/nodes/"+in1, "scoped", nil)
	a.must(403, "GET", "/api/v1/nodes/"+in2, "scoped", nil)
	a.must(200, "GET", "/api/v1/rooms/"+r1, "scoped", nil)
	a.must(403, "GET", "/api/v1/rooms/"+r2, "scoped", nil)
	if rooms := a.must(200, "GET", "/api/v1/rooms", "scoped", nil).Body["data"].([]any); len(rooms) != 1 {
		t.Errorf("scoped rooms: %v", rooms)
	}
	if st := a.must(200, "GET", "/api/v1/status", "scoped", nil).data()["nodes"].(map[string]any); st["total"] != float64(1) {
		t.Errorf("scoped status: %v", st)
	}
	if q := a.must(200, "GET", "/api/v1/nodes?q=guest", "owner", nil).Body["data"].([]any); len(q) != 1 {
		t.Errorf("channel alias search: %v", q)
	}

	p := access.Principal{Kind: access.PrincipalUser, ID: "scoped-id"}
	decide := func(typ access.ResourceType, id string) bool {
		d, err := a.authz.Decide(ctx, p, access.NodeRead, access.Ref{Type: typ, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		return d.Allowed
	}
	n1 := a.must(200, "GET", "/api/v1/nodes/"+in1, "owner", nil).data()
	i1 := n1["interfaces"].([]any)[0].(map[string]any)["id"].(string)
	if !decide(access.ResourceChannel, i1+".1") || !decide(access.ResourceInterface, i1) {
		t.Error("channel of a granted room's node refused")
	}
	if !decide(access.ResourceChannel, sIface+".2") || decide(access.ResourceChannel, sIface+".1") {
		t.Error("per-channel room not honoured")
	}
	if decide(access.ResourceNode, in2) || decide(access.ResourceNode, shared) || decide(access.ResourceInterface, sIface) {
		t.Error("node of another room allowed")
	}
	// Moving the node's room moves its inheriting channels with it.
	a.must(200, "PATCH", "/api/v1/nodes/"+in2, "owner", map[string]any{"roomId": r1})
	n2 := a.must(200, "GET", "/api/v1/nodes/"+in2, "owner", nil).data()
	i2 := n2["interfaces"].([]any)[0].(map[string]any)["id"].(string)
	if !decide(access.ResourceChannel, i2+".1") {
		t.Error("inherited channel room not updated")
	}
}
