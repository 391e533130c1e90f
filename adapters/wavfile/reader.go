package wavfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/rakkr/rakkr/domain/pcm"
)

// Info describes an opened WAV stream.
type Info struct {
	// Format is the sample rate and channel count.
	Format pcm.Format
	// Encoding is the sample encoding.
	Encoding Encoding
	// ValidBits is the number of meaningful bits per sample (equal to the
	// container size except in some WAVE_FORMAT_EXTENSIBLE files).
	ValidBits int
	// Extensible reports a WAVE_FORMAT_EXTENSIBLE header.
	Extensible bool
	// ChannelMask is the speaker mask of an extensible header, else 0.
	ChannelMask uint32
	// Frames is the number of sample frames the header declares, or −1
	// when the data size is unknown (a stream still being written).
	Frames int64
}

// Reader decodes the samples of one WAV stream.
type Reader struct {
	src       io.Reader
	closer    io.Closer
	info      Info
	frameSize int
	remaining int64  // data bytes left, −1 when unknown
	buf       []byte // ReadFrames' raw buffer
	truncated bool
}

// ksdataformatSubtype is the fixed tail (bytes 2..15) of the
// KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT GUIDs of extensible headers.
var ksdataformatSubtype = []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// Open opens a WAV file for reading; Close releases it.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wavfile: %w", err)
	}
	r, err := NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.closer = f
	return r, nil
}

// NewReader parses the header of a WAV stream and returns a Reader
// positioned at the first sample.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var riff [12]byte
	if _, err := io.ReadFull(br, riff[:]); err != nil {
		return nil, fmt.Errorf("%w: truncated header: the file is shorter than the 12-byte RIFF header", ErrMalformed)
	}
	switch string(riff[0:4]) {
	case "RIFF":
	case "RF64", "BW64":
		return nil, fmt.Errorf("%w: %s (64-bit WAV) files are not supported", ErrUnsupported, riff[0:4])
	case "RIFX":
		return nil, fmt.Errorf("%w: big-endian RIFX files are not supported", ErrUnsupported)
	default:
		return nil, fmt.Errorf("%w: not a RIFF file (starts with %q)", ErrMalformed, riff[0:4])
	}
	if string(riff[8:12]) != "WAVE" {
		return nil, fmt.Errorf("%w: RIFF file of type %q, not WAVE", ErrMalformed, riff[8:12])
	}
	rd := &Reader{src: br}
	haveFmt := false
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			if !haveFmt {
				return nil, fmt.Errorf("%w: truncated header: no fmt chunk", ErrMalformed)
			}
			return nil, fmt.Errorf("%w: truncated header: no data chunk", ErrMalformed)
		}
		id, size := string(hdr[0:4]), binary.LittleEndian.Uint32(hdr[4:8])
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return nil, fmt.Errorf("%w: fmt chunk of %d bytes (want 16..1024)", ErrMalformed, size)
			}
			body := make([]byte, size+size&1)
			if _, err := io.ReadFull(br, body); err != nil {
				return nil, fmt.Errorf("%w: truncated header: fmt chunk cut short", ErrMalformed)
			}
			if err := rd.parseFmt(body[:size]); err != nil {
				return nil, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, fmt.Errorf("%w: data chunk before fmt chunk", ErrMalformed)
			}
			rd.remaining = int64(size)
			rd.info.Frames = int64(size) / int64(rd.frameSize)
			if size == 0 || size == 0xFFFFFFFF {
				rd.remaining, rd.info.Frames = -1, -1
			}
			return rd, nil
		default:
			if _, err := io.CopyN(io.Discard, br, int64(size)+int64(size&1)); err != nil {
				return nil, fmt.Errorf("%w: truncated header: %q chunk cut short", ErrMalformed, id)
			}
		}
	}
}

// parseFmt validates a fmt chunk and fills in the stream description.
func (rd *Reader) parseFmt(b []byte) error {
	le := binary.LittleEndian
	tag := le.Uint16(b[0:2])
	channels := int(le.Uint16(b[2:4]))
	rate := int(le.Uint32(b[4:8]))
	blockAlign := int(le.Uint16(b[12:14]))
	bits := int(le.Uint16(b[14:16]))
	valid := bits
	if tag == tagExtensible {
		if len(b) < 40 || le.Uint16(b[16:18]) < 22 {
			return fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE header of %d bytes (want 40)", ErrMalformed, len(b))
		}
		valid = int(le.Uint16(b[18:20]))
		rd.info.ChannelMask = le.Uint32(b[20:24])
		guid := b[24:40]
		if !bytes.Equal(guid[2:], ksdataformatSubtype) {
			return fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE sub-format %X is not PCM or IEEE float", ErrUnsupported, guid)
		}
		tag = le.Uint16(guid[0:2])
		rd.info.Extensible = true
		if valid == 0 || valid > bits {
			valid = bits
		}
	}
	enc, err := encodingFor(tag, bits)
	if err != nil {
		return err
	}
	f := pcm.Format{SampleRate: rate, Channels: channels}
	if err := f.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if want := channels * enc.BytesPerSample(); blockAlign != want {
		return fmt.Errorf("%w: block align %d for %d channels of %s (want %d)", ErrMalformed, blockAlign, channels, enc, want)
	}
	rd.info.Format, rd.info.Encoding, rd.info.ValidBits = f, enc, valid
	rd.frameSize = blockAlign
	return nil
}

// Info describes the stream.
func (rd *Reader) Info() Info { return rd.info }

// Format returns the sample rate and channel count.
func (rd *Reader) Format() pcm.Format { return rd.info.Format }

// Truncated reports whether the data ended before the size the header
// declares (a recorder that died mid-write); the samples up to the cut are
// still returned.
func (rd *Reader) Truncated() bool { return rd.truncated }

// ReadFrames decodes up to len(dst)/channels sample frames into dst
// (interleaved) and returns how many it decoded. At the end of the data it
// returns 0, io.EOF.
func (rd *Reader) ReadFrames(dst []float32) (int, error) {
	var frames int
	var err error
	rd.buf, frames, err = rd.ReadRaw(rd.buf, len(dst)/rd.info.Format.Channels)
	if frames == 0 {
		return 0, err
	}
	decode(dst[:frames*rd.info.Format.Channels], rd.buf[:frames*rd.frameSize], rd.info.Encoding)
	return frames, nil
}

// ReadRaw reads up to n sample frames of undecoded little-endian data into
// buf (grown when too small) and returns it with the number of frames read;
// DecodeRaw converts it later, possibly on other goroutines. At the end of
// the data it returns 0 frames and io.EOF.
func (rd *Reader) ReadRaw(buf []byte, n int) ([]byte, int, error) {
	want := n
	if rd.remaining >= 0 {
		want = int(min(int64(want), rd.remaining/int64(rd.frameSize)))
	}
	if want <= 0 {
		return buf, 0, io.EOF
	}
	need := want * rd.frameSize
	if cap(buf) < need {
		buf = make([]byte, need)
	}
	buf = buf[:need]
	got, err := io.ReadFull(rd.src, buf)
	frames := got / rd.frameSize
	if err != nil {
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return buf, 0, fmt.Errorf("wavfile: reading samples: %w", err)
		}
		if rd.remaining >= 0 {
			rd.truncated = true
		}
		rd.remaining = 0
		if frames == 0 {
			return buf, 0, io.EOF
		}
	} else if rd.remaining > 0 {
		rd.remaining -= int64(need)
	}
	return buf[:frames*rd.frameSize], frames, nil
}

// DecodeRaw writes channel c of sample frames [from, to) of a block read by
// ReadRaw into dst[:to-from]. It only reads raw and dst, so calls may run
// concurrently.
func (rd *Reader) DecodeRaw(raw []byte, c, from, to int, dst []float32) {
	if to <= from {
		return
	}
	bps := rd.info.Encoding.BytesPerSample()
	stride := rd.frameSize
	b := raw[from*stride+c*bps : (to-1)*stride+c*bps+bps]
	dst = dst[:to-from]
	switch rd.info.Encoding {
	case PCM16:
		if stride == 4 {
			for i := range dst {
				v := b[4*i : 4*i+2 : 4*i+2]
				dst[i] = float32(int16(uint16(v[0])|uint16(v[1])<<8)) * (1.0 / 32768)
			}
			return
		}
		for i := range dst {
			v := b[i*stride : i*stride+2 : i*stride+2]
			dst[i] = float32(int16(uint16(v[0])|uint16(v[1])<<8)) * (1.0 / 32768)
		}
	case PCM24:
		for i := range dst {
			v := b[i*stride : i*stride+3 : i*stride+3]
			dst[i] = float32(int32(uint32(v[0])<<8|uint32(v[1])<<16|uint32(v[2])<<24)>>8) * (1.0 / 8388608)
		}
	default: // 32-bit encodings
		for i := range dst {
			decode(dst[i:i+1], b[i*stride:i*stride+4], rd.info.Encoding)
		}
	}
}

// Close closes the underlying file when the Reader was made by Open.
func (rd *Reader) Close() error {
	if rd.closer == nil {
		return nil
	}
	return rd.closer.Close()
}

// decode converts little-endian samples in b into dst.
func decode(dst []float32, b []byte, enc Encoding) {
	switch enc {
	case PCM16:
		b = b[:2*len(dst)]
		for i := range dst {
			dst[i] = float32(int16(uint16(b[2*i])|uint16(b[2*i+1])<<8)) * (1.0 / 32768)
		}
	case PCM24:
		b = b[:3*len(dst)]
		for i := range dst {
			v := int32(uint32(b[3*i])<<8|uint32(b[3*i+1])<<16|uint32(b[3*i+2])<<24) >> 8
			dst[i] = float32(v) * (1.0 / 8388608)
		}
	case PCM32:
		b = b[:4*len(dst)]
		for i := range dst {
			dst[i] = float32(float64(int32(binary.LittleEndian.Uint32(b[4*i:]))) * (1.0 / 2147483648))
		}
	case Float32:
		b = b[:4*len(dst)]
		for i := range dst {
			v := math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			if v != v { // NaN would poison every statistic of the frame
				v = 0
			}
			dst[i] = v
		}
	}
}
