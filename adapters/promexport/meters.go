package promexport

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// LiveFrames gives the newest non-stale frame of every interface
// (meters.Service.Live).
type LiveFrames interface {
	// Live returns the frames; stale ones are left out.
	Live() []agentapi.MeterFrame
}

// MeterMetrics counts the live-meter pipeline and exports the per-channel
// gauges of REFERENCE §H, read from the latest frames at scrape time (no
// per-frame gauge churn). It implements ports.MeterObserver.
type MeterMetrics struct {
	received    prometheus.Counter
	rejected    *prometheus.CounterVec
	dropped     *prometheus.CounterVec
	subscribers prometheus.Gauge
}

// RegisterMeters registers the meter counters and rakkr_ws_subscribers;
// pass the result as the meters service's and the hub's observer.
func (m *Metrics) RegisterMeters() *MeterMetrics {
	mm := &MeterMetrics{
		received: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "rakkr_meter_frames_received_total", Help: "Meter frames accepted from agent streams.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rakkr_meter_frames_rejected_total", Help: "Agent stream messages refused, by reason.",
		}, []string{"reason"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rakkr_meter_frames_dropped_total", Help: "Frames not delivered to a slow console subscriber, by reason.",
		}, []string{"reason"}),
		subscribers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "rakkr_ws_subscribers", Help: "Open console WebSocket connections.",
		}),
	}
	m.Registry.MustRegister(mm.received, mm.rejected, mm.dropped, mm.subscribers)
	return mm
}

// RegisterChannelGauges registers the per-channel input gauges, read from
// src's latest non-stale frames at scrape time.
func (m *Metrics) RegisterChannelGauges(src LiveFrames) {
	m.Registry.MustRegister(NewChannelCollector(src))
}

// MeterFrameReceived implements ports.MeterObserver.
func (mm *MeterMetrics) MeterFrameReceived() { mm.received.Inc() }

// MeterFrameRejected implements ports.MeterObserver.
func (mm *MeterMetrics) MeterFrameRejected(reason string) { mm.rejected.WithLabelValues(reason).Inc() }

// MeterFramesDropped implements ports.MeterObserver.
func (mm *MeterMetrics) MeterFramesDropped(reason string, n int) {
	mm.dropped.WithLabelValues(reason).Add(float64(n))
}

// WSSubscribersChanged implements ports.MeterObserver.
func (mm *MeterMetrics) WSSubscribersChanged(delta int) { mm.subscribers.Add(float64(delta)) }

var channelLabels = []string{"node_id", "interface_id", "channel"}

// channelGauge is one per-channel series and how to read it from a level.
type channelGauge struct {
	desc *prometheus.Desc
	get  func(l *agentapi.LevelFrame) float64
}

func gauge(name, help string, get func(l *agentapi.LevelFrame) float64) channelGauge {
	return channelGauge{desc: prometheus.NewDesc(name, help, channelLabels, nil), get: get}
}

// ChannelCollector exports the per-channel input gauges of the latest
// non-stale frames.
type ChannelCollector struct {
	src         LiveFrames
	gauges      []channelGauge
	correlation *prometheus.Desc
}

// NewChannelCollector builds the collector over src.
func NewChannelCollector(src LiveFrames) *ChannelCollector {
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	return &ChannelCollector{src: src, gauges: []channelGauge{
		gauge("rakkr_input_rms_dbfs", "Input RMS level in dBFS.", func(l *agentapi.LevelFrame) float64 { return l.RMSDBFS }),
		gauge("rakkr_input_peak_dbfs", "Input peak level in dBFS.", func(l *agentapi.LevelFrame) float64 { return l.PeakDBFS }),
		gauge("rakkr_input_clipping_ratio", "1 when the latest frame clipped, else 0.", func(l *agentapi.LevelFrame) float64 { return b2f(l.Clipping) }),
		gauge("rakkr_input_speech_score", "Speech score 0-1.", func(l *agentapi.LevelFrame) float64 { return l.Quality.SpeechScore }),
		gauge("rakkr_input_noise_score", "Noise score 0-1.", func(l *agentapi.LevelFrame) float64 { return l.Quality.NoiseScore }),
		gauge("rakkr_input_broadband_noise_score", "Broadband noise score 0-1.", func(l *agentapi.LevelFrame) float64 { return l.Quality.BroadbandNoiseScore }),
		gauge("rakkr_input_hum_score", "Hum score 0-1.", func(l *agentapi.LevelFrame) float64 { return l.Quality.HumScore }),
		gauge("rakkr_input_static_score", "Static score 0-1.", func(l *agentapi.LevelFrame) float64 { return l.Quality.StaticScore }),
		gauge("rakkr_input_estimated_snr_db", "Estimated signal-to-noise ratio in dB.", func(l *agentapi.LevelFrame) float64 { return l.Quality.EstimatedSNRDB }),
		gauge("rakkr_input_intelligibility_score", "Intelligibility score 0-1.", func(l *agentapi.LevelFrame) float64 { return l.Quality.IntelligibilityScore }),
	}, correlation: prometheus.NewDesc("rakkr_input_channel_correlation_score",
		"|r| of the channel's most correlated peer channel.", append(channelLabels, "peer_channel", "phase"), nil)}
}

// Describe implements prometheus.Collector.
func (cc *ChannelCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, g := range cc.gauges {
		ch <- g.desc
	}
	ch <- cc.correlation
}

// Collect implements prometheus.Collector.
func (cc *ChannelCollector) Collect(ch chan<- prometheus.Metric) {
	seen := map[string]bool{}
	for _, f := range cc.src.Live() {
		for i := range f.Levels {
			l := &f.Levels[i]
			idx := strconv.Itoa(l.ChannelIndex)
			key := f.NodeID + "\x00" + f.InterfaceID + "\x00" + idx
			if seen[key] { // a frame repeating a channel must not duplicate a series
				continue
			}
			seen[key] = true
			for _, g := range cc.gauges {
				ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, g.get(l), f.NodeID, f.InterfaceID, idx)
			}
			if c := l.Quality.ChannelCorrelation; c != nil {
				ch <- prometheus.MustNewConstMetric(cc.correlation, prometheus.GaugeValue, c.Score,
					f.NodeID, f.InterfaceID, idx, strconv.Itoa(c.PeerChannelIndex), c.Phase)
			}
		}
	}
}
