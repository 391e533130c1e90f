package library

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// JoinTimeout bounds one background join of FLAC chunks.
const JoinTimeout = 30 * time.Minute

// joins tracks the FLAC joins running in the background.
type joins struct {
	mu      sync.Mutex
	running map[string]bool
	failed  map[string]string
}

// joinedFLAC serves the one-file FLAC of a recording stored in several
// FLAC chunks. FLAC frames cannot simply be concatenated, so the chunks
// are decoded and encoded again as one file (sample-exact, 24-bit so no
// source loses precision) next to them, named after the digest of the
// chunk list: a recording whose chunks change gets a new file. The first
// request starts the join and answers 409 recording.joining (try again in
// a few seconds); later requests serve the file.
func (s *Service) joinedFLAC(r recording.Recording, chunks []recording.Chunk, digest string, mod time.Time) (Audio, error) {
	if s.d.Assembler == nil {
		return Audio{}, errs.New(errs.KindNotImplemented, "recording.chunkedFlacNotJoined", fmt.Sprintf(
			"this FLAC recording is stored in %d chunks and this controller cannot join them: download them one by one with ?chunk=<index> (%d..%d)",
			len(chunks), chunks[0].Index, chunks[len(chunks)-1].Index))
	}
	rel := r.ID + "/joined-" + digest[:24] + ".flac"
	if f, err := s.d.Files.Open(rel); err == nil {
		return Audio{Content: f, ContentType: contentType(recording.CodecFLAC), FileName: FileName(r, "", recording.CodecFLAC),
			ETag: `"` + digest + `"`, ModTime: mod}, nil
	}
	s.joins.mu.Lock()
	defer s.joins.mu.Unlock()
	if msg, ok := s.joins.failed[rel]; ok {
		delete(s.joins.failed, rel) // the next request tries again
		return Audio{}, errs.New(errs.KindUnavailable, "recording.joinFailed",
			"joining the FLAC chunks into one file failed ("+msg+"); try again, or download the chunks with ?chunk=<index>")
	}
	if !s.joins.running[rel] {
		s.joins.running[rel] = true
		paths := make([]string, 0, len(chunks))
		for _, c := range chunks {
			paths = append(paths, s.d.Files.Path(c.Path))
		}
		go s.join(rel, paths)
	}
	e := errs.Conflict("recording.joining", fmt.Sprintf(
		"the %d FLAC chunks of this recording are being joined into one file; try again in a few seconds", len(chunks)))
	e.Details = map[string]any{"retryAfterSeconds": 5}
	return Audio{}, e
}

// join runs one background join and records its outcome.
func (s *Service) join(rel string, paths []string) {
	ctx, cancel := context.WithTimeout(context.Background(), JoinTimeout)
	defer cancel()
	_, err := s.d.Assembler.Assemble(ctx, s.d.Files.Path(rel), paths, ports.EncodeOptions{Codec: ports.CodecFLAC, BitDepth: 24})
	s.joins.mu.Lock()
	defer s.joins.mu.Unlock()
	delete(s.joins.running, rel)
	if err != nil {
		if s.joins.failed == nil {
			s.joins.failed = map[string]string{}
		}
		s.joins.failed[rel] = strings.TrimSpace(err.Error())
		s.d.Log.Error("joining FLAC chunks failed", "file", rel, "err", err)
	}
}
