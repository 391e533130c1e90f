// Package wavfile reads (and, for fixtures and tests, writes) WAV files as
// streams of float32 samples normalised to ±1.
//
// Supported: 16-, 24- and 32-bit integer PCM and 32-bit IEEE float, in plain
// WAVE_FORMAT_PCM / WAVE_FORMAT_IEEE_FLOAT headers and in
// WAVE_FORMAT_EXTENSIBLE headers with the PCM or float sub-format. Anything
// else (8-bit PCM, 64-bit float, A-law, µ-law, ADPCM, MP3, RF64, big-endian
// RIFX) is rejected with an error that names what is unsupported. Samples are
// decoded as they are read, so an hour-long file never sits in memory.
package wavfile

import (
	"errors"
	"fmt"
)

// ErrUnsupported is wrapped by errors about valid WAV files whose encoding
// Rakkr does not read.
var ErrUnsupported = errors.New("unsupported WAV file")

// ErrMalformed is wrapped by errors about files that are not well-formed WAV.
var ErrMalformed = errors.New("malformed WAV file")

// Encoding is a sample encoding Rakkr reads and writes.
type Encoding int

// The supported encodings.
const (
	PCM16 Encoding = iota + 1
	PCM24
	PCM32
	Float32
)

// BytesPerSample returns the container size of one sample.
func (e Encoding) BytesPerSample() int {
	switch e {
	case PCM16:
		return 2
	case PCM24:
		return 3
	case PCM32, Float32:
		return 4
	}
	return 0
}

// String names the encoding as in "16-bit integer PCM".
func (e Encoding) String() string {
	switch e {
	case PCM16:
		return "16-bit integer PCM"
	case PCM24:
		return "24-bit integer PCM"
	case PCM32:
		return "32-bit integer PCM"
	case Float32:
		return "32-bit float"
	}
	return fmt.Sprintf("encoding(%d)", int(e))
}

// WAVE format tags.
const (
	tagPCM        = 0x0001
	tagFloat      = 0x0003
	tagExtensible = 0xFFFE
)

// tagNames names the format tags people meet in the wild, for error messages.
var tagNames = map[uint16]string{
	0x0002: "Microsoft ADPCM",
	0x0006: "A-law",
	0x0007: "µ-law",
	0x0011: "IMA ADPCM",
	0x0031: "GSM 6.10",
	0x0050: "MPEG audio",
	0x0055: "MPEG Layer III (MP3)",
	0x0161: "Windows Media Audio",
	0x1610: "AAC",
	0xF1AC: "FLAC",
}

// unsupportedTag builds the error for a format tag other than PCM or float.
func unsupportedTag(tag uint16) error {
	name, ok := tagNames[tag]
	if !ok {
		name = "an unknown encoding"
	}
	return fmt.Errorf("%w: %s (format tag 0x%04X); only 16/24/32-bit integer PCM and 32-bit float are supported", ErrUnsupported, name, tag)
}

// encodingFor maps a base format tag and container bit depth to an Encoding.
func encodingFor(tag uint16, bits int) (Encoding, error) {
	switch tag {
	case tagPCM:
		switch bits {
		case 16:
			return PCM16, nil
		case 24:
			return PCM24, nil
		case 32:
			return PCM32, nil
		case 8:
			return 0, fmt.Errorf("%w: 8-bit unsigned PCM; only 16/24/32-bit integer PCM and 32-bit float are supported", ErrUnsupported)
		}
		return 0, fmt.Errorf("%w: %d-bit integer PCM; only 16/24/32-bit integer PCM and 32-bit float are supported", ErrUnsupported, bits)
	case tagFloat:
		if bits == 32 {
			return Float32, nil
		}
		return 0, fmt.Errorf("%w: %d-bit float; only 32-bit float (and 16/24/32-bit integer PCM) is supported", ErrUnsupported, bits)
	}
	return 0, unsupportedTag(tag)
}
