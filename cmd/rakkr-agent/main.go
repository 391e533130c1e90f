// Command rakkr-agent is the Rakkr recorder agent: it captures and meters
// audio on a node and syncs with the controller. The wiring lives in
// bootstrap.RunAgent.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rakkr/rakkr/bootstrap"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := bootstrap.RunAgent(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
