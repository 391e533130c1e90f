package meters_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// The history stores frames packed; what comes back must be exactly what
// went in, packed (rounded values, UTC) or not (anything else).
func TestMeterHistoryIsLossless(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)
	rounded := agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1", CapturedAt: at, Levels: []agentapi.LevelFrame{
		{ChannelIndex: 1, Label: "Input 1", RMSDBFS: -23.4, PeakDBFS: -8.1, Clipping: true, Quality: agentapi.Quality{
			SpeechScore: 0.812, SpeechLike: true, NoiseScore: 0.1, BroadbandNoiseScore: 0.033, HumScore: 0.999, StaticScore: 0,
			EstimatedSNRDB: 24.5, IntelligibilityScore: 0.7, CrestFactorDB: 14.2, ZeroCrossingRate: 0.0123,
			ChannelCorrelation: &agentapi.ChannelCorrelation{PeerChannelIndex: 2, Phase: agentapi.PhaseInverted, Score: 0.987}}},
		{ChannelIndex: 2, Label: "Lectern", RMSDBFS: -120, PeakDBFS: 0, Quality: agentapi.Quality{
			ChannelCorrelation: &agentapi.ChannelCorrelation{PeerChannelIndex: 1, Phase: agentapi.PhaseSame, Score: 1}}},
	}}
	unrounded := rounded
	unrounded.Levels = append([]agentapi.LevelFrame(nil), rounded.Levels...)
	unrounded.Levels[1].RMSDBFS = -23.456789
	local := rounded
	local.CapturedAt = at.In(time.FixedZone("X", 3600))
	noLevels := agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1", CapturedAt: at}
	empty := agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1", CapturedAt: at, Levels: []agentapi.LevelFrame{}}
	monotonic := rounded
	monotonic.CapturedAt = time.Now()
	frames := []agentapi.MeterFrame{rounded, unrounded, local, noLevels, empty, monotonic, rounded}
	svc := meters.New(meters.Config{History: 6})
	for _, f := range frames {
		if err := svc.Ingest("n1", f); err != nil {
			t.Fatal(err)
		}
	}
	got := svc.History("n1", "i1")
	if want := frames[1:]; !reflect.DeepEqual(got, want) {
		t.Fatalf("history\n got %+v\nwant %+v", got, want)
	}
	if l := svc.Latest("n1"); len(l) != 1 || !reflect.DeepEqual(l[0].Frame, rounded) {
		t.Fatalf("latest %+v", l)
	}
}
