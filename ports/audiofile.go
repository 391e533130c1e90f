package ports

import (
	"context"

	"github.com/rakkr/rakkr/domain/pcm"
)

// Codec names an encoded audio file type.
type Codec string

// The codecs Rakkr writes.
const (
	CodecWAV  Codec = "wav"
	CodecFLAC Codec = "flac"
	CodecMP3  Codec = "mp3"
)

// Extension returns the file name extension of the codec (".wav" …).
func (c Codec) Extension() string { return "." + string(c) }

// PCMReader yields interleaved float32 frames normalised to ±1.
type PCMReader interface {
	// Format returns the stream's sample rate and channel count.
	Format() pcm.Format
	// ReadFrames decodes up to len(dst)/channels frames into dst and returns
	// how many it decoded; at the end it returns 0, io.EOF.
	ReadFrames(dst []float32) (int, error)
}

// DecodedAudio is an open, decoded audio file.
type DecodedAudio interface {
	PCMReader
	// Close releases the file.
	Close() error
}

// EncodeOptions choose how an AudioEncoder writes a file.
type EncodeOptions struct {
	// Codec is the output type.
	Codec Codec
	// BitDepth is 16 or 24 for WAV and FLAC (0 means 16); ignored for MP3.
	BitDepth int
	// BitrateKbps is the MP3 bitrate (CBR) or target (VBR quality is derived
	// from it); ignored for WAV and FLAC.
	BitrateKbps int
	// VBR selects variable bitrate MP3.
	VBR bool
}

// EncodeResult describes a written file.
type EncodeResult struct {
	// SizeBytes is the file's size.
	SizeBytes int64
	// Frames is the number of sample frames encoded.
	Frames int64
	// SHA256 is the lowercase hex SHA-256 of the file's bytes.
	SHA256 string
}

// AudioEncoder renders PCM into a file.
type AudioEncoder interface {
	// Encode reads src to its end and writes dst (created or truncated,
	// synced to disk before returning). A failure leaves no dst behind.
	Encode(ctx context.Context, dst string, src PCMReader, opt EncodeOptions) (EncodeResult, error)
}

// AudioDecoder opens encoded audio files (WAV, FLAC, MP3, told apart by
// their content, not their name).
type AudioDecoder interface {
	// OpenAudioFile opens path for decoding.
	OpenAudioFile(path string) (DecodedAudio, error)
}

// PCMFile is a raw master being written: 32-bit float WAV whose header is
// kept valid as it grows, so a crash leaves a readable file.
type PCMFile interface {
	// Write appends interleaved frames (len a multiple of the channels).
	Write(samples []float32) error
	// Frames returns the frames written so far.
	Frames() int64
	// Sync updates the header and flushes the file to disk.
	Sync() error
	// Close syncs and closes the file.
	Close() error
}

// PCMFiles creates, reopens and repairs raw master files.
type PCMFiles interface {
	// CreatePCM creates (truncating) a raw master of format f at path.
	CreatePCM(path string, f pcm.Format) (PCMFile, error)
	// OpenPCM opens a raw master for reading; a file whose header
	// understates its data (a crash before the last Sync) is read to the
	// last whole frame.
	OpenPCM(path string) (DecodedAudio, error)
	// RepairPCM rewrites the header of a raw master left by a crash to
	// cover every whole frame on disk, and returns that frame count.
	RepairPCM(path string) (int64, error)
}

// AudioAssembler joins the chunk files of one recording into one file.
type AudioAssembler interface {
	// Assemble decodes parts in order and writes them to dst as one file of
	// opt.Codec, sample-exact for WAV and FLAC (synced; no dst on failure).
	Assemble(ctx context.Context, dst string, parts []string, opt EncodeOptions) (EncodeResult, error)
}
