package httpapi_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/adapters/ws"
)

func TestMeterConsoleReceivesAgentFrames(t *testing.T) {
	a := newMeterAPI(t)
	con := a.console(t, "op")
	if m := subscribe(t, con, "meters:n1"); m.Type != "subscribed" || m.Topic != "meters:n1" {
		t.Fatalf("subscribe answer %+v", m)
	}
	ag := a.agent(t, "n1")
	for range 3 {
		sendFrame(t, ag, testFrame("n1", "i1", 2))
	}
	for i := range 3 {
		m, err := readServer(t, con, 2*time.Second)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if m.Type != "meter" || m.Topic != "meters:n1" || m.Frame == nil || m.Frame.NodeID != "n1" || len(m.Frame.Levels) != 2 {
			t.Fatalf("frame %d: %+v", i, m)
		}
	}
	if got := a.counter(t, "rakkr_meter_frames_received_total", ""); got != 3 {
		t.Fatalf("received counter %v", got)
	}
	if got := a.counter(t, "rakkr_ws_subscribers", ""); got != 1 {
		t.Fatalf("subscribers gauge %v", got)
	}
	if m := subscribe(t, con, "meters:"); m.Type != "error" || m.Code != "websocket.unknownTopic" {
		t.Fatalf("bad topic answer %+v", m)
	}
	for _, topic := range []string{"health", "nodes"} {
		if m := subscribe(t, con, topic); m.Type != "subscribed" {
			t.Fatalf("reserved topic answer %+v", m)
		}
	}
	// health needs health:read, which op lacks: only the nodes message arrives.
	for _, topic := range []string{"health", "nodes"} {
		if err := a.hub.Publish(topic, map[string]string{"id": "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if m, err := readServer(t, con, 2*time.Second); err != nil || m.Type != "nodes" || m.Payload == nil {
		t.Fatalf("published message %+v %v", m, err)
	}
	if err := a.hub.Publish("bogus", nil); err == nil {
		t.Fatal("unknown topic published")
	}
}

func TestMeterConsoleWithoutNodeReadGetsNoFrames(t *testing.T) {
	a := newMeterAPI(t)
	con := a.console(t, "none")
	m := subscribe(t, con, "meters:n1")
	if m.Type != "error" || m.Code != "auth.forbidden" || !strings.Contains(m.Message, "node:read") {
		t.Fatalf("subscribe answer %+v", m)
	}
	ag := a.agent(t, "n1")
	sendFrame(t, ag, testFrame("n1", "i1", 2))
	if m, err := readServer(t, con, 300*time.Millisecond); err == nil {
		t.Fatalf("got a message without node:read: %+v", m)
	}
}

func TestMeterConsoleFiltersChannels(t *testing.T) {
	a := newMeterAPI(t)
	con := a.console(t, "room")
	subscribe(t, con, "meters:n1")
	ag := a.agent(t, "n1")
	sendFrame(t, ag, testFrame("n1", "i2", 2)) // no readable channel: not shown
	sendFrame(t, ag, testFrame("n1", "i1", 4))
	m, err := readServer(t, con, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m.Frame == nil || m.Frame.InterfaceID != "i1" || len(m.Frame.Levels) != 1 || m.Frame.Levels[0].ChannelIndex != 1 {
		t.Fatalf("filtered frame %+v", m.Frame)
	}
}

func TestMeterConsoleAuthBeforeUpgrade(t *testing.T) {
	a := newMeterAPI(t)
	d := websocket.Dialer{Subprotocols: []string{ws.Protocol, ws.BearerProtocolPrefix + "bad"}}
	_, resp, err := d.Dial(a.wsURL("/api/v1/ws"), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("bad bearer: %v %v", err, resp)
	}
	for _, tc := range []struct {
		bearer string
		status int
		code   string
	}{{"", 401, "auth.unauthenticated"}, {"op", 400, "websocket.upgradeRequired"}} {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/api/v1/ws", nil)
		if tc.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+tc.bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(resp)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.code) {
			t.Fatalf("plain GET as %q: %d %s", tc.bearer, resp.StatusCode, body)
		}
	}
}

func TestMeterConsoleTicket(t *testing.T) {
	a := newMeterAPI(t)
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/api/v1/ws/ticket", nil)
	req.Header.Set("Authorization", "Bearer op")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data ws.Ticket `json:"data"`
	}
	decodeBody(t, resp, &out)
	if resp.StatusCode != http.StatusCreated || out.Data.Ticket == "" || time.Until(out.Data.ExpiresAt) > ws.TicketTTL {
		t.Fatalf("ticket %d %+v", resp.StatusCode, out)
	}
	u := a.wsURL("/api/v1/ws?ticket=" + url.QueryEscape(out.Data.Ticket))
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("ticket dial: %v", err)
	}
	defer c.Close()
	if m := subscribe(t, c, "meters:n1"); m.Type != "subscribed" {
		t.Fatalf("ticket socket cannot subscribe: %+v", m)
	}
	if _, resp, err := websocket.DefaultDialer.Dial(u, nil); err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("ticket reused: %v %v", err, resp)
	}
}

func TestMeterConsoleRevokedSessionCloses(t *testing.T) {
	a := newMeterAPI(t)
	con := a.console(t, "op2")
	subscribe(t, con, "meters:n1")
	a.authn.revoke("op2")
	_, err := readServer(t, con, 3*time.Second)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Fatalf("revoked socket: %v", err)
	}
}
