package channelmap

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/domain/errs"
)

func issues(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return fmt.Sprint(e.Details)
	}
	return fmt.Sprint(err)
}

func TestValidateNamesTheField(t *testing.T) {
	cases := []struct {
		m    Map
		want string
	}{
		{FromSelection(ModeStereo, []int{1}), "stereo needs exactly 2"},
		{FromSelection(ModeMono, nil), "at least one"},
		{FromSelection(ModeMono, []int{1, 9}), "channels[1]"},
		{FromSelection(ModeMono, []int{2, 2}), "selected twice"},
		{FromSelection("surround", []int{1}), "channelMode"},
		{Map{Mode: ModeMono, Entries: []Entry{{Source: 1}}}, "include at least one"},
	}
	for _, c := range cases {
		err := c.m.Validate("channels", 8)
		if err == nil || !strings.Contains(issues(err), c.want) {
			t.Errorf("%+v: got %v, want %q", c.m, issues(err), c.want)
		}
	}
	if err := FromSelection(ModeMultichannel, []int{3, 1, 2}).Validate("channels", 8); err != nil {
		t.Fatal(err)
	}
}

func TestRenderModes(t *testing.T) {
	// Two frames of three captured channels (entries 3, 1, 2 in this order).
	src := []float32{0.3, 0.1, 0.2, -0.3, -0.1, -0.2}
	cases := []struct {
		m    Map
		want []float32
	}{
		{FromSelection(ModeMono, []int{3, 1, 2}), []float32{0.2, -0.2}},
		{FromSelection(ModeMonoToStereoMix, []int{3, 1, 2}), []float32{0.2, 0.2, -0.2, -0.2}},
		{Map{Mode: ModeStereo, Entries: []Entry{{Source: 3, Included: true}, {Source: 1}, {Source: 2, Included: true}}}, []float32{0.3, 0.2, -0.3, -0.2}},
		{Map{Mode: ModeMultichannel, Entries: []Entry{{Source: 3, Output: 3, Included: true}, {Source: 1, Output: 1, Included: true}, {Source: 2, Output: 2, Included: true}}},
			[]float32{0.1, 0.2, 0.3, -0.1, -0.2, -0.3}},
	}
	for _, c := range cases {
		r := NewRenderer(c.m)
		got := r.Render(nil, src)
		if r.OutputChannels() != c.m.OutputChannels() || len(got) != len(c.want) {
			t.Fatalf("%s: %v", c.m.Mode, got)
		}
		for i := range got {
			if d := got[i] - c.want[i]; d > 1e-6 || d < -1e-6 {
				t.Errorf("%s: got %v want %v", c.m.Mode, got, c.want)
				break
			}
		}
	}
	if s := FromSelection(ModeMono, []int{4, 2}).Sources(); !slices.Equal(s, []int{4, 2}) {
		t.Fatalf("sources %v", s)
	}
}
