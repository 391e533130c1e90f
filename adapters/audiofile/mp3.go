package audiofile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/hajimehoshi/go-mp3"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// vbrQuality maps a target bitrate to a lame -V quality (0 best … 9).
func vbrQuality(kbps int) int {
	for i, floor := range []int{245, 225, 190, 175, 165, 128, 112, 96, 80} {
		if kbps >= floor {
			return i
		}
	}
	return 9
}

// lameArgs returns the lame arguments that read raw 16-bit PCM of f from
// stdin and write dst.
func lameArgs(f pcm.Format, opt ports.EncodeOptions, dst string) []string {
	khz := strconv.FormatFloat(float64(f.SampleRate)/1000, 'f', -1, 64)
	args := []string{"--quiet", "-r", "-s", khz, "--bitwidth", "16", "--signed", "--little-endian"}
	if f.Channels == 1 {
		args = append(args, "-m", "m")
	} else {
		args = append(args, "-m", "j")
	}
	if opt.VBR {
		args = append(args, "-V", strconv.Itoa(vbrQuality(opt.BitrateKbps)))
	} else {
		kbps := opt.BitrateKbps
		if kbps == 0 {
			kbps = 128
		}
		args = append(args, "-b", strconv.Itoa(kbps))
	}
	return append(args, "-", dst)
}

// lamePath finds the lame command.
func (e *Encoder) lamePath() (string, error) {
	name := e.LamePath
	if name == "" {
		name = "lame"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("MP3 encoding needs the lame command, which was not found (%v): install the Debian package lame (apt-get install lame)", err)
	}
	return path, nil
}

// encodeMP3 pipes src as 16-bit PCM into lame, which writes tmp. lame is
// killed when ctx is cancelled.
func (e *Encoder) encodeMP3(ctx context.Context, tmp string, src ports.PCMReader, opt ports.EncodeOptions) (int64, error) {
	f := src.Format()
	if f.Channels > 2 {
		return 0, fmt.Errorf("MP3 holds mono or stereo, the source has %d channels (mix it down first)", f.Channels)
	}
	lame, err := e.lamePath()
	if err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, lame, lameArgs(f, opt, tmp)...)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 4 << 10}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting lame: %w", err)
	}
	frames, feedErr := feedPCM16(ctx, stdin, src)
	if cerr := stdin.Close(); feedErr == nil && cerr != nil {
		feedErr = cerr
	}
	if feedErr != nil && !errors.Is(feedErr, errLameGone) {
		cmd.Cancel() // a failing source must not leave lame waiting
	}
	waitErr := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return frames, ctx.Err()
	case feedErr != nil && !errors.Is(feedErr, errLameGone):
		return frames, feedErr
	case waitErr != nil:
		return frames, fmt.Errorf("lame failed: %v: %s", waitErr, strings.TrimSpace(stderr.String()))
	case feedErr != nil:
		return frames, feedErr
	}
	return frames, nil
}

// errLameGone marks a write to lame's stdin that failed because lame exited.
var errLameGone = errors.New("lame stopped reading its input")

// feedPCM16 writes src to w as interleaved little-endian 16-bit samples.
func feedPCM16(ctx context.Context, w io.Writer, src ports.PCMReader) (int64, error) {
	ch := src.Format().Channels
	bw := bufio.NewWriterSize(w, 64<<10)
	buf := make([]float32, blockFrames*ch)
	raw := make([]byte, len(buf)*2)
	var frames int64
	for {
		n, err := readBlock(ctx, src, buf, ch)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return frames, err
		}
		b := raw[:n*ch*2]
		putPCM(b, buf[:n*ch], 16)
		if _, err := bw.Write(b); err != nil {
			return frames, fmt.Errorf("%w: %v", errLameGone, err)
		}
		frames += int64(n)
	}
	if err := bw.Flush(); err != nil {
		return frames, fmt.Errorf("%w: %v", errLameGone, err)
	}
	return frames, nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

// Write keeps what fits and reports everything written.
func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// mp3Reader decodes an MP3 file (always 16-bit stereo, as go-mp3 yields).
type mp3Reader struct {
	file *os.File
	dec  *mp3.Decoder
	raw  []byte
	rate int
}

// openMP3 opens the MP3 file f.
func openMP3(f *os.File) (*mp3Reader, error) {
	// A plain reader (not the *os.File) keeps go-mp3 from scanning the
	// whole file for its length up front.
	dec, err := mp3.NewDecoder(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("reading the MP3 stream: %w", err)
	}
	format := pcm.Format{SampleRate: dec.SampleRate(), Channels: 2}
	if err := format.Validate(); err != nil {
		return nil, fmt.Errorf("MP3 stream: %w", err)
	}
	return &mp3Reader{file: f, dec: dec, rate: dec.SampleRate()}, nil
}

// Format returns the sample rate and 2 channels.
func (r *mp3Reader) Format() pcm.Format { return pcm.Format{SampleRate: r.rate, Channels: 2} }

// ReadFrames decodes up to len(dst)/2 frames into dst.
func (r *mp3Reader) ReadFrames(dst []float32) (int, error) {
	want := len(dst) / 2
	if want == 0 {
		return 0, nil
	}
	if cap(r.raw) < want*4 {
		r.raw = make([]byte, want*4)
	}
	raw := r.raw[:want*4]
	n, err := io.ReadFull(r.dec, raw)
	frames := n / 4
	for i := 0; i < frames*2; i++ {
		dst[i] = float32(int16(binary.LittleEndian.Uint16(raw[2*i:]))) * (1.0 / 32768)
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return frames, fmt.Errorf("audiofile: decoding MP3: %w", err)
	}
	if frames == 0 && err != nil {
		return 0, io.EOF
	}
	return frames, nil
}

// Close releases the file.
func (r *mp3Reader) Close() error { return r.file.Close() }

var _ ports.DecodedAudio = (*mp3Reader)(nil)
