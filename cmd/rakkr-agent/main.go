// Command rakkr-agent is the Rakkr recorder agent: it captures and meters
// audio on a node and syncs with the controller. The wiring lives in
// agent.RunAgent.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rakkr/rakkr/bootstrap/agent"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := agent.RunAgent(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
