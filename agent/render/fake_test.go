package render_test

import (
	"context"
	"errors"
	"io"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// memFiles serves raw masters from memory, in pieces of at most piece frames.
type memFiles struct {
	format  pcm.Format
	samples map[string][]float32
	piece   int
}

func (m *memFiles) CreatePCM(string, pcm.Format) (ports.PCMFile, error) {
	return nil, errors.New("memFiles: read only")
}

func (m *memFiles) RepairPCM(string) (int64, error) { return 0, errors.New("memFiles: read only") }

func (m *memFiles) OpenPCM(path string) (ports.DecodedAudio, error) {
	s, ok := m.samples[path]
	if !ok {
		return nil, errors.New("memFiles: no such file")
	}
	return &memReader{format: m.format, rest: s, piece: m.piece}, nil
}

type memReader struct {
	format pcm.Format
	rest   []float32
	piece  int
	closed bool
}

func (r *memReader) Format() pcm.Format { return r.format }

func (r *memReader) ReadFrames(dst []float32) (int, error) {
	if len(r.rest) == 0 {
		return 0, io.EOF
	}
	n := min(len(dst)/r.format.Channels, len(r.rest)/r.format.Channels, r.piece)
	copy(dst, r.rest[:n*r.format.Channels])
	r.rest = r.rest[n*r.format.Channels:]
	return n, nil
}

func (r *memReader) Close() error { r.closed = true; return nil }

// encoder records what it was asked to encode.
type encoder struct {
	dst     string
	format  pcm.Format
	opt     ports.EncodeOptions
	samples []float32
}

func (e *encoder) Encode(ctx context.Context, dst string, src ports.PCMReader, opt ports.EncodeOptions) (ports.EncodeResult, error) {
	e.dst, e.format, e.opt = dst, src.Format(), opt
	buf := make([]float32, 1000*src.Format().Channels)
	var frames int64
	for {
		n, err := src.ReadFrames(buf)
		e.samples = append(e.samples, buf[:n*src.Format().Channels]...)
		frames += int64(n)
		if errors.Is(err, io.EOF) {
			return ports.EncodeResult{Frames: frames}, nil
		}
		if err != nil {
			return ports.EncodeResult{}, err
		}
	}
}
