package pcm

import (
	"encoding/binary"
	"errors"
	"io"
)

// UnknownDataSize is the data size a WAV header declares when the writer
// did not know it (a stream, or a file over 4 GiB).
const UnknownDataSize = 0xFFFFFFFF

// RIFFLayout is where a WAV file's samples are, as its header says.
type RIFFLayout struct {
	// FmtBody is the fmt chunk's body (16 to 1024 bytes).
	FmtBody []byte
	// DataOff is the offset of the first sample.
	DataOff int64
	// DataSize is the size the data chunk declares (UnknownDataSize when
	// the writer did not know it; it may also run past the file's end).
	DataSize uint32
}

// BlockAlign is the bytes per frame the fmt chunk declares.
func (l RIFFLayout) BlockAlign() int { return int(binary.LittleEndian.Uint16(l.FmtBody[12:14])) }

// ReadRIFFLayout walks the RIFF chunks of r up to its data chunk. The
// error says what is wrong with the file in a few words; callers wrap it.
func ReadRIFFLayout(r io.ReadSeeker) (RIFFLayout, error) {
	var l RIFFLayout
	var head [12]byte
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return l, err
	}
	if _, err := io.ReadFull(r, head[:]); err != nil || string(head[0:4]) != "RIFF" || string(head[8:12]) != "WAVE" {
		return l, errors.New("no RIFF/WAVE header")
	}
	off := int64(12)
	for {
		var ch [8]byte
		if _, err := r.Seek(off, io.SeekStart); err != nil {
			return l, err
		}
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return l, errors.New("no data chunk")
		}
		id, n := string(ch[0:4]), binary.LittleEndian.Uint32(ch[4:8])
		off += 8
		switch id {
		case "fmt ":
			if n < 16 || n > 1024 {
				return l, errors.New("fmt chunk of an unexpected size")
			}
			l.FmtBody = make([]byte, n)
			if _, err := io.ReadFull(r, l.FmtBody); err != nil {
				return l, errors.New("fmt chunk cut short")
			}
		case "data":
			if l.FmtBody == nil {
				return l, errors.New("data chunk before the fmt chunk")
			}
			l.DataOff, l.DataSize = off, n
			return l, nil
		}
		off += int64(n) + int64(n&1)
	}
}
