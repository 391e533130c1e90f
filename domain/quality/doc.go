// Package quality turns frames of PCM audio into the meter and quality
// scores Rakkr shows and alarms on, and decides — debounced in time — when a
// fault (flatline, low signal, clipping, duplicated channels) starts and
// ends.
//
// The same code runs in the agent daemon on the live capture stream and in
// `rakkr-agent analyze` on files, so a file can be checked against exactly
// the rules that watch a recording. Every formula, threshold and default is
// documented in docs/quality.md.
//
// The package is pure computation: no I/O, no clocks, no goroutines. The
// Analyzer is stateful (speech modulation, hum coherence and the noise-floor
// estimate look back over the last few seconds) and reuses its buffers, so a
// steady stream of frames allocates nothing.
package quality
