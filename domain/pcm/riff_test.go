package pcm

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// riffChunk is one RIFF chunk with its pad byte.
func riffChunk(id string, body []byte) []byte {
	b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	b = append(b, body...)
	if len(body)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func TestReadRIFFLayout(t *testing.T) {
	fmtBody := make([]byte, 16)
	binary.LittleEndian.PutUint16(fmtBody[12:14], 6) // block align: 3 bytes × 2 channels
	head := []byte("RIFF\x00\x00\x00\x00WAVE")
	file := bytes.Join([][]byte{head, riffChunk("fmt ", fmtBody), riffChunk("LIST", []byte("odd")),
		[]byte("data"), binary.LittleEndian.AppendUint32(nil, UnknownDataSize), make([]byte, 12)}, nil)
	l, err := ReadRIFFLayout(bytes.NewReader(file))
	if err != nil || l.DataOff != int64(len(file)-12) || l.DataSize != UnknownDataSize || l.BlockAlign() != 6 || len(l.FmtBody) != 16 {
		t.Fatalf("layout %+v %v", l, err)
	}
	for name, bad := range map[string][]byte{
		"no RIFF/WAVE header":             []byte("RIFX\x00\x00\x00\x00WAVE"),
		"no data chunk":                   bytes.Join([][]byte{head, riffChunk("fmt ", fmtBody)}, nil),
		"fmt chunk of an unexpected size": bytes.Join([][]byte{head, riffChunk("fmt ", fmtBody[:8])}, nil),
		"data chunk before the fmt chunk": bytes.Join([][]byte{head, riffChunk("data", nil)}, nil),
		"fmt chunk cut short":             append(append([]byte{}, head...), "fmt \x10\x00\x00\x00\x01"...),
	} {
		if _, err := ReadRIFFLayout(bytes.NewReader(bad)); err == nil || err.Error() != name {
			t.Errorf("%s: %v", name, err)
		}
	}
}
