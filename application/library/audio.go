package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// WholeRecording asks OpenAudio for the whole recording rather than one
// chunk.
const WholeRecording = -1

// ContentTypes maps a codec to its media type.
var ContentTypes = map[recording.Codec]string{
	recording.CodecWAV:  "audio/wav",
	recording.CodecFLAC: "audio/flac",
	recording.CodecMP3:  "audio/mpeg",
}

// Audio is an open recording or chunk file ready to be served with byte
// ranges. The caller closes Content.
type Audio struct {
	// Content is seekable and knows its size.
	Content     ports.FileRange
	ContentType string
	// FileName is the recording's name made safe for a file system, with
	// "-chunk-NNN" for one chunk, and the codec's extension.
	FileName string
	// ETag is a strong entity tag (quoted): the file's SHA-256, or for a
	// concatenation a SHA-256 over the chunks' digests.
	ETag string
	// ModTime is when the newest chunk was stored.
	ModTime time.Time
}

// OpenAudio opens a recording's audio: chunk (its Index) selects one
// chunk file for any codec; WholeRecording serves a single-chunk
// recording's file as it is, and several chunks as one virtual file — a WAV
// with one header whose data are each chunk's samples in order (sizes over
// 4 GiB written as 0xFFFFFFFF), or the plain byte concatenation of MP3
// chunks. A FLAC recording in several chunks is joined into one FLAC file
// in the background on first request (see joinedFLAC). A
// recording with no chunk stored answers recording.ErrNotReady; an unknown
// chunk recording.ErrChunkNotFound. The route checks the scope.
func (s *Service) OpenAudio(ctx context.Context, id string, chunk int) (Audio, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return Audio{}, err
	}
	chunks, err := s.d.Chunks.ListChunks(ctx, id)
	if err != nil {
		return Audio{}, err
	}
	if len(chunks) == 0 {
		return Audio{}, recording.ErrNotReady
	}
	var mod time.Time
	for _, c := range chunks {
		if c.CreatedAt.After(mod) {
			mod = c.CreatedAt
		}
	}
	if chunk != WholeRecording || len(chunks) == 1 {
		c, ok := chunks[0], len(chunks) == 1 && chunk == WholeRecording
		suffix := ""
		if !ok {
			for _, x := range chunks {
				if x.Index == chunk {
					c, ok = x, true
				}
			}
			if !ok {
				return Audio{}, recording.ErrChunkNotFound
			}
			suffix = fmt.Sprintf("-chunk-%03d", c.Index)
		}
		f, err := s.d.Files.Open(c.Path)
		if err != nil {
			return Audio{}, err
		}
		return Audio{Content: f, ContentType: contentType(c.Codec), FileName: FileName(r, suffix, c.Codec),
			ETag: `"` + strings.TrimPrefix(c.SHA256, "sha256:") + `"`, ModTime: c.CreatedAt}, nil
	}
	codec := chunks[0].Codec
	rels := make([]string, 0, len(chunks))
	h := sha256.New()
	fmt.Fprintf(h, "rakkr-concat-v1 %s", codec)
	for _, c := range chunks {
		if c.Codec != codec {
			return Audio{}, errChunkFormat
		}
		rels = append(rels, c.Path)
		fmt.Fprintf(h, " %d:%s", c.Index, c.SHA256)
	}
	var parts []part
	switch codec {
	case recording.CodecWAV:
		parts, err = wavParts(s.d.Files, rels, &s.layouts)
	case recording.CodecMP3:
		parts, err = rawParts(s.d.Files, chunks)
	default:
		return s.joinedFLAC(r, chunks, hex.EncodeToString(h.Sum(nil)), mod)
	}
	if err != nil {
		return Audio{}, err
	}
	return Audio{Content: newConcatFile(s.d.Files, parts), ContentType: contentType(codec), FileName: FileName(r, "", codec),
		ETag: `"` + hex.EncodeToString(h.Sum(nil)) + `"`, ModTime: mod}, nil
}

func contentType(c recording.Codec) string {
	if t, ok := ContentTypes[c]; ok {
		return t
	}
	return "application/octet-stream"
}

// maxFileStem bounds the name part of a file name (in runes).
const maxFileStem = 120

// FileName is the recording's name made safe for file systems (letters,
// digits, space, - _ . ( ) kept, anything else "_"; the recording id when
// nothing is left), then suffix and the codec's extension.
func FileName(r recording.Recording, suffix string, codec recording.Codec) string {
	var b strings.Builder
	n := 0
	for _, c := range r.Name {
		if n >= maxFileStem {
			break
		}
		switch {
		case unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune(" -_.()", c):
			b.WriteRune(c)
		case !strings.HasSuffix(b.String(), "_"):
			b.WriteRune('_')
		default:
			continue
		}
		n++
	}
	stem := strings.Trim(b.String(), " ._")
	if stem == "" {
		stem = r.ID
	}
	ext := string(codec)
	if ext == "" {
		ext = "bin"
	}
	return stem + suffix + "." + ext
}
