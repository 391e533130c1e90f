package controller

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// runner is one periodic background job of the controller.
type runner struct {
	name  string
	every time.Duration
	run   func(ctx context.Context) error
}

// startRunners schedules each runner on a robfig/cron scheduler with
// overlap protection (a run still going when the next is due is skipped)
// and returns the function that stops them and waits for running jobs.
func startRunners(log *slog.Logger, runners []runner) func() {
	ctx, cancel := context.WithCancel(context.Background())
	c := cron.New(cron.WithChain(cron.Recover(cron.DiscardLogger), cron.SkipIfStillRunning(cron.DiscardLogger)))
	for _, r := range runners {
		r := r
		c.Schedule(cron.Every(r.every), cron.FuncJob(func() {
			start := time.Now()
			if err := r.run(ctx); err != nil && ctx.Err() == nil {
				log.Warn("runner failed", "runner", r.name, "error", err)
				return
			}
			log.Debug("runner done", "runner", r.name, "duration", time.Since(start))
		}))
	}
	c.Start()
	return func() {
		cancel()
		<-c.Stop().Done()
	}
}
