// Package render turns a job's raw masters into deliverable files and
// checks what was captured: Render applies the channel map and encodes,
// Levels measures a raw master, Check judges a capture against its
// wall-clock window.
package render

import (
	"context"
	"fmt"

	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// Rendered is what Render made: the encoded file, and the raw master's
// peak and RMS level over all its channels in dBFS (what Levels would
// return), measured while reading it.
type Rendered struct {
	ports.EncodeResult
	PeakDbfs, RmsDbfs float64
}

// Render reads the raw master at rawPath (channels = m's entries in
// order), applies channelmap.NewRenderer(m) and encodes to dst with enc,
// measuring the raw master's levels on the way (one read of the file for
// both).
func Render(ctx context.Context, files ports.PCMFiles, enc ports.AudioEncoder, rawPath, dst string, m channelmap.Map, opt ports.EncodeOptions) (Rendered, error) {
	src, err := files.OpenPCM(rawPath)
	if err != nil {
		return Rendered{}, err
	}
	defer src.Close()
	r := channelmap.NewRenderer(m)
	in := src.Format()
	if in.Channels != r.InputChannels() || r.OutputChannels() == 0 {
		return Rendered{}, errs.Conflict("render.channelMismatch",
			fmt.Sprintf("the raw master %s has %d channels; the channel map has %d entries (%d output channels)",
				rawPath, in.Channels, r.InputChannels(), r.OutputChannels()))
	}
	mp := &mapped{src: src, r: r, format: pcm.Format{SampleRate: in.SampleRate, Channels: r.OutputChannels()}}
	res, err := enc.Encode(ctx, dst, mp, opt)
	if err != nil {
		return Rendered{}, err
	}
	out := Rendered{EncodeResult: res}
	out.PeakDbfs, out.RmsDbfs = mp.levels.dbfs()
	return out, nil
}

// mapped is a PCMReader that renders src through a channel map.
type mapped struct {
	src    ports.PCMReader
	r      *channelmap.Renderer
	format pcm.Format
	buf    []float32
	levels levelMeter // of the raw input
}

// Format returns the rendered format.
func (m *mapped) Format() pcm.Format { return m.format }

// ReadFrames reads up to len(dst)/channels frames of the raw master and
// renders them into dst.
func (m *mapped) ReadFrames(dst []float32) (int, error) {
	want := len(dst) / m.format.Channels
	if want == 0 {
		return 0, nil
	}
	in := m.r.InputChannels()
	if cap(m.buf) < want*in {
		m.buf = make([]float32, want*in)
	}
	n, err := m.src.ReadFrames(m.buf[:want*in])
	if n > 0 {
		m.levels.add(m.buf[:n*in])
		m.r.Render(dst[:n*m.format.Channels], m.buf[:n*in])
	}
	return n, err
}
