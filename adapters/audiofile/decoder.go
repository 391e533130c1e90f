package audiofile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/ports"
)

// Decoder opens WAV, FLAC and MP3 files, told apart by their first bytes.
type Decoder struct{}

// NewDecoder returns a Decoder.
func NewDecoder() *Decoder { return &Decoder{} }

// kind is a sniffed file type.
type kind int

// The file types the Decoder reads.
const (
	kindUnknown kind = iota
	kindWAV
	kindFLAC
	kindMP3
)

// OpenAudioFile opens path for decoding. WAV goes through adapters/wavfile,
// FLAC through mewkiz/flac and MP3 through go-mp3 (which always yields 2
// channels). Anything else is refused with an error naming what was found.
func (d *Decoder) OpenAudioFile(path string) (ports.DecodedAudio, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audiofile: %w", err)
	}
	k, what, err := sniff(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audiofile: %s: %w", path, err)
	}
	if k == kindWAV {
		f.Close()
		r, err := wavfile.Open(path)
		if err != nil {
			return nil, fmt.Errorf("audiofile: %w", err)
		}
		return r, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("audiofile: %s: %w", path, err)
	}
	var r ports.DecodedAudio
	switch k {
	case kindFLAC:
		r, err = openFLAC(f)
	case kindMP3:
		r, err = openMP3(f)
	default:
		err = fmt.Errorf("not a WAV, FLAC or MP3 file: found %s", what)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audiofile: %s: %w", path, err)
	}
	return r, nil
}

// sniff reads the start of f (skipping ID3v2 tags) and returns its type,
// or a description of what it found instead.
func sniff(f *os.File) (kind, string, error) {
	var off int64
	var id3 bool
	for {
		head := make([]byte, 12)
		n, err := f.ReadAt(head, off)
		if err != nil && err != io.EOF {
			return kindUnknown, "", err
		}
		head = head[:n]
		if n >= 10 && string(head[:3]) == "ID3" {
			size := int64(head[6]&0x7f)<<21 | int64(head[7]&0x7f)<<14 | int64(head[8]&0x7f)<<7 | int64(head[9]&0x7f)
			off += 10 + size
			if head[5]&0x10 != 0 { // footer present
				off += 10
			}
			id3 = true
			continue
		}
		switch {
		case n >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WAVE" && !id3:
			return kindWAV, "", nil
		case n >= 4 && string(head[:4]) == "fLaC":
			return kindFLAC, "", nil
		case isMP3Sync(head):
			return kindMP3, "", nil
		case id3 && n == 0:
			return kindUnknown, "an ID3 tag with no audio after it", nil
		}
		return kindUnknown, describe(head, off), nil
	}
}

// isMP3Sync reports whether b starts with an MPEG audio frame header.
func isMP3Sync(b []byte) bool {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return false
	}
	version, layer := b[1]>>3&3, b[1]>>1&3
	bitrate, rate := b[2]>>4, b[2]>>2&3
	return version != 1 && layer != 0 && bitrate != 0xF && rate != 3
}

// magics names common non-audio or unsupported file signatures.
var magics = []struct{ prefix, name string }{
	{"RIFF", "a RIFF file that is not WAVE"},
	{"RF64", "an RF64 (64-bit WAV) file, which is not supported"},
	{"OggS", "an Ogg file (Vorbis/Opus/FLAC-in-Ogg are not supported)"},
	{"FORM", "an AIFF/IFF file, which is not supported"},
	{"\x89PNG", "a PNG image"},
	{"\xFF\xD8\xFF", "a JPEG image"},
	{"%PDF", "a PDF document"},
	{"PK\x03\x04", "a ZIP archive"},
	{"\x1F\x8B", "a gzip file"},
}

// describe says what the first bytes b (at offset off) look like.
func describe(b []byte, off int64) string {
	if len(b) == 0 {
		if off == 0 {
			return "an empty file"
		}
		return fmt.Sprintf("nothing after byte %d", off)
	}
	if len(b) >= 8 && string(b[4:8]) == "ftyp" {
		return "an MP4/M4A (ISO media) file, which is not supported"
	}
	for _, m := range magics {
		if bytes.HasPrefix(b, []byte(m.prefix)) {
			return fmt.Sprintf("%s (starts with %q)", m.name, b)
		}
	}
	text := strings.IndexFunc(string(b), func(r rune) bool {
		return r == unicode.ReplacementChar || (!unicode.IsPrint(r) && !unicode.IsSpace(r))
	}) < 0
	if text {
		return fmt.Sprintf("text (starts with %q)", b)
	}
	return fmt.Sprintf("unknown content (first bytes % x)", b)
}

var _ ports.AudioDecoder = (*Decoder)(nil)
