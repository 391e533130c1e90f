package audiofile

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// Assembler joins the chunk files of one recording into one file.
type Assembler struct {
	// Decoder opens the parts.
	Decoder ports.AudioDecoder
	// Encoder writes the result.
	Encoder ports.AudioEncoder
}

// NewAssembler returns an Assembler built on this package's Decoder and
// Encoder (lame from PATH).
func NewAssembler() *Assembler {
	return &Assembler{Decoder: NewDecoder(), Encoder: NewEncoder()}
}

// Assemble decodes parts in order and writes them to dst as one file of
// opt.Codec. Every part must have the format of the first; the check runs
// on every part before anything is written. WAV and FLAC results hold
// exactly the sum of the parts' frames.
func (a *Assembler) Assemble(ctx context.Context, dst string, parts []string, opt ports.EncodeOptions) (ports.EncodeResult, error) {
	if len(parts) == 0 {
		return ports.EncodeResult{}, fmt.Errorf("audiofile: assembling %s: no parts", dst)
	}
	var format pcm.Format
	for i, p := range parts {
		r, err := a.Decoder.OpenAudioFile(p)
		if err != nil {
			return ports.EncodeResult{}, fmt.Errorf("audiofile: assembling %s: part %d: %w", dst, i+1, err)
		}
		f := r.Format()
		r.Close()
		if i == 0 {
			format = f
		} else if f != format {
			return ports.EncodeResult{}, fmt.Errorf("audiofile: assembling %s: part %d (%s) is %s, but part 1 (%s) is %s; all parts must share one format", dst, i+1, p, f, parts[0], format)
		}
	}
	src := &partsReader{dec: a.Decoder, parts: parts, format: format}
	defer src.close()
	res, err := a.Encoder.Encode(ctx, dst, src, opt)
	if err != nil {
		return res, fmt.Errorf("audiofile: assembling %s: %w", dst, err)
	}
	return res, nil
}

// partsReader reads the parts one after the other as one stream.
type partsReader struct {
	dec    ports.AudioDecoder
	parts  []string
	format pcm.Format
	next   int                // index of the part to open next
	cur    ports.DecodedAudio // the open part, nil between parts
}

// Format returns the format every part shares.
func (r *partsReader) Format() pcm.Format { return r.format }

// ReadFrames reads from the current part, moving on at its end.
func (r *partsReader) ReadFrames(dst []float32) (int, error) {
	for {
		if r.cur == nil {
			if r.next == len(r.parts) {
				return 0, io.EOF
			}
			p := r.parts[r.next]
			d, err := r.dec.OpenAudioFile(p)
			if err != nil {
				return 0, fmt.Errorf("part %d: %w", r.next+1, err)
			}
			r.next++
			if d.Format() != r.format {
				d.Close()
				return 0, fmt.Errorf("part %d (%s) changed format to %s (want %s)", r.next, p, d.Format(), r.format)
			}
			r.cur = d
		}
		n, err := r.cur.ReadFrames(dst)
		if n > 0 && (err == nil || errors.Is(err, io.EOF)) {
			return n, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("part %d (%s): %w", r.next, r.parts[r.next-1], err)
		}
		if err == nil {
			return 0, fmt.Errorf("part %d (%s): no progress without end of stream", r.next, r.parts[r.next-1])
		}
		if cerr := r.cur.Close(); cerr != nil {
			r.cur = nil
			return 0, fmt.Errorf("part %d: %w", r.next, cerr)
		}
		r.cur = nil
	}
}

// close releases the open part, if any.
func (r *partsReader) close() {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
}

var _ ports.AudioAssembler = (*Assembler)(nil)
