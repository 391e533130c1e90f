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

// Render reads the raw master at rawPath (channels = m's entries in
// order), applies channelmap.NewRenderer(m) and encodes to dst with enc.
func Render(ctx context.Context, files ports.PCMFiles, enc ports.AudioEncoder, rawPath, dst string, m channelmap.Map, opt ports.EncodeOptions) (ports.EncodeResult, error) {
	src, err := files.OpenPCM(rawPath)
	if err != nil {
		return ports.EncodeResult{}, err
	}
	defer src.Close()
	r := channelmap.NewRenderer(m)
	in := src.Format()
	if in.Channels != r.InputChannels() || r.OutputChannels() == 0 {
		return ports.EncodeResult{}, errs.Conflict("render.channelMismatch",
			fmt.Sprintf("the raw master %s has %d channels; the channel map has %d entries (%d output channels)",
				rawPath, in.Channels, r.InputChannels(), r.OutputChannels()))
	}
	return enc.Encode(ctx, dst, &mapped{src: src, r: r, format: pcm.Format{SampleRate: in.SampleRate, Channels: r.OutputChannels()}}, opt)
}

// mapped is a PCMReader that renders src through a channel map.
type mapped struct {
	src    ports.PCMReader
	r      *channelmap.Renderer
	format pcm.Format
	buf    []float32
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
		m.r.Render(dst[:n*m.format.Channels], m.buf[:n*in])
	}
	return n, err
}
