package wavfile

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/rakkr/rakkr/domain/pcm"
)

// WriteOptions selects the header written by Write.
type WriteOptions struct {
	// Encoding is the sample encoding (default PCM16).
	Encoding Encoding
	// Extensible writes a WAVE_FORMAT_EXTENSIBLE header.
	Extensible bool
}

// Write writes a complete WAV file of interleaved samples (normalised to
// ±1; integer encodings clip and round) to w.
func Write(w io.Writer, f pcm.Format, samples []float32, opt WriteOptions) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if opt.Encoding == 0 {
		opt.Encoding = PCM16
	}
	if len(samples)%f.Channels != 0 {
		return fmt.Errorf("wavfile: %d samples is not a whole number of %d-channel frames", len(samples), f.Channels)
	}
	bps := opt.Encoding.BytesPerSample()
	if bps == 0 {
		return fmt.Errorf("wavfile: cannot write %s", opt.Encoding)
	}
	dataSize := len(samples) * bps
	if int64(dataSize) > math.MaxUint32-100 {
		return fmt.Errorf("wavfile: %d bytes of samples do not fit a RIFF file", dataSize)
	}
	bw := bufio.NewWriter(w)
	le := binary.LittleEndian
	fmtSize := 16
	if opt.Extensible {
		fmtSize = 40
	}
	tag := uint16(tagPCM)
	if opt.Encoding == Float32 {
		tag = tagFloat
	}
	hdr := make([]byte, 0, 68)
	hdr = append(hdr, "RIFF"...)
	hdr = le.AppendUint32(hdr, uint32(4+8+fmtSize+8+dataSize))
	hdr = append(hdr, "WAVEfmt "...)
	hdr = le.AppendUint32(hdr, uint32(fmtSize))
	if opt.Extensible {
		hdr = le.AppendUint16(hdr, tagExtensible)
	} else {
		hdr = le.AppendUint16(hdr, tag)
	}
	hdr = le.AppendUint16(hdr, uint16(f.Channels))
	hdr = le.AppendUint32(hdr, uint32(f.SampleRate))
	hdr = le.AppendUint32(hdr, uint32(f.SampleRate*f.Channels*bps))
	hdr = le.AppendUint16(hdr, uint16(f.Channels*bps))
	hdr = le.AppendUint16(hdr, uint16(8*bps))
	if opt.Extensible {
		hdr = le.AppendUint16(hdr, 22)
		hdr = le.AppendUint16(hdr, uint16(8*bps))
		hdr = le.AppendUint32(hdr, 0)
		hdr = le.AppendUint16(hdr, tag)
		hdr = append(hdr, ksdataformatSubtype...)
	}
	hdr = append(hdr, "data"...)
	hdr = le.AppendUint32(hdr, uint32(dataSize))
	if _, err := bw.Write(hdr); err != nil {
		return fmt.Errorf("wavfile: writing header: %w", err)
	}
	var b [4]byte
	for _, v := range samples {
		encodeSample(b[:bps], v, opt.Encoding)
		if _, err := bw.Write(b[:bps]); err != nil {
			return fmt.Errorf("wavfile: writing samples: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("wavfile: writing samples: %w", err)
	}
	return nil
}

// WriteFile writes a complete WAV file at path (see Write).
func WriteFile(path string, f pcm.Format, samples []float32, opt WriteOptions) error {
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("wavfile: %w", err)
	}
	if err := Write(out, f, samples, opt); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("wavfile: %w", err)
	}
	return nil
}

// encodeSample writes one sample in little-endian order into b.
func encodeSample(b []byte, v float32, enc Encoding) {
	le := binary.LittleEndian
	if enc == Float32 {
		le.PutUint32(b, math.Float32bits(v))
		return
	}
	x := math.Max(-1, math.Min(1, float64(v)))
	switch enc {
	case PCM16:
		le.PutUint16(b, uint16(int16(math.Max(-32768, math.Min(32767, math.Round(x*32768))))))
	case PCM24:
		s := int32(math.Max(-8388608, math.Min(8388607, math.Round(x*8388608))))
		b[0], b[1], b[2] = byte(s), byte(s>>8), byte(s>>16)
	case PCM32:
		le.PutUint32(b, uint32(int32(math.Max(-2147483648, math.Min(2147483647, math.Round(x*2147483648))))))
	}
}
