// Command rakkrpprof is the controller (bootstrap/controller.Run, exactly
// what cmd/rakkr runs) with net/http/pprof served on a second, loopback
// listener: a load-test tool only, never shipped. test/load/fleet.sh uses
// it when PPROF=host:port is set.
//
//	RAKKR_PPROF=127.0.0.1:6060 go run ./test/load/rakkrpprof serve
//	go tool pprof -seconds 10 http://127.0.0.1:6060/debug/pprof/profile
package main

import (
	"context"
	"fmt"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/rakkr/rakkr/bootstrap/controller"
)

func main() {
	if addr := os.Getenv("RAKKR_PPROF"); addr != "" {
		runtime.SetMutexProfileFraction(20)
		go func() {
			if err := http.ListenAndServe(addr, nil); err != nil {
				fmt.Fprintln(os.Stderr, "rakkrpprof: pprof listener:", err)
			}
		}()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := controller.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
