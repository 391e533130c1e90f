package render

import (
	"math"
	"time"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// Verification problems.
const (
	ProblemEmpty         = "empty"
	ProblemDurationShort = "duration_short"
	ProblemSilent        = "silent"
	ProblemGaps          = "gaps"
)

// DefaultFloorDbfs is the peak level under which a capture is silent.
const DefaultFloorDbfs = -90.0

// CheckInput is what Check judges: one capture's wall-clock window and
// what was recorded in it.
type CheckInput struct {
	// StartedAt and EndedAt bound the capture in wall-clock time.
	StartedAt, EndedAt time.Time
	SampleRate         int
	// CapturedFrames is the timeline length (gaps included); GapFrames the
	// frames of silence standing in for lost audio.
	CapturedFrames, GapFrames int64
	// PeakDbfs and RmsDbfs are the capture's levels (see Levels).
	PeakDbfs, RmsDbfs float64
	// FloorDbfs is the silence threshold (DefaultFloorDbfs when 0).
	FloorDbfs float64
}

// Check is the post-capture verification of one capture. Problems:
// "empty" (no frames; nothing else is checked), "duration_short" (fewer
// frames than the window holds, beyond max(0.5 s, 1 %)), "silent" (peak
// under the floor) and "gaps" (lost audio). OK is false when a problem is
// fatal: all are, except gaps up to 1 % of the captured frames.
func Check(in CheckInput) agentapi.Verification {
	floor := in.FloorDbfs
	if floor == 0 {
		floor = DefaultFloorDbfs
	}
	v := agentapi.Verification{
		CapturedFrames: in.CapturedFrames, GapFrames: in.GapFrames,
		PeakDbfs: in.PeakDbfs, RmsDbfs: in.RmsDbfs, Problems: []string{},
	}
	if in.SampleRate > 0 && in.EndedAt.After(in.StartedAt) {
		v.ExpectedFrames = int64(math.Round(in.EndedAt.Sub(in.StartedAt).Seconds() * float64(in.SampleRate)))
	}
	if in.CapturedFrames <= 0 {
		v.Problems = append(v.Problems, ProblemEmpty)
		return v
	}
	fatal := false
	tolerance := max(int64(math.Round(0.5*float64(in.SampleRate))), v.ExpectedFrames/100)
	if in.CapturedFrames < v.ExpectedFrames-tolerance {
		v.Problems = append(v.Problems, ProblemDurationShort)
		fatal = true
	}
	if in.PeakDbfs < floor {
		v.Problems = append(v.Problems, ProblemSilent)
		fatal = true
	}
	if in.GapFrames > 0 {
		v.Problems = append(v.Problems, ProblemGaps)
		if in.GapFrames*100 > in.CapturedFrames {
			fatal = true
		}
	}
	v.OK = !fatal
	return v
}
