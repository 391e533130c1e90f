package jobs

import (
	"context"

	"github.com/rakkr/rakkr/agent/recorder"
	"github.com/rakkr/rakkr/agent/render"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/ports"
)

// Engine is the real Recorders and Media: agent/recorder and agent/render
// over the audio file adapters.
type Engine struct {
	// Files writes, reads and repairs the raw masters.
	Files ports.PCMFiles
	// Encoder renders the chunk files.
	Encoder ports.AudioEncoder
	// Disk reports free space (nil skips the recorder's disk checks).
	Disk recorder.Disk
	// Events receives the recorder's health events (may be nil).
	Events recorder.Events
}

var (
	_ Recorders = Engine{}
	_ Media     = Engine{}
	_ Capture   = (*recorder.Recorder)(nil)
)

// Start implements Recorders with recorder.Start.
func (e Engine) Start(ctx context.Context, src Source, spec recorder.Spec, onChunk func(recorder.ClosedChunk)) (Capture, error) {
	r, err := recorder.Start(ctx, src, e.Files, e.Disk, e.Events, spec, onChunk)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Render implements Media with render.Render.
func (e Engine) Render(ctx context.Context, rawPath, dst string, m channelmap.Map, opt ports.EncodeOptions) (render.Rendered, error) {
	return render.Render(ctx, e.Files, e.Encoder, rawPath, dst, m, opt)
}

// Levels implements Media with render.Levels.
func (e Engine) Levels(rawPath string) (peakDbfs, rmsDbfs float64, err error) {
	return render.Levels(e.Files, rawPath)
}

// Repair implements Media with PCMFiles.RepairPCM.
func (e Engine) Repair(rawPath string) (int64, error) { return e.Files.RepairPCM(rawPath) }
