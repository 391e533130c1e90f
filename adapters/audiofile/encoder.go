// Package audiofile reads and writes the audio files of recordings: WAV
// (16/24-bit integer PCM, streamed), FLAC (github.com/mewkiz/flac), MP3 (the
// lame command to write, github.com/hajimehoshi/go-mp3 to read), the 32-bit
// float WAV raw masters the agent records into, and the assembly of chunk
// files into one file. Every file is written to dst+".tmp", synced and
// renamed, so a failure never leaves a half-written dst.
package audiofile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/rakkr/rakkr/ports"
)

// blockFrames is the number of frames read from a source at a time (and the
// FLAC block size).
const blockFrames = 4096

// Encoder writes WAV, FLAC and MP3 files.
type Encoder struct {
	// LamePath is the lame command used for MP3; empty means "lame" looked
	// up in PATH.
	LamePath string
}

// NewEncoder returns an Encoder that finds lame in PATH.
func NewEncoder() *Encoder { return &Encoder{} }

// Encode reads src to its end and writes dst as opt.Codec. The file is
// written to dst+".tmp", synced and renamed to dst; on failure the temporary
// file is removed and dst is not created (an existing dst is left as it was).
func (e *Encoder) Encode(ctx context.Context, dst string, src ports.PCMReader, opt ports.EncodeOptions) (ports.EncodeResult, error) {
	f := src.Format()
	if err := f.Validate(); err != nil {
		return ports.EncodeResult{}, fmt.Errorf("audiofile: encoding %s: %w", dst, err)
	}
	if err := ctx.Err(); err != nil {
		return ports.EncodeResult{}, fmt.Errorf("audiofile: encoding %s: %w", dst, err)
	}
	tmp := dst + ".tmp"
	var frames int64
	var err error
	switch opt.Codec {
	case ports.CodecWAV, ports.CodecFLAC:
		bits, berr := bitDepth(opt)
		if berr != nil {
			return ports.EncodeResult{}, fmt.Errorf("audiofile: encoding %s: %w", dst, berr)
		}
		if opt.Codec == ports.CodecFLAC && f.Channels > 8 {
			return ports.EncodeResult{}, fmt.Errorf("audiofile: encoding %s: FLAC holds at most 8 channels, the source has %d", dst, f.Channels)
		}
		frames, err = writeTmp(tmp, func(out *os.File) (int64, error) {
			if opt.Codec == ports.CodecWAV {
				return encodeWAV(ctx, out, src, bits)
			}
			return encodeFLAC(ctx, out, src, bits)
		})
	case ports.CodecMP3:
		frames, err = e.encodeMP3(ctx, tmp, src, opt)
	default:
		return ports.EncodeResult{}, fmt.Errorf("audiofile: encoding %s: unknown codec %q (want wav, flac or mp3)", dst, opt.Codec)
	}
	if err != nil {
		os.Remove(tmp)
		return ports.EncodeResult{}, fmt.Errorf("audiofile: encoding %s as %s: %w", dst, opt.Codec, err)
	}
	res, err := commit(tmp, dst)
	if err != nil {
		return ports.EncodeResult{}, fmt.Errorf("audiofile: encoding %s: %w", dst, err)
	}
	res.Frames = frames
	return res, nil
}

// bitDepth returns the integer sample size chosen by opt (16 by default).
func bitDepth(opt ports.EncodeOptions) (int, error) {
	switch opt.BitDepth {
	case 0, 16:
		return 16, nil
	case 24:
		return 24, nil
	}
	return 0, fmt.Errorf("bit depth %d is not supported (want 16 or 24)", opt.BitDepth)
}

// writeTmp creates tmp, lets write fill it and closes it; on failure the
// caller removes tmp.
func writeTmp(tmp string, write func(*os.File) (int64, error)) (int64, error) {
	out, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := write(out)
	if cerr := out.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return n, err
}

// commit hashes and syncs tmp, renames it to dst and syncs the directory.
// On failure neither tmp nor dst is left behind.
func commit(tmp, dst string) (ports.EncodeResult, error) {
	res, err := hashAndSync(tmp)
	if err != nil {
		os.Remove(tmp)
		return res, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return res, err
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		os.Remove(dst)
		return res, err
	}
	return res, nil
}

// hashAndSync returns the size and SHA-256 of path after syncing it to disk.
func hashAndSync(path string) (ports.EncodeResult, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return ports.EncodeResult{}, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return ports.EncodeResult{}, fmt.Errorf("syncing %s: %w", path, err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return ports.EncodeResult{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	return ports.EncodeResult{SizeBytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}

// readBlock reads from src until buf holds len(buf)/channels frames or the
// stream ends; it returns the frames read and io.EOF once nothing is left.
func readBlock(ctx context.Context, src ports.PCMReader, buf []float32, channels int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	want := len(buf) / channels
	got := 0
	for got < want {
		n, err := src.ReadFrames(buf[got*channels:])
		got += n
		if errors.Is(err, io.EOF) {
			if got == 0 {
				return 0, io.EOF
			}
			return got, nil
		}
		if err != nil {
			return got, fmt.Errorf("reading source: %w", err)
		}
		if n == 0 {
			return got, fmt.Errorf("reading source: no progress without end of stream")
		}
	}
	return got, nil
}

// quantise converts a sample normalised to ±1 into a signed integer of bits
// bits, clipping and rounding (NaN becomes 0).
func quantise(v float32, bits int) int32 {
	x := float64(v)
	if x != x {
		return 0
	}
	full := float64(int64(1) << (bits - 1))
	x = math.Round(math.Max(-1, math.Min(1, x)) * full)
	return int32(math.Max(-full, math.Min(full-1, x)))
}

var _ ports.AudioEncoder = (*Encoder)(nil)
