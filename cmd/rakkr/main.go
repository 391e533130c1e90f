// Command rakkr is the Rakkr controller: REST and WebSocket API, runners
// and the embedded console. The wiring lives in bootstrap/controller.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rakkr/rakkr/bootstrap/controller"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := controller.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
