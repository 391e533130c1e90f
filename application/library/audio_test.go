package library

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// fmtStereo24 is the fmt body of 48 kHz, 2 channels, 24-bit PCM.
func fmtStereo24() []byte {
	le := binary.LittleEndian
	b := le.AppendUint16(nil, 1)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint32(b, 48000)
	b = le.AppendUint32(b, 48000*6)
	b = le.AppendUint16(b, 6)
	return le.AppendUint16(b, 24)
}

// makeWAV builds a WAV file: optional LIST chunk before the data, a data
// size of declared (-1: the real size).
func makeWAV(fmtBody, samples []byte, list bool, declared int64) []byte {
	le := binary.LittleEndian
	var b []byte
	b = append(b, "RIFF\x00\x00\x00\x00WAVEfmt "...)
	b = le.AppendUint32(b, uint32(len(fmtBody)))
	b = append(b, fmtBody...)
	if list {
		b = append(b, "LIST"...)
		b = le.AppendUint32(b, 5)
		b = append(b, "INFOx\x00"...) // odd size + pad byte
	}
	b = append(b, "data"...)
	if declared < 0 {
		declared = int64(len(samples))
	}
	b = le.AppendUint32(b, uint32(declared))
	b = append(b, samples...)
	le.PutUint32(b[4:8], uint32(len(b)-8))
	return b
}

// parseWAV is an independent minimal reader: the fmt body and the samples.
func parseWAV(t *testing.T, b []byte) (fmtBody, samples []byte) {
	t.Helper()
	if string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("not RIFF/WAVE: %q", b[:12])
	}
	if riff := binary.LittleEndian.Uint32(b[4:8]); int(riff) != len(b)-8 {
		t.Fatalf("RIFF size %d, file %d", riff, len(b))
	}
	for off := 12; off+8 <= len(b); {
		id, n := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:off+8]))
		off += 8
		switch id {
		case "fmt ":
			fmtBody = b[off : off+n]
		case "data":
			if fmtBody == nil {
				t.Fatal("data before fmt")
			}
			return fmtBody, b[off : off+n]
		}
		off += n + n&1
	}
	t.Fatal("no data chunk")
	return nil, nil
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

func TestOpenAudioJoinsWAVChunksIntoOneValidWAV(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_1", "n1", recording.StatusCached, func(r *recording.Recording) { r.Name = "Council: budget / 2026?" })
	f := fmtStereo24()
	// Chunk 1 has a LIST chunk, chunk 2 an "unknown" size and a stray byte
	// that is not a whole frame.
	s0, s1, s2 := randomBytes(6*1000, 1), randomBytes(6*333, 2), randomBytes(6*500, 3)
	fx.chunk("rec_1", 0, recording.CodecWAV, makeWAV(f, s0, false, -1))
	fx.chunk("rec_1", 1, recording.CodecWAV, makeWAV(f, s1, true, -1))
	fx.chunk("rec_1", 2, recording.CodecWAV, makeWAV(f, append(s2, 0x7f), false, 0xFFFFFFFF))
	a, err := fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Content.Close()
	if a.ContentType != "audio/wav" || a.FileName != "Council_ budget _ 2026.wav" || len(a.ETag) != 66 {
		t.Fatalf("audio %+v", a)
	}
	whole, err := io.ReadAll(a.Content)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(whole)) != a.Content.Size() {
		t.Fatalf("read %d bytes, size %d", len(whole), a.Content.Size())
	}
	gotFmt, samples := parseWAV(t, whole)
	want := append(append(append([]byte(nil), s0...), s1...), s2...)
	if !bytes.Equal(gotFmt, f) || !bytes.Equal(samples, want) {
		t.Fatalf("fmt equal %v, samples %d bytes (want %d) equal %v", bytes.Equal(gotFmt, f), len(samples), len(want), bytes.Equal(samples, want))
	}
	// Seek anywhere (a Range request) and read across chunk boundaries.
	r := rand.New(rand.NewPCG(9, 9))
	for range 200 {
		off := r.Int64N(int64(len(whole)))
		n := 1 + r.IntN(9000)
		if _, err := a.Content.Seek(off, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, n)
		got, err := io.ReadFull(a.Content, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatal(err)
		}
		if !bytes.Equal(buf[:got], whole[off:min(int64(len(whole)), off+int64(n))]) {
			t.Fatalf("range %d+%d differs", off, n)
		}
	}
	if end, _ := a.Content.Seek(0, io.SeekEnd); end != int64(len(whole)) {
		t.Fatalf("SeekEnd %d", end)
	}
	if n, err := a.Content.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Fatalf("read at end: %d %v", n, err)
	}
	// The next request (a player seeking again) reads the chunks' layouts
	// from memory: only the reads open files.
	before := fx.files.opened
	b, err := fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := io.ReadAll(b.Content)
	if !bytes.Equal(again, whole) || fx.files.opened-before != 3 {
		t.Fatalf("second request: equal %v, %d opens for 3 chunks", bytes.Equal(again, whole), fx.files.opened-before)
	}
}

func TestOpenAudioRefusesChunksOfDifferentFormats(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_1", "n1", recording.StatusCached)
	mono := fmtStereo24()
	binary.LittleEndian.PutUint16(mono[2:4], 1)
	fx.chunk("rec_1", 0, recording.CodecWAV, makeWAV(fmtStereo24(), randomBytes(60, 1), false, -1))
	fx.chunk("rec_1", 1, recording.CodecWAV, makeWAV(mono, randomBytes(30, 2), false, -1))
	if _, err := fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording); !errors.Is(err, errChunkFormat) {
		t.Fatalf("mismatch: %v", err)
	}
}

func TestWAVHeaderOver4GiBDeclaresUnknownSizes(t *testing.T) {
	h := wavHeader(fmtStereo24(), 5<<30)
	if binary.LittleEndian.Uint32(h[4:8]) != 0xFFFFFFFF || binary.LittleEndian.Uint32(h[len(h)-4:]) != 0xFFFFFFFF {
		t.Fatalf("header %x", h)
	}
	h = wavHeader(fmtStereo24(), 600)
	if binary.LittleEndian.Uint32(h[4:8]) != uint32(len(h)-8+600) || binary.LittleEndian.Uint32(h[len(h)-4:]) != 600 {
		t.Fatalf("header %x", h)
	}
}

func TestOpenAudioConcatenatesMP3Bytes(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_1", "n1", recording.StatusCached, func(r *recording.Recording) { r.Codec = recording.CodecMP3 })
	parts := [][]byte{randomBytes(4000, 1), randomBytes(17, 2), randomBytes(2500, 3)}
	for i, p := range parts {
		fx.chunk("rec_1", i, recording.CodecMP3, p)
	}
	a, err := fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(a.Content)
	if a.ContentType != "audio/mpeg" || !bytes.Equal(got, bytes.Join(parts, nil)) || !strings.HasSuffix(a.FileName, ".mp3") {
		t.Fatalf("mp3 concat: %d bytes, %+v", len(got), a)
	}
	if fx.files.opened != 3 { // each chunk read once; the sizes come from the chunk rows
		t.Fatalf("opened files %d times", fx.files.opened)
	}
}

func TestOpenAudioSelectsAChunkAndRefusesChunkedFLAC(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_1", "n1", recording.StatusCached, func(r *recording.Recording) { r.Codec = recording.CodecFLAC })
	fx.chunk("rec_1", 0, recording.CodecFLAC, []byte("fLaC-zero"))
	fx.chunk("rec_1", 1, recording.CodecFLAC, []byte("fLaC-one"))
	_, err := fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording)
	if errs.KindOf(err) != errs.KindNotImplemented || !strings.Contains(err.Error(), "?chunk=") {
		t.Fatalf("chunked FLAC: %v", err)
	}
	a, err := fx.svc.OpenAudio(context.Background(), "rec_1", 1)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(a.Content)
	if string(got) != "fLaC-one" || a.ContentType != "audio/flac" || a.FileName != "Recording rec_1-chunk-001.flac" ||
		a.ETag != `"`+strings.Repeat("1", 64)+`"` {
		t.Fatalf("chunk 1: %q %+v", got, a)
	}
	if _, err := fx.svc.OpenAudio(context.Background(), "rec_1", 7); !errors.Is(err, recording.ErrChunkNotFound) {
		t.Fatalf("chunk 7: %v", err)
	}
}

func TestOpenAudioOfASingleChunkAndOfNothing(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_1", "n1", recording.StatusRecording)
	if _, err := fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording); !errors.Is(err, recording.ErrNotReady) {
		t.Fatalf("no chunk: %v", err)
	}
	body := makeWAV(fmtStereo24(), randomBytes(600, 4), true, -1)
	fx.chunk("rec_1", 0, recording.CodecWAV, body)
	a, err := fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(a.Content)
	if !bytes.Equal(got, body) || a.FileName != "Recording rec_1.wav" {
		t.Fatalf("single chunk served %d bytes as %q", len(got), a.FileName)
	}
}

func TestFileNameIsSanitized(t *testing.T) {
	for name, want := range map[string]string{
		"../../etc/passwd":       "etc_passwd.wav",
		"Séance du conseil":      "Séance du conseil.wav",
		"a\x00b\r\nc":            "a_b_c.wav",
		"///":                    "rec_9.wav",
		strings.Repeat("x", 300): strings.Repeat("x", maxFileStem) + ".wav",
	} {
		if got := FileName(recording.Recording{ID: "rec_9", Name: name}, "", recording.CodecWAV); got != want {
			t.Errorf("FileName(%q) = %q, want %q", name, got, want)
		}
	}
}

// fakeAssembler "joins" FLAC chunks by writing their paths into dst.
type fakeAssembler struct {
	files *memFiles
	done  chan struct{}
	calls int
	fail  error
}

func (a *fakeAssembler) Assemble(_ context.Context, dst string, parts []string, opt ports.EncodeOptions) (ports.EncodeResult, error) {
	defer close(a.done)
	a.calls++
	if a.fail != nil {
		return ports.EncodeResult{}, a.fail
	}
	if opt.Codec != ports.CodecFLAC || opt.BitDepth != 24 {
		return ports.EncodeResult{}, errors.New("unexpected options")
	}
	a.files.files[strings.TrimPrefix(dst, "/mem/")] = []byte("joined:" + strings.Join(parts, ","))
	return ports.EncodeResult{}, nil
}

func TestChunkedFLACIsJoinedInTheBackground(t *testing.T) {
	fx := newFixture(t, nil)
	asm := &fakeAssembler{files: fx.files, done: make(chan struct{})}
	fx.svc.d.Assembler = asm
	fx.rec("rec_1", "n1", recording.StatusCached, func(r *recording.Recording) { r.Codec = recording.CodecFLAC })
	fx.chunk("rec_1", 0, recording.CodecFLAC, []byte("fLaC-zero"))
	fx.chunk("rec_1", 1, recording.CodecFLAC, []byte("fLaC-one"))
	_, err := fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording)
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != "recording.joining" {
		t.Fatalf("first request: %v", err)
	}
	<-asm.done
	deadline := time.Now().Add(2 * time.Second)
	var a Audio
	for {
		a, err = fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(a.Content)
	if string(got) != "joined:/mem/rec_1/a.flac,/mem/rec_1/b.flac" || a.FileName != "Recording rec_1.flac" || asm.calls != 1 {
		t.Fatalf("joined file %q %+v (%d joins)", got, a, asm.calls)
	}
}

func TestAFailedJoinIsReportedOnceAndRetried(t *testing.T) {
	fx := newFixture(t, nil)
	asm := &fakeAssembler{files: fx.files, done: make(chan struct{}), fail: errors.New("chunk 1 is damaged")}
	fx.svc.d.Assembler = asm
	fx.rec("rec_1", "n1", recording.StatusCached, func(r *recording.Recording) { r.Codec = recording.CodecFLAC })
	fx.chunk("rec_1", 0, recording.CodecFLAC, []byte("fLaC-zero"))
	fx.chunk("rec_1", 1, recording.CodecFLAC, []byte("fLaC-one"))
	_, _ = fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording)
	<-asm.done
	var err error
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err = fx.svc.OpenAudio(context.Background(), "rec_1", WholeRecording); errs.KindOf(err) == errs.KindUnavailable {
			break
		}
	}
	if !strings.Contains(fmt.Sprint(err), "chunk 1 is damaged") {
		t.Fatalf("failed join: %v", err)
	}
}
