package node

import (
	"testing"
	"time"
)

func TestDeriveStatus(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { x := now.Add(-d); return &x }
	cases := []struct {
		name string
		in   StatusInput
		want Status
	}{
		{"never seen", StatusInput{OfflineAfter: 120 * time.Second}, StatusProvisioning},
		{"never seen with events", StatusInput{OpenCriticals: 1, OfflineAfter: time.Minute}, StatusProvisioning},
		{"fresh", StatusInput{LastSeenAt: ago(5 * time.Second), OfflineAfter: 120 * time.Second}, StatusOnline},
		{"at threshold", StatusInput{LastSeenAt: ago(120 * time.Second), OfflineAfter: 120 * time.Second}, StatusOnline},
		{"past threshold", StatusInput{LastSeenAt: ago(121 * time.Second), OfflineAfter: 120 * time.Second}, StatusOffline},
		{"offline beats critical", StatusInput{LastSeenAt: ago(time.Hour), OpenCriticals: 2, OfflineAfter: 120 * time.Second}, StatusOffline},
		{"zero disables offline", StatusInput{LastSeenAt: ago(240 * time.Hour), OfflineAfter: 0}, StatusOnline},
		{"critical", StatusInput{LastSeenAt: ago(time.Second), OpenCriticals: 1, OpenWarnings: 3, Capturing: true, OfflineAfter: time.Minute}, StatusAlerting},
		{"warning", StatusInput{LastSeenAt: ago(time.Second), OpenWarnings: 1, Capturing: true, OfflineAfter: time.Minute}, StatusDegraded},
		{"capturing", StatusInput{LastSeenAt: ago(time.Second), Capturing: true, OfflineAfter: time.Minute}, StatusRecording},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Now = now
			if got := DeriveStatus(c.in); got != c.want {
				t.Errorf("DeriveStatus = %s, want %s", got, c.want)
			}
		})
	}
	for _, s := range AllStatuses {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if Status("bogus").Valid() || StatusOffline.Reachable() || StatusProvisioning.Reachable() || !StatusAlerting.Reachable() {
		t.Error("Valid/Reachable wrong")
	}
}

func TestNodeValidate(t *testing.T) {
	now := time.Now()
	if _, err := New("", "", "", "", now); err == nil {
		t.Error("empty alias accepted")
	}
	if _, err := New("a", "bad site", "", "", now); err == nil {
		t.Error("site with space accepted")
	}
	n, err := New(" Studio 1 ", "hq", "", "", now)
	if err != nil || n.Alias != "Studio 1" || n.MaxConcurrentRecordings != 1 || n.ReportedStatus != StatusProvisioning {
		t.Fatalf("New = %+v, %v", n, err)
	}
	n.MaxConcurrentRecordings = 129
	if n.Validate() == nil {
		t.Error("capacity 129 accepted")
	}
	n.MaxConcurrentRecordings = 128
	n.Tags = []string{"a", " a ", "b"}
	if err := n.Validate(); err != nil || len(n.Tags) != 2 {
		t.Errorf("tags %v, %v", n.Tags, err)
	}
	if ips := TruncateIPs(make([]string, 40)); len(ips) != MaxIPAddresses {
		t.Errorf("TruncateIPs kept %d", len(ips))
	}
}

func TestSecrets(t *testing.T) {
	now := time.Now()
	s, tok := NewBootstrapToken("node_x", now, time.Minute)
	if !WellFormed(s, BootstrapPrefix) || WellFormed(s, NodeTokenPrefix) || tok.TokenHash != HashSecret(s) {
		t.Errorf("bootstrap secret %q", s)
	}
	if !tok.Usable(now) || tok.Usable(now.Add(time.Minute)) {
		t.Error("usable window wrong")
	}
	ns, cred := NewCredential("node_x", now)
	if !WellFormed(ns, NodeTokenPrefix) || cred.Prefix != ns[:NodeTokenDisplayLength] || WellFormed(ns+"x", NodeTokenPrefix) {
		t.Errorf("node secret %q", ns)
	}
}
