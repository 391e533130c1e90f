package portaudio_test

import (
	"encoding/binary"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/rakkr/rakkr/adapters/portaudio"
)

func itoa(n int) string { return strconv.Itoa(n) }

// readRaw decodes a little-endian raw file the way the adapter normalises
// samples of that format.
func readRaw(t *testing.T, path string, sf portaudio.SampleFormat) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []float32
	switch sf {
	case portaudio.Int16:
		for i := 0; i+2 <= len(b); i += 2 {
			out = append(out, float32(int16(binary.LittleEndian.Uint16(b[i:])))/32768)
		}
	case portaudio.Int32:
		for i := 0; i+4 <= len(b); i += 4 {
			out = append(out, float32(float64(int32(binary.LittleEndian.Uint32(b[i:])))/(1<<31)))
		}
	case portaudio.Float32:
		for i := 0; i+4 <= len(b); i += 4 {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
		}
	}
	return out
}
