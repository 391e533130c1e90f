package library

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// errChunkFormat is returned when chunks of one recording disagree.
var errChunkFormat = errs.New(errs.KindUnprocessable, "recording.chunkFormatMismatch",
	"the recording's chunks do not share one audio format; download them one by one with ?chunk=")

// part is one piece of a virtual file: inline bytes or a range of a stored
// file.
type part struct {
	start, size int64
	data        []byte
	rel         string
	base        int64
}

// concatFile is a read-only, seekable concatenation of parts that opens
// at most one stored file at a time (a long recording can have thousands
// of chunks). It implements ports.FileRange.
type concatFile struct {
	files ports.RecordingFiles
	parts []part
	size  int64
	pos   int64
	cur   int // the part whose file is open, or -1
	f     ports.FileRange
	fpos  int64 // the open file's position
}

func newConcatFile(files ports.RecordingFiles, parts []part) *concatFile {
	var at int64
	kept := parts[:0]
	for _, p := range parts {
		if p.size <= 0 {
			continue
		}
		p.start = at
		at += p.size
		kept = append(kept, p)
	}
	return &concatFile{files: files, parts: kept, size: at, cur: -1}
}

// Size implements ports.FileRange.
func (c *concatFile) Size() int64 { return c.size }

// Read implements io.Reader.
func (c *concatFile) Read(b []byte) (int, error) {
	if c.pos >= c.size {
		return 0, io.EOF
	}
	if len(b) == 0 {
		return 0, nil
	}
	i := sort.Search(len(c.parts), func(i int) bool { return c.parts[i].start+c.parts[i].size > c.pos })
	p := c.parts[i]
	off := c.pos - p.start
	want := min(int64(len(b)), p.size-off)
	if p.data != nil {
		n := copy(b[:want], p.data[off:])
		c.pos += int64(n)
		return n, nil
	}
	if c.cur != i {
		if err := c.closeFile(); err != nil {
			return 0, err
		}
		f, err := c.files.Open(p.rel)
		if err != nil {
			return 0, err
		}
		c.f, c.cur, c.fpos = f, i, -1
	}
	if c.fpos != p.base+off {
		if _, err := c.f.Seek(p.base+off, io.SeekStart); err != nil {
			return 0, err
		}
		c.fpos = p.base + off
	}
	n, err := c.f.Read(b[:want])
	c.pos += int64(n)
	c.fpos += int64(n)
	if errors.Is(err, io.EOF) {
		if n == 0 {
			// The file is shorter than when the parts were laid out.
			return 0, io.ErrUnexpectedEOF
		}
		err = nil
	}
	return n, err
}

// Seek implements io.Seeker.
func (c *concatFile) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += c.pos
	case io.SeekEnd:
		offset += c.size
	default:
		return c.pos, errors.New("library: invalid whence")
	}
	if offset < 0 {
		return c.pos, errors.New("library: negative position")
	}
	c.pos = offset
	return offset, nil
}

// Close implements io.Closer.
func (c *concatFile) Close() error { return c.closeFile() }

func (c *concatFile) closeFile() error {
	if c.f == nil {
		return nil
	}
	err := c.f.Close()
	c.f, c.cur = nil, -1
	return err
}

// wavLayout is where a WAV file's samples are.
type wavLayout struct {
	fmtBody []byte // the fmt chunk's body
	dataOff int64  // offset of the first sample
	dataLen int64  // bytes of whole frames
}

// readWAVLayout finds the samples of a WAV chunk file of size bytes. A
// data size of pcm.UnknownDataSize (or one past the end of the file) means
// "to the end of the file"; the length is cut to whole frames.
func readWAVLayout(f io.ReadSeeker, size int64) (wavLayout, error) {
	r, err := pcm.ReadRIFFLayout(f)
	if err != nil {
		return wavLayout{}, errs.New(errs.KindUnprocessable, "recording.chunkNotWAV", "a chunk file is not a usable WAV file: "+err.Error())
	}
	l := wavLayout{fmtBody: r.FmtBody, dataOff: r.DataOff, dataLen: int64(r.DataSize)}
	if r.DataSize == pcm.UnknownDataSize || l.dataOff+l.dataLen > size {
		l.dataLen = size - l.dataOff
	}
	if align := int64(r.BlockAlign()); align > 0 {
		l.dataLen -= l.dataLen % align
	}
	return l, nil
}

// wavParts lays out one WAV whose samples are the data of each chunk file
// in order: one header (the first chunk's fmt, every other header chunk
// dropped), then each chunk's samples after its own header.
func wavParts(files ports.RecordingFiles, rels []string, cache *layoutCache) ([]part, error) {
	var parts []part
	var fmtBody []byte
	var total int64
	for _, rel := range rels {
		l, ok := cache.get(rel)
		var err error
		if !ok {
			l, err = func() (wavLayout, error) {
				f, err := files.Open(rel)
				if err != nil {
					return wavLayout{}, err
				}
				defer f.Close()
				return readWAVLayout(f, f.Size())
			}()
			if err == nil {
				cache.put(rel, l)
			}
		}
		if err != nil {
			return nil, err
		}
		if fmtBody == nil {
			fmtBody = l.fmtBody
		} else if !bytes.Equal(fmtBody, l.fmtBody) {
			return nil, errChunkFormat
		}
		parts = append(parts, part{rel: rel, base: l.dataOff, size: l.dataLen})
		total += l.dataLen
	}
	hdr := wavHeader(fmtBody, total)
	out := append([]part{{data: hdr, size: int64(len(hdr))}}, parts...)
	if total%2 == 1 {
		out = append(out, part{data: []byte{0}, size: 1}) // RIFF pad byte
	}
	return out, nil
}

// wavHeader returns "RIFF…WAVE", the fmt chunk and the data chunk header
// for dataLen bytes of samples; both sizes are 0xFFFFFFFF when the file
// outgrows 32 bits.
func wavHeader(fmtBody []byte, dataLen int64) []byte {
	le := binary.LittleEndian
	pad := len(fmtBody) % 2
	hdr := make([]byte, 0, 28+len(fmtBody)+pad)
	hdr = append(hdr, "RIFF\x00\x00\x00\x00WAVEfmt "...)
	hdr = le.AppendUint32(hdr, uint32(len(fmtBody)))
	hdr = append(hdr, fmtBody...)
	if pad == 1 {
		hdr = append(hdr, 0)
	}
	hdr = append(hdr, "data\x00\x00\x00\x00"...)
	riff, data := uint32(pcm.UnknownDataSize), uint32(pcm.UnknownDataSize)
	if total := int64(len(hdr)) - 8 + dataLen + dataLen%2; total < pcm.UnknownDataSize {
		riff, data = uint32(total), uint32(dataLen)
	}
	le.PutUint32(hdr[4:8], riff)
	le.PutUint32(hdr[len(hdr)-4:], data)
	return hdr
}

// rawParts lays out the plain byte concatenation of the files (MP3).
// A chunk's recorded size is used as it is (the controller checked it when
// the chunk was stored); only a chunk without one is opened.
func rawParts(files ports.RecordingFiles, chunks []recording.Chunk) ([]part, error) {
	parts := make([]part, 0, len(chunks))
	for _, c := range chunks {
		rel := c.Path
		if c.SizeBytes > 0 {
			parts = append(parts, part{rel: rel, size: c.SizeBytes})
			continue
		}
		f, err := files.Open(rel)
		if err != nil {
			return nil, err
		}
		size := f.Size()
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("close %s: %w", rel, err)
		}
		parts = append(parts, part{rel: rel, size: size})
	}
	return parts, nil
}

var _ ports.FileRange = (*concatFile)(nil)
