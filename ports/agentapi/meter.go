// Package agentapi holds the versioned controller<->agent wire types
// (append-only): fields and enum values are only ever added, never renamed
// or removed, so controllers and agents of different releases interoperate.
package agentapi

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/rakkr/rakkr/domain/quality"
)

// Version is the version of the wire types in this package.
const Version = 1

// MeterFrame is one meter frame of one audio interface (REFERENCE §F.4).
type MeterFrame struct {
	NodeID      string       `json:"nodeId"`
	InterfaceID string       `json:"interfaceId"`
	CapturedAt  time.Time    `json:"capturedAt"`
	Levels      []LevelFrame `json:"levels"`
}

// LevelFrame is the meter reading of one channel.
type LevelFrame struct {
	// ChannelIndex is 1-based.
	ChannelIndex int     `json:"channelIndex"`
	Label        string  `json:"label"`
	RMSDBFS      float64 `json:"rmsDbfs"`
	PeakDBFS     float64 `json:"peakDbfs"`
	Clipping     bool    `json:"clipping"`
	Quality      Quality `json:"quality"`
}

// Quality carries the quality scores of one channel.
type Quality struct {
	SpeechScore          float64             `json:"speechScore"`
	SpeechLike           bool                `json:"speechLike"`
	NoiseScore           float64             `json:"noiseScore"`
	BroadbandNoiseScore  float64             `json:"broadbandNoiseScore"`
	HumScore             float64             `json:"humScore"`
	StaticScore          float64             `json:"staticScore"`
	EstimatedSNRDB       float64             `json:"estimatedSnrDb"`
	IntelligibilityScore float64             `json:"intelligibilityScore"`
	CrestFactorDB        float64             `json:"crestFactorDb"`
	ZeroCrossingRate     float64             `json:"zeroCrossingRate"`
	ChannelCorrelation   *ChannelCorrelation `json:"channelCorrelation,omitempty"`
}

// ChannelCorrelation names a channel's most correlated peer.
type ChannelCorrelation struct {
	// PeerChannelIndex is 1-based.
	PeerChannelIndex int `json:"peerChannelIndex"`
	// Phase is PhaseSame or PhaseInverted.
	Phase string `json:"phase"`
	// Score is |r|.
	Score float64 `json:"score"`
}

// The phases of ChannelCorrelation.
const (
	PhaseSame     = "same"
	PhaseInverted = "inverted"
)

// ChannelLabel is the default label of a 1-based channel: "Input N".
func ChannelLabel(index int) string { return fmt.Sprintf("Input %d", index) }

// FromQualityFrame converts an analysed frame into its wire form, reusing
// dst's Levels storage. labels may be nil or shorter than the channel list;
// missing labels default to ChannelLabel. Values are rounded for the wire:
// levels, crest factor and SNR to 0.1 dB, scores and |r| to 0.001, the
// zero-crossing rate to 0.0001.
func FromQualityFrame(dst *MeterFrame, nodeID, interfaceID string, capturedAt time.Time, f quality.Frame, labels []string) {
	dst.NodeID, dst.InterfaceID, dst.CapturedAt = nodeID, interfaceID, capturedAt.UTC()
	if cap(dst.Levels) < len(f.Channels) {
		dst.Levels = make([]LevelFrame, len(f.Channels))
	}
	dst.Levels = dst.Levels[:len(f.Channels)]
	for i, c := range f.Channels {
		l := &dst.Levels[i]
		corr := l.Quality.ChannelCorrelation // reuse the allocation
		label := ""
		if i < len(labels) {
			label = labels[i]
		}
		if label == "" {
			label = ChannelLabel(i + 1)
		}
		s := c.Scores
		*l = LevelFrame{
			ChannelIndex: i + 1,
			Label:        label,
			RMSDBFS:      round(c.RMSDBFS, 10),
			PeakDBFS:     round(c.PeakDBFS, 10),
			Clipping:     c.Clipping,
			Quality: Quality{
				SpeechScore:          round(s.Speech, 1000),
				SpeechLike:           s.SpeechLike,
				NoiseScore:           round(s.Noise, 1000),
				BroadbandNoiseScore:  round(s.Broadband, 1000),
				HumScore:             round(s.Hum, 1000),
				StaticScore:          round(s.Static, 1000),
				EstimatedSNRDB:       round(s.SNRDB, 10),
				IntelligibilityScore: round(s.Intelligibility, 1000),
				CrestFactorDB:        round(c.CrestFactorDB, 10),
				ZeroCrossingRate:     round(c.ZeroCrossingRate, 10000),
			},
		}
		if c.Correlation.Valid() {
			if corr == nil {
				corr = new(ChannelCorrelation)
			}
			*corr = ChannelCorrelation{PeerChannelIndex: c.Correlation.Peer + 1, Phase: string(c.Correlation.Phase()), Score: round(math.Abs(c.Correlation.R), 1000)}
			l.Quality.ChannelCorrelation = corr
		}
	}
}

// ToQualityFrame converts a wire frame back into the domain form (for the
// controller's rules); precision is that of the wire. The wire does not say
// how many channel pairs were measurable, so PairsMeasured is the number of
// channels that report a peer.
func ToQualityFrame(m MeterFrame, duration time.Duration) quality.Frame {
	f := quality.Frame{Duration: duration, Channels: make([]quality.ChannelMetrics, len(m.Levels))}
	for i, l := range m.Levels {
		q := l.Quality
		c := quality.ChannelMetrics{
			RMSDBFS: l.RMSDBFS, PeakDBFS: l.PeakDBFS, Clipping: l.Clipping,
			CrestFactorDB: q.CrestFactorDB, ZeroCrossingRate: q.ZeroCrossingRate,
			Scores: quality.Scores{
				Speech: q.SpeechScore, SpeechLike: q.SpeechLike, Noise: q.NoiseScore,
				Broadband: q.BroadbandNoiseScore, Hum: q.HumScore, Static: q.StaticScore,
				SNRDB: q.EstimatedSNRDB, Intelligibility: q.IntelligibilityScore,
			},
			Correlation: quality.Correlation{Peer: -1},
		}
		if cc := q.ChannelCorrelation; cc != nil && cc.PeerChannelIndex >= 1 {
			r := cc.Score
			if cc.Phase == PhaseInverted {
				r = -r
			}
			c.Correlation = quality.Correlation{Peer: cc.PeerChannelIndex - 1, R: r}
			f.PairsMeasured++
		}
		f.Channels[i] = c
	}
	return f
}

// round rounds v to 1/scale and turns −0 into 0.
func round(v, scale float64) float64 {
	return math.Round(v*scale)/scale + 0
}

// AppendJSON appends the frame as one JSON object, byte for byte what
// encoding/json produces for it, without reflection or allocation (the
// analyzer prints tens of thousands of frames per hour of audio).
func (m *MeterFrame) AppendJSON(b []byte) []byte {
	b = append(b, `{"nodeId":`...)
	b = appendString(b, m.NodeID)
	b = append(b, `,"interfaceId":`...)
	b = appendString(b, m.InterfaceID)
	b = append(b, `,"capturedAt":"`...)
	b = m.CapturedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","levels":`...)
	if m.Levels == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i := range m.Levels {
		if i > 0 {
			b = append(b, ',')
		}
		l := &m.Levels[i]
		q := &l.Quality
		b = append(b, `{"channelIndex":`...)
		b = strconv.AppendInt(b, int64(l.ChannelIndex), 10)
		b = append(b, `,"label":`...)
		b = appendString(b, l.Label)
		b = appendFloat(append(b, `,"rmsDbfs":`...), l.RMSDBFS)
		b = appendFloat(append(b, `,"peakDbfs":`...), l.PeakDBFS)
		b = strconv.AppendBool(append(b, `,"clipping":`...), l.Clipping)
		b = appendFloat(append(b, `,"quality":{"speechScore":`...), q.SpeechScore)
		b = strconv.AppendBool(append(b, `,"speechLike":`...), q.SpeechLike)
		b = appendFloat(append(b, `,"noiseScore":`...), q.NoiseScore)
		b = appendFloat(append(b, `,"broadbandNoiseScore":`...), q.BroadbandNoiseScore)
		b = appendFloat(append(b, `,"humScore":`...), q.HumScore)
		b = appendFloat(append(b, `,"staticScore":`...), q.StaticScore)
		b = appendFloat(append(b, `,"estimatedSnrDb":`...), q.EstimatedSNRDB)
		b = appendFloat(append(b, `,"intelligibilityScore":`...), q.IntelligibilityScore)
		b = appendFloat(append(b, `,"crestFactorDb":`...), q.CrestFactorDB)
		b = appendFloat(append(b, `,"zeroCrossingRate":`...), q.ZeroCrossingRate)
		if c := q.ChannelCorrelation; c != nil {
			b = strconv.AppendInt(append(b, `,"channelCorrelation":{"peerChannelIndex":`...), int64(c.PeerChannelIndex), 10)
			b = appendString(append(b, `,"phase":`...), c.Phase)
			b = appendFloat(append(b, `,"score":`...), c.Score)
			b = append(b, '}')
		}
		b = append(b, "}}"...)
	}
	return append(b, "]}"...)
}

// appendFloat formats v exactly as encoding/json does. Values with at most
// four decimals below 1e9 (every rounded meter value) take a fixed-point
// fast path: for them the shortest round-trip form is the decimal itself.
func appendFloat(b []byte, v float64) []byte {
	if a := math.Abs(v); a < 1e9 {
		if k := math.Round(v * 10000); k/10000 == v {
			return appendFixed4(b, int64(k))
		}
	}
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) || math.IsNaN(v) || math.IsInf(v, 0) {
		out, err := json.Marshal(v)
		if err != nil {
			return append(b, '0')
		}
		return append(b, out...)
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendFixed4 appends k/10000 with trailing zeros (and a bare point)
// dropped.
func appendFixed4(b []byte, k int64) []byte {
	if k < 0 {
		b = append(b, '-')
		k = -k
	}
	b = strconv.AppendInt(b, k/10000, 10)
	frac := k % 10000
	if frac == 0 {
		return b
	}
	digits := [4]byte{byte('0' + frac/1000), byte('0' + frac/100%10), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 4
	for digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

// appendString quotes s as encoding/json does; plain ASCII is copied
// directly, anything needing escapes goes through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			out, _ := json.Marshal(s)
			return append(b, out...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
