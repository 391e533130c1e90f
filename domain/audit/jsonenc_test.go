package audit

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The hand-written canonical encoder must agree byte for byte with
// encoding/json (HTML escaping off), so the canonical form is plain JSON.
func TestEncodeJSONMatchesEncodingJSON(t *testing.T) {
	tricky := "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f <>& é 漢 \u2028\u2029 bad\xff\xfe end"
	values := []any{
		nil, true, false, "", tricky, json.Number("0"), json.Number("-1.5e+10"), json.Number("12345678901234567890"),
		map[string]any(nil), map[string]any{}, []any(nil), []any{}, []string(nil), []string{"b", tricky},
		map[string]string(nil), map[string]string{"z": "1", "a": tricky, tricky: "k"},
		map[string]any{"b": []any{json.Number("1"), nil, map[string]any{"y": false, "x": "<"}}, "a": tricky, "A": "upper", "é": 1.5, "n": 3},
	}
	for _, v := range values {
		got, err := EncodeJSON(v)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if want := bytes.TrimRight(buf.Bytes(), "\n"); !bytes.Equal(got, want) {
			t.Errorf("%#v:\n got %s\nwant %s", v, got, want)
		}
	}
	for _, n := range []string{"0", "-0", "1.5", "10e3", "1E+2", "-0.0e-1", "12345678901234567890"} {
		if !validNumber(n) || !json.Valid([]byte(n)) {
			t.Errorf("%s refused", n)
		}
	}
	for _, n := range []string{"", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1x", "0x10", "NaN", " 1", "1 "} {
		if validNumber(n) || json.Valid([]byte(n)) && n != " 1" && n != "1 " {
			t.Errorf("%q accepted", n)
		}
		if _, err := EncodeJSON(json.Number(n)); err == nil {
			t.Errorf("invalid number %q encoded", n)
		}
	}
}

func BenchmarkComputeHash(b *testing.B) {
	e, _ := Seal(sampleEvent(), Genesis())
	e.Before, _ = DecodeJSON([]byte(`{"gain":1.50,"big":12345678901234567890,"tags":["a"]}`))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ComputeHash(e); err != nil {
			b.Fatal(err)
		}
	}
}
