package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/test/dbtest"
)

// TestFleetEnrollExchangeHeartbeat walks a node from enrollment to online
// on both stores: a bad body does not burn the token, a reused token is
// refused and audited, the heartbeat answers with a Date header, and
// rotation and revocation cut the old credentials at once.
func TestFleetEnrollExchangeHeartbeat(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newFleetAPI(t, c)
		id, bs := a.enroll("Lecture 1", map[string]any{"site": "hq"})
		if !strings.HasPrefix(id, "node_") || !strings.HasPrefix(bs, "rakkr_bs_") {
			t.Fatalf("enroll: %s %s", id, bs)
		}
		if got := a.must(200, "GET", "/api/v1/nodes/"+id, "owner", nil).data()["status"]; got != "provisioning" {
			t.Fatalf("status after enroll %v", got)
		}

		bad := agentBody()
		bad["runtime"] = map[string]any{"hostname": ""}
		r := a.must(400, "POST", "/api/v1/agent/enroll", bs, bad)
		if !strings.Contains(r.Raw, "runtime.hostname") {
			t.Errorf("400 does not name the field: %s", r.Raw)
		}
		a.must(400, "POST", "/api/v1/agent/enroll", bs, `{"runtime":`)
		token := a.exchange(bs, agentBody())
		if !strings.HasPrefix(token, "rakkr_node_") {
			t.Fatalf("node token %q", token)
		}
		node := a.must(200, "GET", "/api/v1/nodes/"+id, "owner", nil).data()
		if node["status"] != "provisioning" || node["hostname"] != "rec-01" {
			t.Fatalf("after exchange: %v", node)
		}

		denied := a.auditCount("nodes.bootstrap.denied")
		r = a.must(401, "POST", "/api/v1/agent/enroll", bs, agentBody())
		if r.code() != "node.bootstrapTokenInvalid" || a.auditCount("nodes.bootstrap.denied") != denied+1 {
			t.Fatalf("reuse: %s (denied rows %d)", r.Raw, a.auditCount("nodes.bootstrap.denied"))
		}
		a.must(401, "POST", "/api/v1/agent/enroll", "rakkr_bs_garbage", agentBody())

		hb := map[string]any{"runtime": map[string]any{"hostname": "rec-01", "ipAddresses": make([]string, 20)}, "capturing": false,
			"sentAt": time.Now().UTC()}
		r = a.must(200, "POST", "/api/v1/nodes/"+id+"/heartbeat", token, hb)
		if r.data()["status"] != "online" || r.Header.Get("Date") == "" {
			t.Fatalf("heartbeat: %s date %q", r.Raw, r.Header.Get("Date"))
		}
		if a.auditCount("nodes.heartbeat.succeeded") != 0 {
			t.Error("heartbeat wrote an audit row")
		}
		node = a.must(200, "GET", "/api/v1/nodes/"+id, "owner", nil).data()
		ifaces, _ := node["interfaces"].([]any)
		rt, _ := node["runtime"].(map[string]any)
		ips, _ := rt["ipAddresses"].([]any)
		if node["status"] != "online" || len(ifaces) != 1 || len(ips) != 16 {
			t.Fatalf("node after heartbeat: %v", node)
		}
		chans := ifaces[0].(map[string]any)["channels"].([]any)
		if len(chans) != 2 {
			t.Fatalf("channels %v", chans)
		}

		reconciled := a.auditCount("nodes.inventory.reconciled.succeeded")
		inv := agentBody()["inventory"]
		a.must(200, "POST", "/api/v1/nodes/"+id+"/inventory", token, inv)
		if a.auditCount("nodes.inventory.reconciled.succeeded") != reconciled {
			t.Error("unchanged inventory audited")
		}
		r = a.must(200, "POST", "/api/v1/nodes/"+id+"/inventory", token, map[string]any{"interfaces": []any{}})
		got := r.data()["interfaces"].([]any)
		if len(got) != 1 || got[0].(map[string]any)["absent"] != true || a.auditCount("nodes.inventory.reconciled.succeeded") != reconciled+1 {
			t.Fatalf("absent reconcile: %s", r.Raw)
		}
		cfg := a.must(200, "GET", "/api/v1/nodes/"+id+"/config", token, nil).data()
		if cfg["maxConcurrentRecordings"] != float64(1) || cfg["meterFramesPerSecond"] != float64(10) {
			t.Errorf("config %v", cfg)
		}

		rot := a.must(200, "POST", "/api/v1/nodes/"+id+"/credentials/rotate", "owner", nil).data()
		newToken := rot["nodeToken"].(string)
		if r := a.do("POST", "/api/v1/nodes/"+id+"/heartbeat", token, hb); r.Status != 401 || r.code() != "node.credentialInvalid" {
			t.Fatalf("old token after rotate: %s", r.Raw)
		}
		a.must(200, "POST", "/api/v1/nodes/"+id+"/heartbeat", newToken, hb)
		if a.auditCount("nodes.credentials.rotate.succeeded") != 1 {
			t.Error("rotation not audited")
		}

		a.must(200, "POST", "/api/v1/nodes/"+id+"/credentials/revoke", "owner", nil)
		r = a.do("GET", "/api/v1/nodes/"+id+"/config", newToken, nil)
		if r.Status != 401 || r.message() != "node credential revoked: re-enroll the agent" {
			t.Fatalf("revoked: %s", r.Raw)
		}
		if a.auditCount("nodes.credentials.revoke.succeeded") != 1 {
			t.Error("revocation not audited")
		}

		// A fresh bootstrap token re-enrolls the same node.
		bs2 := a.must(201, "POST", "/api/v1/nodes/"+id+"/bootstrap-token", "owner", map[string]any{"ttlSeconds": 600}).data()["bootstrapToken"].(string)
		again := a.exchange(bs2, agentBody())
		a.must(200, "POST", "/api/v1/nodes/"+id+"/heartbeat", again, hb)
	})
}

// TestFleetTokenForAnotherNode checks the chain refuses a node token on
// another node's routes and audits it.
func TestFleetTokenForAnotherNode(t *testing.T) {
	a := newFleetAPI(t, dbtest.SQLite(t))
	idA, bsA := a.enroll("A", nil)
	idB, _ := a.enroll("B", nil)
	tokA := a.exchange(bsA, agentBody())
	r := a.do("POST", "/api/v1/nodes/"+idB+"/heartbeat", tokA, map[string]any{})
	if r.Status != 403 || r.code() != "node.credentialMismatch" {
		t.Fatalf("foreign node: %s", r.Raw)
	}
	if a.auditCount("nodes.heartbeat.denied") != 1 {
		t.Error("refusal not audited")
	}
	a.must(200, "POST", "/api/v1/nodes/"+idA+"/heartbeat", tokA, map[string]any{})
	if r := a.do("POST", "/api/v1/nodes/"+idA+"/heartbeat", "", map[string]any{}); r.Status != 401 {
		t.Errorf("no token: %d", r.Status)
	}
	if r := a.do("POST", "/api/v1/nodes/"+idA+"/heartbeat", "owner", map[string]any{}); r.Status != 401 {
		t.Errorf("user token on agent route: %d", r.Status)
	}
}

// TestFleetExpiredBootstrapToken refuses a token past its TTL and one
// replaced by a newer mint.
func TestFleetExpiredBootstrapToken(t *testing.T) {
	a := newFleetAPI(t, dbtest.SQLite(t))
	id, bs := a.enroll("A", map[string]any{"ttlSeconds": 60})
	a.clock.advance(61 * time.Second)
	if r := a.do("POST", "/api/v1/agent/enroll", bs, agentBody()); r.Status != 401 || r.code() != "node.bootstrapTokenInvalid" {
		t.Fatalf("expired: %s", r.Raw)
	}
	bs2 := a.must(201, "POST", "/api/v1/nodes/"+id+"/bootstrap-token", "owner", nil).data()["bootstrapToken"].(string)
	bs3 := a.must(201, "POST", "/api/v1/nodes/"+id+"/bootstrap-token", "owner", nil).data()["bootstrapToken"].(string)
	if r := a.do("POST", "/api/v1/agent/enroll", bs2, agentBody()); r.Status != 401 {
		t.Fatalf("superseded token: %s", r.Raw)
	}
	a.exchange(bs3, agentBody())
}

// TestFleetDerivedStatus covers offline, alerting, degraded and recording
// through the API and the status counters.
func TestFleetDerivedStatus(t *testing.T) {
	a := newFleetAPI(t, dbtest.SQLite(t))
	id, bs := a.enroll("A", nil)
	tok := a.exchange(bs, agentBody())
	a.enroll("B", nil)
	status := func() any { return a.must(200, "GET", "/api/v1/nodes/"+id, "viewer", nil).data()["status"] }
	a.must(200, "POST", "/api/v1/nodes/"+id+"/heartbeat", tok, map[string]any{"capturing": true})
	if s := status(); s != "recording" {
		t.Errorf("capturing: %v", s)
	}
	a.health.counts[id] = struct{ Warning, Critical int }{1, 0}
	if s := status(); s != "degraded" {
		t.Errorf("warning: %v", s)
	}
	a.health.counts[id] = struct{ Warning, Critical int }{1, 1}
	if s := status(); s != "alerting" {
		t.Errorf("critical: %v", s)
	}
	a.clock.advance(121 * time.Second)
	if s := status(); s != "offline" {
		t.Errorf("stale: %v", s)
	}
	st := a.must(200, "GET", "/api/v1/status", "viewer", nil).data()["nodes"].(map[string]any)
	by := st["byStatus"].(map[string]any)
	if st["total"] != float64(2) || by["offline"] != float64(1) || by["provisioning"] != float64(1) || st["reachable"] != float64(0) {
		t.Errorf("status counters %v", st)
	}
	list := a.must(200, "GET", "/api/v1/nodes?status=offline", "viewer", nil)
	if items := list.Body["data"].([]any); len(items) != 1 || list.Body["meta"].(map[string]any)["total"] != float64(1) {
		t.Errorf("status filter: %s", list.Raw)
	}
	a.must(200, "POST", "/api/v1/nodes/"+id+"/heartbeat", tok, map[string]any{})
	a.health.counts[id] = struct{ Warning, Critical int }{}
	if s := status(); s != "online" {
		t.Errorf("back: %v", s)
	}
}
