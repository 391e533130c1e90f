package audiofile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// flacChannels maps a channel count to the FLAC channel assignment; stereo
// is coded as mid/side, which the decoder undoes exactly.
var flacChannels = [...]frame.Channels{
	1: frame.ChannelsMono,
	2: frame.ChannelsMidSide,
	3: frame.ChannelsLRC,
	4: frame.ChannelsLRLsRs,
	5: frame.ChannelsLRCLsRs,
	6: frame.ChannelsLRCLfeLsRs,
	7: frame.ChannelsLRCLfeCsSlSr,
	8: frame.ChannelsLRCLfeLsRsSlSr,
}

// seekBuffer buffers the many small writes of the FLAC encoder and still
// lets it seek back to rewrite the StreamInfo block when it closes.
type seekBuffer struct {
	f  *os.File
	bw *bufio.Writer
}

// Write buffers p.
func (s *seekBuffer) Write(p []byte) (int, error) { return s.bw.Write(p) }

// Seek flushes the buffer and moves the file offset.
func (s *seekBuffer) Seek(off int64, whence int) (int64, error) {
	if err := s.bw.Flush(); err != nil {
		return 0, err
	}
	return s.f.Seek(off, whence)
}

// encodeFLAC streams src into out as bits-bit FLAC in blocks of
// blockFrames frames, with prediction analysis.
func encodeFLAC(ctx context.Context, out *os.File, src ports.PCMReader, bits int) (int64, error) {
	f := src.Format()
	ch := f.Channels
	sb := &seekBuffer{f: out, bw: bufio.NewWriterSize(out, 256<<10)}
	info := &meta.StreamInfo{
		BlockSizeMin:  blockFrames,
		BlockSizeMax:  blockFrames,
		SampleRate:    uint32(f.SampleRate),
		NChannels:     uint8(ch),
		BitsPerSample: uint8(bits),
	}
	enc, err := flac.NewEncoder(sb, info)
	if err != nil {
		return 0, fmt.Errorf("starting the FLAC stream: %w", err)
	}
	enc.EnablePredictionAnalysis(true)
	buf := make([]float32, blockFrames*ch)
	samples := make([][]int32, ch)
	for c := range samples {
		samples[c] = make([]int32, blockFrames)
	}
	var frames int64
	for {
		n, err := readBlock(ctx, src, buf, ch)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return frames, err
		}
		fr := &frame.Frame{
			Header: frame.Header{
				HasFixedBlockSize: true,
				BlockSize:         uint16(n),
				SampleRate:        uint32(f.SampleRate),
				Channels:          flacChannels[ch],
				BitsPerSample:     uint8(bits),
			},
			Subframes: make([]*frame.Subframe, ch),
		}
		for c := range fr.Subframes {
			s := samples[c][:n]
			for i := range s {
				s[i] = quantise(buf[i*ch+c], bits)
			}
			fr.Subframes[c] = &frame.Subframe{SubHeader: frame.SubHeader{Pred: frame.PredVerbatim}, Samples: s, NSamples: n}
		}
		if err := enc.WriteFrame(fr); err != nil {
			return frames, fmt.Errorf("encoding a FLAC frame: %w", err)
		}
		frames += int64(n)
	}
	if err := enc.Close(); err != nil {
		return frames, fmt.Errorf("finishing the FLAC stream: %w", err)
	}
	if err := sb.bw.Flush(); err != nil {
		return frames, err
	}
	// The encoder records the short last block (or 0 when there were no
	// frames) as the minimum block size; the format excludes the last
	// block, and decoders refuse a minimum below 16, so declare the fixed
	// block size, as libFLAC does.
	if _, err := out.WriteAt([]byte{blockFrames >> 8, blockFrames & 0xff, blockFrames >> 8, blockFrames & 0xff}, 8); err != nil {
		return frames, fmt.Errorf("finishing the FLAC stream: %w", err)
	}
	return frames, nil
}

// flacReader decodes a FLAC file.
type flacReader struct {
	file   *os.File
	stream *flac.Stream
	format pcm.Format
	scale  float32
	cur    *frame.Frame
	pos    int // next frame of cur
}

// openFLAC opens the FLAC file f.
func openFLAC(f *os.File) (*flacReader, error) {
	s, err := flac.New(f)
	if err != nil {
		return nil, fmt.Errorf("reading the FLAC header: %w", err)
	}
	info := s.Info
	format := pcm.Format{SampleRate: int(info.SampleRate), Channels: int(info.NChannels)}
	if err := format.Validate(); err != nil {
		return nil, fmt.Errorf("FLAC stream: %w", err)
	}
	if info.BitsPerSample < 4 || info.BitsPerSample > 32 {
		return nil, fmt.Errorf("FLAC stream of %d bits per sample", info.BitsPerSample)
	}
	return &flacReader{file: f, stream: s, format: format, scale: 1 / float32(int64(1)<<(info.BitsPerSample-1))}, nil
}

// Format returns the stream's sample rate and channel count.
func (r *flacReader) Format() pcm.Format { return r.format }

// ReadFrames decodes up to len(dst)/channels frames into dst.
func (r *flacReader) ReadFrames(dst []float32) (int, error) {
	ch := r.format.Channels
	want := len(dst) / ch
	got := 0
	for got < want {
		if r.cur == nil || r.pos >= r.cur.Subframes[0].NSamples {
			fr, err := r.stream.ParseNext()
			if errors.Is(err, io.EOF) {
				if got == 0 {
					return 0, io.EOF
				}
				return got, nil
			}
			if err != nil {
				return got, fmt.Errorf("audiofile: decoding FLAC: %w", err)
			}
			if len(fr.Subframes) != ch {
				return got, fmt.Errorf("audiofile: FLAC frame of %d channels in a %d-channel stream", len(fr.Subframes), ch)
			}
			r.cur, r.pos = fr, 0
		}
		n := min(want-got, r.cur.Subframes[0].NSamples-r.pos)
		for c, sf := range r.cur.Subframes {
			s := sf.Samples[r.pos : r.pos+n]
			for i, v := range s {
				dst[(got+i)*ch+c] = float32(v) * r.scale
			}
		}
		got += n
		r.pos += n
	}
	return got, nil
}

// Close releases the file.
func (r *flacReader) Close() error { return r.file.Close() }

var _ ports.DecodedAudio = (*flacReader)(nil)
