package audiofile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

func TestDecoderGoesByContentNotName(t *testing.T) {
	dir := t.TempDir()
	f := pcm.Format{SampleRate: 48000, Channels: 1}
	x := testSignal(48000, 1, 0.5)
	// Each file gets the extension of another codec.
	wav := writePart(t, dir, "really-wav.flac", f, x, ports.CodecWAV)
	fl := writePart(t, dir, "really-flac.mp3", f, x, ports.CodecFLAC)
	mp := writePart(t, dir, "really-mp3.wav", f, x, ports.CodecMP3)
	for _, p := range []string{wav, fl} {
		gotF, got := decodeFile(t, p)
		if gotF != f {
			t.Errorf("%s: format %v", p, gotF)
		}
		assertExact(t, got, quantised(x, 16))
	}
	r, err := NewDecoder().OpenAudioFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(*mp3Reader); !ok || r.Format() != (pcm.Format{SampleRate: 48000, Channels: 2}) {
		t.Errorf("%s opened as %T, %v", mp, r, r.Format())
	}
	r.Close()
}

func TestDecoderReadsMP3AfterAnID3Tag(t *testing.T) {
	dir := t.TempDir()
	f := pcm.Format{SampleRate: 44100, Channels: 2}
	x := testSignal(44100, 2, 0.5)
	plain := writePart(t, dir, "plain.mp3", f, x, ports.CodecMP3)
	body, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	// ID3v2.3 header with a 100-byte (syncsafe) tag of padding.
	tag := append([]byte("ID3\x03\x00\x00\x00\x00\x00\x64"), make([]byte, 100)...)
	tagged := filepath.Join(dir, "tagged")
	if err := os.WriteFile(tagged, append(tag, body...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, want := decodeFile(t, plain)
	gotF, got := decodeFile(t, tagged)
	if gotF != f || len(got) != len(want) || len(got) == 0 {
		t.Fatalf("tagged: %v, %d samples; untagged %d", gotF, len(got), len(want))
	}
	assertExact(t, got, want)
}

func TestDecoderRefusesGarbage(t *testing.T) {
	for _, tt := range []struct {
		name    string
		content []byte
		says    string
	}{
		{"empty", nil, "an empty file"},
		{"text", []byte("hello, this is not audio\n"), "text"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), "a PNG image"},
		{"ogg", []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00"), "an Ogg file"},
		{"avi", []byte("RIFF\x10\x00\x00\x00AVI LIST"), "RIFF file that is not WAVE"},
		{"mp4", []byte("\x00\x00\x00\x20ftypisom\x00\x00"), "MP4"},
		{"binary", []byte{0x01, 0x02, 0x03, 0xfe, 0x00, 0x99, 0x42, 0x17, 0x00, 0x00, 0x00, 0x01}, "unknown content (first bytes 01 02 03 fe"},
		{"lone id3", []byte("ID3\x03\x00\x00\x00\x00\x00\x00"), "an ID3 tag with no audio after it"},
		{"false fLaC", []byte("fLaC\x00\x00\x00\x00"), "reading the FLAC header"},
		{"broken wav", []byte("RIFF\x24\x00\x00\x00WAVEdata"), "malformed WAV"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.wav")
			if err := os.WriteFile(p, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := NewDecoder().OpenAudioFile(p)
			if err == nil {
				r.Close()
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the file and say %q", err, tt.says)
			}
		})
	}
}

func TestDecoderReportsMissingFile(t *testing.T) {
	_, err := NewDecoder().OpenAudioFile(filepath.Join(t.TempDir(), "nope.flac"))
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("error %v", err)
	}
}
