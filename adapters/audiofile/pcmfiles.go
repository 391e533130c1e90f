package audiofile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// PCMFiles creates, reopens and repairs raw masters: 32-bit IEEE float WAV
// files whose data chunk is the last chunk, with a header rewritten on
// every Sync.
type PCMFiles struct{}

// NewPCMFiles returns a PCMFiles.
func NewPCMFiles() *PCMFiles { return &PCMFiles{} }

// CreatePCM creates (truncating) a raw master of format f at path. Its
// header declares no data (read as "unknown size") until the first Sync.
func (*PCMFiles) CreatePCM(path string, f pcm.Format) (ports.PCMFile, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("audiofile: creating %s: %w", path, err)
	}
	out, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("audiofile: %w", err)
	}
	hdr := wavHeader(f, tagFloat, 32, false, 0)
	if _, err := out.Write(hdr); err != nil {
		out.Close()
		os.Remove(path)
		return nil, fmt.Errorf("audiofile: writing the header of %s: %w", path, err)
	}
	return &pcmFile{file: out, bw: bufio.NewWriterSize(out, 256<<10), hdr: hdr, channels: f.Channels}, nil
}

// pcmFile is a raw master being written.
type pcmFile struct {
	mu       sync.Mutex
	file     *os.File
	bw       *bufio.Writer
	hdr      []byte
	raw      []byte
	channels int
	frames   int64
	closed   bool
	err      error // the first write failure; every later call returns it
}

// Write appends interleaved frames (len a multiple of the channels).
func (p *pcmFile) Write(samples []float32) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.usable(); err != nil {
		return err
	}
	if len(samples)%p.channels != 0 {
		return fmt.Errorf("audiofile: %d samples is not a whole number of %d-channel frames", len(samples), p.channels)
	}
	if cap(p.raw) < 4*len(samples) {
		p.raw = make([]byte, 4*len(samples))
	}
	b := p.raw[:4*len(samples)]
	putFloat(b, samples)
	if _, err := p.bw.Write(b); err != nil {
		p.err = fmt.Errorf("audiofile: writing %s: %w", p.file.Name(), err)
		return p.err
	}
	p.frames += int64(len(samples) / p.channels)
	return nil
}

// Frames returns the frames written so far.
func (p *pcmFile) Frames() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frames
}

// Sync flushes the buffered samples, rewrites the header sizes and syncs
// the file to disk.
func (p *pcmFile) Sync() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.usable(); err != nil {
		return err
	}
	return p.sync()
}

// sync does Sync's work with p.mu held.
func (p *pcmFile) sync() error {
	if err := p.bw.Flush(); err != nil {
		p.err = fmt.Errorf("audiofile: writing %s: %w", p.file.Name(), err)
		return p.err
	}
	setWAVSizes(p.hdr, p.frames*int64(p.channels)*4)
	if _, err := p.file.WriteAt(p.hdr, 0); err != nil {
		p.err = fmt.Errorf("audiofile: rewriting the header of %s: %w", p.file.Name(), err)
		return p.err
	}
	if err := p.file.Sync(); err != nil {
		p.err = fmt.Errorf("audiofile: syncing %s: %w", p.file.Name(), err)
		return p.err
	}
	return nil
}

// Close syncs and closes the file; later calls return an error.
func (p *pcmFile) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return fmt.Errorf("audiofile: %s: %w", p.file.Name(), os.ErrClosed)
	}
	p.closed = true
	err := p.err
	if err == nil {
		err = p.sync()
	}
	if cerr := p.file.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("audiofile: closing %s: %w", p.file.Name(), cerr)
	}
	return err
}

// usable returns why p can no longer be written, if it cannot.
func (p *pcmFile) usable() error {
	if p.closed {
		return fmt.Errorf("audiofile: %s: %w", p.file.Name(), os.ErrClosed)
	}
	return p.err
}

// OpenPCM opens a raw master for reading. When the header declares less
// data than the file holds (or an unknown size), as after a crash before
// the last Sync, the samples are read to the last whole frame on disk.
func (*PCMFiles) OpenPCM(path string) (ports.DecodedAudio, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audiofile: %w", err)
	}
	r, err := openPCM(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audiofile: %s: %w", path, err)
	}
	return r, nil
}

// pcmReader is an open raw master.
type pcmReader struct {
	*wavfile.Reader
	file *os.File
}

// Close releases the file.
func (r *pcmReader) Close() error { return r.file.Close() }

// openPCM parses the header of f and returns a reader of its samples.
func openPCM(f *os.File) (*pcmReader, error) {
	l, err := riffLayout(f)
	if err != nil {
		return nil, err
	}
	onDisk := l.size - l.dataOff
	var src io.Reader = io.NewSectionReader(f, 0, l.size)
	if l.dataSize == 0 || l.dataSize == unknownSize || int64(l.dataSize) < onDisk {
		// Present the data size as unknown: wavfile then reads to the end
		// of the file and drops a trailing partial frame.
		hdr := make([]byte, l.dataOff)
		if _, err := f.ReadAt(hdr, 0); err != nil {
			return nil, err
		}
		binary.LittleEndian.PutUint32(hdr[l.dataOff-4:], unknownSize)
		src = io.MultiReader(bytes.NewReader(hdr), io.NewSectionReader(f, l.dataOff, onDisk))
	}
	r, err := wavfile.NewReader(src)
	if err != nil {
		return nil, err
	}
	return &pcmReader{Reader: r, file: f}, nil
}

// RepairPCM rewrites the header of a raw master left by a crash to cover
// every whole frame on disk (a trailing partial frame is cut off), syncs it
// and returns the frame count.
func (*PCMFiles) RepairPCM(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("audiofile: %w", err)
	}
	defer f.Close()
	l, err := riffLayout(f)
	if err != nil {
		return 0, fmt.Errorf("audiofile: %s: %w", path, err)
	}
	data := (l.size - l.dataOff) / int64(l.blockAlign) * int64(l.blockAlign)
	if l.dataOff+data != l.size {
		if err := f.Truncate(l.dataOff + data); err != nil {
			return 0, fmt.Errorf("audiofile: %s: cutting a partial frame: %w", path, err)
		}
	}
	riff, size := wavSizes(l.dataOff, data)
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], riff)
	if _, err := f.WriteAt(b[:], 4); err != nil {
		return 0, fmt.Errorf("audiofile: %s: %w", path, err)
	}
	binary.LittleEndian.PutUint32(b[:], size)
	if _, err := f.WriteAt(b[:], l.dataOff-4); err != nil {
		return 0, fmt.Errorf("audiofile: %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("audiofile: syncing %s: %w", path, err)
	}
	return data / int64(l.blockAlign), nil
}

// layout locates the data chunk of a WAV file.
type layout struct {
	size       int64  // file size
	dataOff    int64  // offset of the first sample
	dataSize   uint32 // data size the header declares
	blockAlign int    // bytes per frame
}

// errNotWAV is wrapped by riffLayout's errors.
var errNotWAV = errors.New("not a usable raw master WAV file")

// riffLayout walks the chunks of f up to its data chunk.
func riffLayout(f *os.File) (layout, error) {
	st, err := f.Stat()
	if err != nil {
		return layout{}, err
	}
	r, err := pcm.ReadRIFFLayout(f)
	if err != nil {
		return layout{}, fmt.Errorf("%w: %v", errNotWAV, err)
	}
	l := layout{size: st.Size(), dataOff: r.DataOff, dataSize: r.DataSize, blockAlign: r.BlockAlign()}
	if l.blockAlign <= 0 {
		return l, fmt.Errorf("%w: fmt chunk without a block alignment", errNotWAV)
	}
	return l, nil
}

var _ ports.PCMFiles = (*PCMFiles)(nil)
