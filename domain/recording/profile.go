package recording

import (
	"fmt"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/uid"
)

// Codec is the file type a profile renders.
type Codec string

// The codecs.
const (
	CodecWAV  Codec = "wav"
	CodecFLAC Codec = "flac"
	CodecMP3  Codec = "mp3"
)

// Valid reports whether c is known.
func (c Codec) Valid() bool { return c == CodecWAV || c == CodecFLAC || c == CodecMP3 }

// Profile limits.
const (
	MaxBitrateKbps  = 512
	MaxChunkSeconds = 604800
	// DefaultChunkSeconds is the chunk length of the built-in profiles: a
	// failure loses at most this much that was not yet secured.
	DefaultChunkSeconds = 300
)

// Profile says how a recording is rendered.
type Profile struct {
	ID          string
	Name        string
	Codec       Codec
	BitrateKbps int
	VBR         bool
	// BitDepth is 16 or 24 for WAV and FLAC.
	BitDepth    int
	ChannelMode channelmap.Mode
	// ChunkSeconds splits the capture into sample-exact chunks that are
	// rendered and uploaded while recording continues; 0 = one file.
	ChunkSeconds int
	Builtin      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// The built-in profile ids.
const (
	ProfileVoiceMP3    = "voice-mp3-vbr"
	ProfileArchiveFLAC = "archive-flac"
	ProfileRawWAV      = "raw-wav"
)

// Builtins returns the built-in profiles.
func Builtins() []Profile {
	return []Profile{
		{ID: ProfileVoiceMP3, Name: "Voice (MP3 VBR ~128 kb/s)", Codec: CodecMP3, BitrateKbps: 128, VBR: true,
			ChannelMode: channelmap.ModeMonoToStereoMix, ChunkSeconds: DefaultChunkSeconds, Builtin: true},
		{ID: ProfileArchiveFLAC, Name: "Archive (FLAC 24-bit, every channel)", Codec: CodecFLAC, BitDepth: 24,
			ChannelMode: channelmap.ModeMultichannel, ChunkSeconds: DefaultChunkSeconds, Builtin: true},
		{ID: ProfileRawWAV, Name: "Raw (WAV 24-bit, every channel)", Codec: CodecWAV, BitDepth: 24,
			ChannelMode: channelmap.ModeMultichannel, ChunkSeconds: DefaultChunkSeconds, Builtin: true},
	}
}

// NewProfileID returns a fresh profile id.
func NewProfileID() string { return "prof_" + uid.New() }

// Validate checks the profile's fields and fills defaults (bit depth).
func (p *Profile) Validate() error {
	var is errs.Issues
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || len(p.Name) > 120 {
		is.Add("name", "required, at most 120 characters")
	}
	if !p.Codec.Valid() {
		is.Add("codec", "must be wav, flac or mp3")
	}
	if !p.ChannelMode.Valid() {
		is.Add("channelMode", fmt.Sprintf("must be one of %v", channelmap.Modes))
	}
	switch p.Codec {
	case CodecMP3:
		if p.BitrateKbps < 32 || p.BitrateKbps > 320 {
			is.Add("bitrateKbps", "MP3 needs 32..320 kb/s")
		}
		if p.ChannelMode == channelmap.ModeMultichannel {
			is.Add("channelMode", "MP3 holds at most two channels: use mono, stereo or mono_to_stereo_mix")
		}
		p.BitDepth = 0
	case CodecWAV, CodecFLAC:
		if p.BitDepth == 0 {
			p.BitDepth = 24
		}
		if p.BitDepth != 16 && p.BitDepth != 24 {
			is.Add("bitDepth", "must be 16 or 24")
		}
		if p.BitrateKbps != 0 || p.VBR {
			is.Add("bitrateKbps", "bitrate and VBR apply to MP3 only")
		}
	}
	if p.BitrateKbps < 0 || p.BitrateKbps > MaxBitrateKbps {
		is.Add("bitrateKbps", fmt.Sprintf("must be 0..%d", MaxBitrateKbps))
	}
	if p.ChunkSeconds != 0 && (p.ChunkSeconds < 5 || p.ChunkSeconds > MaxChunkSeconds) {
		is.Add("chunkSeconds", fmt.Sprintf("0 (one file) or 5..%d", MaxChunkSeconds))
	}
	return is.Err()
}
