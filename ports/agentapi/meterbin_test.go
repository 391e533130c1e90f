package agentapi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fullFrame has every field set (odd values that JSON rounding would
// change), with correlation on some levels and not on others.
func fullFrame(channels int) MeterFrame {
	f := MeterFrame{NodeID: "node-ü1", InterfaceID: "iface-7", CapturedAt: time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)}
	for i := range channels {
		v := float64(i) + 0.123456789
		l := LevelFrame{ChannelIndex: i + 1, Label: ChannelLabel(i + 1), RMSDBFS: -20.04 - v, PeakDBFS: -6.96 - v, Clipping: i%3 == 0,
			Quality: Quality{SpeechScore: 0.81234 + v, SpeechLike: i%2 == 0, NoiseScore: 0.2 + v, BroadbandNoiseScore: 1e-300,
				HumScore: math.SmallestNonzeroFloat64, StaticScore: math.Copysign(0, -1), EstimatedSNRDB: 31.26 + v,
				IntelligibilityScore: 0.7 + v, CrestFactorDB: 13.08 + v, ZeroCrossingRate: 0.123456 + v}}
		switch i % 3 {
		case 1:
			l.Quality.ChannelCorrelation = &ChannelCorrelation{PeerChannelIndex: i, Phase: PhaseInverted, Score: 0.99321}
		case 2:
			l.Quality.ChannelCorrelation = &ChannelCorrelation{PeerChannelIndex: 65535, Phase: PhaseSame, Score: math.MaxFloat64}
		}
		f.Levels = append(f.Levels, l)
	}
	return f
}

// sameFrame compares every field, floats by their bits (−0 ≠ 0).
func sameFrame(t *testing.T, got, want MeterFrame) {
	t.Helper()
	if !got.CapturedAt.Equal(want.CapturedAt) || got.CapturedAt.Location() != time.UTC {
		t.Fatalf("capturedAt %v, want %v UTC", got.CapturedAt, want.CapturedAt)
	}
	got.CapturedAt, want.CapturedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip\n got %+v\nwant %+v", got, want)
	}
	for i := range want.Levels {
		g, w := got.Levels[i].Quality, want.Levels[i].Quality
		if math.Signbit(g.StaticScore) != math.Signbit(w.StaticScore) {
			t.Fatalf("level %d: sign of −0 lost", i)
		}
	}
}

func TestMeterBinaryRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    MeterFrame
	}{
		{"full", fullFrame(8)},
		{"no correlation", fullFrame(1)},
		{"no levels", MeterFrame{NodeID: "n", CapturedAt: time.Unix(0, -1).UTC()}},
		{"longest strings", MeterFrame{NodeID: strings.Repeat("n", 255), InterfaceID: strings.Repeat("i", 255), CapturedAt: time.Unix(1, 2).UTC(),
			Levels: []LevelFrame{{ChannelIndex: 512, Label: strings.Repeat("l", 255)}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckMeterBinary(&tc.f); err != nil {
				t.Fatal(err)
			}
			b := AppendMeterBinary([]byte("prefix"), tc.f)[len("prefix"):]
			if b[0] != MeterBinaryVersion || b[1] != MeterBinaryTypeMeter {
				t.Fatalf("header % x", b[:2])
			}
			var got MeterFrame
			if err := DecodeMeterBinary(b, &got); err != nil {
				t.Fatal(err)
			}
			want := tc.f
			if want.Levels == nil {
				want.Levels = []LevelFrame{} // the decoder gives an empty slice
			}
			sameFrame(t, got, want)
			if again := AppendMeterBinary(nil, got); !bytes.Equal(again, b) {
				t.Fatal("re-encoding differs")
			}
		})
	}
}

// TestMeterBinaryLayout pins the documented byte layout.
func TestMeterBinaryLayout(t *testing.T) {
	f := MeterFrame{NodeID: "n1", InterfaceID: "i", CapturedAt: time.Unix(0, 0x0102030405060708).UTC(), Levels: []LevelFrame{{
		ChannelIndex: 3, Label: "L", RMSDBFS: 1, Clipping: true,
		Quality: Quality{ZeroCrossingRate: 2, ChannelCorrelation: &ChannelCorrelation{PeerChannelIndex: 4, Phase: PhaseInverted, Score: 0.5}}}}}
	want := []byte{0xB1, 0x01, 2, 'n', '1', 1, 'i', 8, 7, 6, 5, 4, 3, 2, 1, 1, 0, 3, 0, 1, 'L', 0b1101}
	want = binary.LittleEndian.AppendUint64(want, math.Float64bits(1))
	want = append(want, make([]byte, 9*8)...)
	want = binary.LittleEndian.AppendUint64(want, math.Float64bits(2))
	want = append(want, 4, 0)
	want = binary.LittleEndian.AppendUint64(want, math.Float64bits(0.5))
	if got := AppendMeterBinary(nil, f); !bytes.Equal(got, want) {
		t.Fatalf("layout\n got % x\nwant % x", got, want)
	}
}

func TestMeterBinaryRejects(t *testing.T) {
	valid := AppendMeterBinary(nil, fullFrame(8))
	withLevels := func(n int) []byte { // header of a frame claiming n levels, padded with minimal levels
		b := []byte{MeterBinaryVersion, MeterBinaryTypeMeter, 1, 'n', 1, 'i', 0, 0, 0, 0, 0, 0, 0, 0}
		b = binary.LittleEndian.AppendUint16(b, uint16(n))
		for i := range n {
			b = binary.LittleEndian.AppendUint16(b, uint16(i+1))
			b = append(b, 0, 0)
			b = append(b, make([]byte, 88)...)
		}
		return b
	}
	if err := DecodeMeterBinary(withLevels(512), new(MeterFrame)); err != nil {
		t.Fatalf("512 levels: %v", err)
	}
	nan := bytes.Clone(valid)
	// The first level's rmsDbfs: after header, strings, time, count, index, label, flags.
	off := 2 + 1 + len("node-ü1") + 1 + len("iface-7") + 8 + 2 + 2 + 1 + len("Input 1") + 1
	binary.LittleEndian.PutUint64(nan[off:], math.Float64bits(math.NaN()))
	inf := bytes.Clone(valid)
	binary.LittleEndian.PutUint64(inf[off+8:], math.Float64bits(math.Inf(-1)))
	flagOff := off - 1
	badFlags, lonePhase := bytes.Clone(valid), bytes.Clone(valid)
	badFlags[flagOff] |= 0x10
	lonePhase[flagOff] = binInverted
	badUTF8 := bytes.Clone(valid)
	badUTF8[3] = 0xff
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrMeterBinaryMalformed},
		{"version", append([]byte{0xB2}, valid[1:]...), ErrMeterBinaryMalformed},
		{"type", append([]byte{MeterBinaryVersion, 0x02}, valid[2:]...), ErrMeterBinaryMalformed},
		{"trailing", append(bytes.Clone(valid), 0), ErrMeterBinaryMalformed},
		{"NaN", nan, ErrMeterBinaryMalformed},
		{"Inf", inf, ErrMeterBinaryMalformed},
		{"unknown flag", badFlags, ErrMeterBinaryMalformed},
		{"phase without correlation", lonePhase, ErrMeterBinaryMalformed},
		{"invalid UTF-8", badUTF8, ErrMeterBinaryMalformed},
		{"513 levels", withLevels(513), ErrMeterBinaryTooManyLevels},
		{"65535 levels", append(withLevels(0)[:14], 0xff, 0xff), ErrMeterBinaryTooManyLevels},
		{"no level count", withLevels(0)[:14], ErrMeterBinaryMalformed},
		{"512 levels claimed, none sent", append(withLevels(0)[:14], 0x00, 0x02), ErrMeterBinaryMalformed},
	}
	for n := range len(valid) { // every truncation
		cases = append(cases, struct {
			name string
			b    []byte
			want error
		}{"truncated", valid[:n], ErrMeterBinaryMalformed})
	}
	for _, tc := range cases {
		var f MeterFrame
		err := DecodeMeterBinary(tc.b, &f)
		if !errors.Is(err, tc.want) {
			t.Fatalf("%s (%d bytes): %v, want %v", tc.name, len(tc.b), err, tc.want)
		}
		if tc.want == ErrMeterBinaryMalformed && errors.Is(err, ErrMeterBinaryTooManyLevels) {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if cap(f.Levels) > len(tc.b)/binLevelMin {
			t.Fatalf("%s: %d levels allocated for %d bytes", tc.name, cap(f.Levels), len(tc.b))
		}
	}
}

func TestCheckMeterBinary(t *testing.T) {
	ok := fullFrame(2)
	if err := CheckMeterBinary(&ok); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*MeterFrame){
		"long nodeId":     func(f *MeterFrame) { f.NodeID = strings.Repeat("x", 256) },
		"bad UTF-8 label": func(f *MeterFrame) { f.Levels[0].Label = "\xff" },
		"zero time":       func(f *MeterFrame) { f.CapturedAt = time.Time{} },
		"channel index":   func(f *MeterFrame) { f.Levels[0].ChannelIndex = 65536 },
		"NaN":             func(f *MeterFrame) { f.Levels[1].Quality.HumScore = math.NaN() },
		"phase":           func(f *MeterFrame) { f.Levels[1].Quality.ChannelCorrelation.Phase = "" },
		"peer":            func(f *MeterFrame) { f.Levels[1].Quality.ChannelCorrelation.PeerChannelIndex = -1 },
	} {
		f := fullFrame(2)
		mutate(&f)
		if err := CheckMeterBinary(&f); !errors.Is(err, ErrMeterBinaryMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestDecodeMeterBinaryReuses: a steady stream decodes into the same frame
// without allocating.
func TestDecodeMeterBinaryReuses(t *testing.T) {
	b := AppendMeterBinary(nil, fullFrame(8))
	var f MeterFrame
	if err := DecodeMeterBinary(b, &f); err != nil {
		t.Fatal(err)
	}
	if allocs := testing.AllocsPerRun(100, func() { _ = DecodeMeterBinary(b, &f) }); allocs != 0 {
		t.Fatalf("%v allocations per decode, want 0", allocs)
	}
	var buf []byte
	src := fullFrame(8)
	if allocs := testing.AllocsPerRun(100, func() { buf = AppendMeterBinary(buf[:0], src) }); allocs != 0 {
		t.Fatalf("%v allocations per encode, want 0", allocs)
	}
	// A frame with fewer levels, then more again, reuses the storage.
	short := AppendMeterBinary(nil, fullFrame(2))
	if err := DecodeMeterBinary(short, &f); err != nil || len(f.Levels) != 2 {
		t.Fatal(err, len(f.Levels))
	}
	if err := DecodeMeterBinary(b, &f); err != nil {
		t.Fatal(err)
	}
	sameFrame(t, f, fullFrame(8))
}

func FuzzDecodeMeterBinary(f *testing.F) {
	for _, fr := range []MeterFrame{fullFrame(8), fullFrame(1), {NodeID: "n", CapturedAt: time.Unix(5, 0).UTC()}} {
		f.Add(AppendMeterBinary(nil, fr))
	}
	f.Add([]byte{MeterBinaryVersion, MeterBinaryTypeMeter})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m MeterFrame
		if err := DecodeMeterBinary(b, &m); err != nil {
			if !errors.Is(err, ErrMeterBinaryMalformed) && !errors.Is(err, ErrMeterBinaryTooManyLevels) {
				t.Fatalf("unexpected error %v", err)
			}
			if cap(m.Levels) > len(b)/binLevelMin {
				t.Fatalf("%d levels allocated for %d bytes", cap(m.Levels), len(b))
			}
			return
		}
		if err := CheckMeterBinary(&m); err != nil {
			t.Fatalf("decoded frame fails the check: %v", err)
		}
		if again := AppendMeterBinary(nil, m); !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs\n got % x\nwant % x", again, b)
		}
	})
}
