package audiofile

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// WAVE format tags.
const (
	tagPCM        = 0x0001
	tagFloat      = 0x0003
	tagExtensible = 0xFFFE
)

// unknownSize is the RIFF/data size written when the data outgrows 32 bits;
// readers (adapters/wavfile among them) then read the data to the end.
const unknownSize = 0xFFFFFFFF

// wavHeader returns a WAV header for f with the given format tag and bits
// per sample (WAVE_FORMAT_EXTENSIBLE when extensible), declaring dataSize
// bytes of samples. The data size field is the header's last four bytes.
func wavHeader(f pcm.Format, tag uint16, bits int, extensible bool, dataSize int64) []byte {
	le := binary.LittleEndian
	fmtSize := 16
	if extensible {
		fmtSize = 40
	}
	bps := bits / 8
	hdr := make([]byte, 0, 20+fmtSize+8)
	hdr = append(hdr, "RIFF\x00\x00\x00\x00WAVEfmt "...)
	hdr = le.AppendUint32(hdr, uint32(fmtSize))
	if extensible {
		hdr = le.AppendUint16(hdr, tagExtensible)
	} else {
		hdr = le.AppendUint16(hdr, tag)
	}
	hdr = le.AppendUint16(hdr, uint16(f.Channels))
	hdr = le.AppendUint32(hdr, uint32(f.SampleRate))
	hdr = le.AppendUint32(hdr, uint32(f.SampleRate*f.Channels*bps))
	hdr = le.AppendUint16(hdr, uint16(f.Channels*bps))
	hdr = le.AppendUint16(hdr, uint16(bits))
	if extensible {
		hdr = le.AppendUint16(hdr, 22)
		hdr = le.AppendUint16(hdr, uint16(bits))
		hdr = le.AppendUint32(hdr, 0) // no speaker positions
		hdr = le.AppendUint16(hdr, tag)
		hdr = append(hdr, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71)
	}
	hdr = append(hdr, "data\x00\x00\x00\x00"...)
	setWAVSizes(hdr, dataSize)
	return hdr
}

// setWAVSizes fills in the RIFF and data sizes of a header built by
// wavHeader (unknownSize for both when they do not fit 32 bits).
func setWAVSizes(hdr []byte, dataSize int64) {
	riff, data := wavSizes(int64(len(hdr)), dataSize)
	binary.LittleEndian.PutUint32(hdr[4:8], riff)
	binary.LittleEndian.PutUint32(hdr[len(hdr)-4:], data)
}

// wavSizes returns the RIFF and data size fields of a WAV file whose
// samples start at dataOff and take dataSize bytes (unknownSize for both
// when they do not fit 32 bits).
func wavSizes(dataOff, dataSize int64) (riff, data uint32) {
	if total := dataOff - 8 + dataSize; total < unknownSize {
		return uint32(total), uint32(dataSize)
	}
	return unknownSize, unknownSize
}

// encodeWAV streams src into out as bits-bit integer PCM (a
// WAVE_FORMAT_EXTENSIBLE header for more than two channels or 24 bits) and
// rewrites the header sizes at the end.
func encodeWAV(ctx context.Context, out *os.File, src ports.PCMReader, bits int) (int64, error) {
	f := src.Format()
	hdr := wavHeader(f, tagPCM, bits, f.Channels > 2 || bits > 16, 0)
	bw := bufio.NewWriterSize(out, 256<<10)
	if _, err := bw.Write(hdr); err != nil {
		return 0, err
	}
	bps := bits / 8
	limit := int64(unknownSize) - int64(len(hdr)) // largest RIFF-sized file
	buf := make([]float32, blockFrames*f.Channels)
	raw := make([]byte, len(buf)*bps)
	var frames, data int64
	for {
		n, err := readBlock(ctx, src, buf, f.Channels)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return frames, err
		}
		b := raw[:n*f.Channels*bps]
		putPCM(b, buf[:n*f.Channels], bits)
		if data += int64(len(b)); data > limit {
			return frames, fmt.Errorf("more than %d bytes of samples do not fit a WAV file", limit)
		}
		if _, err := bw.Write(b); err != nil {
			return frames, err
		}
		frames += int64(n)
	}
	if err := bw.Flush(); err != nil {
		return frames, err
	}
	setWAVSizes(hdr, data)
	if _, err := out.WriteAt(hdr, 0); err != nil {
		return frames, fmt.Errorf("rewriting the WAV header: %w", err)
	}
	return frames, nil
}

// putPCM writes samples into b as little-endian bits-bit integers.
func putPCM(b []byte, samples []float32, bits int) {
	if bits == 16 {
		for i, v := range samples {
			binary.LittleEndian.PutUint16(b[2*i:], uint16(quantise(v, 16)))
		}
		return
	}
	for i, v := range samples {
		s := quantise(v, 24)
		b[3*i], b[3*i+1], b[3*i+2] = byte(s), byte(s>>8), byte(s>>16)
	}
}

// putFloat writes samples into b as little-endian IEEE 754 floats.
func putFloat(b []byte, samples []float32) {
	for i, v := range samples {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
}

var _ ports.AudioEncoder = (*Encoder)(nil)
