package recordings

import (
	"errors"
	"io"
	"math"
	"sort"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
)

// MP3Tolerance is how far an MP3 chunk's decoded duration may be from the
// declared one (encoder delay and padding), in seconds.
const MP3Tolerance = 0.1

// audioMismatch refuses a stored file that does not hold what was declared.
func audioMismatch(msg string, details map[string]any) error {
	return &errs.Error{Kind: errs.KindUnprocessable, Code: "upload.audioMismatch", Message: msg, Details: details}
}

// inspect decodes a committed chunk: its format must be the declared one
// and its frame count the declared frames (MP3: within MP3Tolerance); it
// returns the chunk's waveform peaks.
func (s *Service) inspect(c recording.Chunk) ([]float32, error) {
	if s.d.Decoder == nil {
		return nil, nil
	}
	a, err := s.d.Decoder.OpenAudioFile(s.d.Files.Path(c.Path))
	if err != nil {
		return nil, errs.Wrap(errs.KindUnprocessable, errUndecodable.Code, errUndecodable.Message, err)
	}
	defer a.Close()
	f := a.Format()
	if f.SampleRate != c.SampleRate || f.Channels != c.Channels {
		return nil, audioMismatch("the file's format is not the declared one", map[string]any{
			"sampleRate": f.SampleRate, "channels": f.Channels, "declaredSampleRate": c.SampleRate, "declaredChannels": c.Channels})
	}
	ch := max(f.Channels, 1)
	bins := recording.NewPeakBins(c.Frames, ch, recording.WaveformBins)
	buf := make([]float32, 4096*ch)
	var frames int64
	for {
		n, err := a.ReadFrames(buf)
		if n > 0 {
			bins.Add(buf[:n*ch])
			frames += int64(n)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errs.Wrap(errs.KindUnprocessable, errUndecodable.Code, errUndecodable.Message, err)
		}
	}
	ok := frames == c.Frames
	if c.Codec == recording.CodecMP3 {
		ok = math.Abs(float64(frames-c.Frames))/float64(c.SampleRate) <= MP3Tolerance
	}
	if !ok {
		return nil, audioMismatch("the file holds another number of frames than declared", map[string]any{
			"frames": frames, "declaredFrames": c.Frames})
	}
	return bins.Peaks(), nil
}

// contiguous counts the stored chunks with indices 0..n-1.
func contiguous(chunks []recording.Chunk) int {
	idx := make([]int, 0, len(chunks))
	for _, c := range chunks {
		idx = append(idx, c.Index)
	}
	sort.Ints(idx)
	n := 0
	for _, i := range idx {
		if i != n {
			break
		}
		n++
	}
	return n
}

// applyChunks recomputes what the recording knows from its chunks: format,
// frames, size, waveform, and the checksum of a single final chunk.
func applyChunks(r *recording.Recording, chunks []recording.Chunk) {
	sort.Slice(chunks, func(i, j int) bool { return chunks[i].Index < chunks[j].Index })
	r.Frames, r.SizeBytes = 0, 0
	for _, c := range chunks {
		r.Frames += c.Frames
		r.SizeBytes += c.SizeBytes
	}
	if len(chunks) == 0 {
		return
	}
	r.SampleRate, r.OutputChannels = chunks[0].SampleRate, chunks[0].Channels
	r.Waveform = &recording.Waveform{Peaks: recording.MergePeaks(chunks, recording.WaveformBins),
		ChannelCount: r.OutputChannels, SampleCount: r.Frames, SampleRate: r.SampleRate}
	r.Checksum = ""
	if len(chunks) == 1 && chunks[0].Index == 0 && (chunks[0].Final || r.ChunkTotal == 1) {
		r.Checksum = "sha256:" + chunks[0].SHA256
	}
}
