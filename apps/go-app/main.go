// Command go-app is kit's reference Go service: "Hi!", health, SSE, WebSocket and slow endpoints, and a graceful
// shutdown that survives Kubernetes rollouts. The contract it implements is in apps/README.md.
package main

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"kit.dev/apps/go-app/internal/app"
)

func main() {
	os.Exit(run())
}

func run() int {
	cfg, err := app.LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-app: invalid settings: %v\n", err)
		return 2
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level})).With("app", app.Name, "pod", cfg.Pod)

	// Register for signals before listening, so a SIGTERM that arrives early is not the default "die at once".
	signals := make(chan os.Signal, 2)
	switch cfg.FaultOnSigterm {
	case app.FaultIgnore:
		signal.Ignore(syscall.SIGTERM, syscall.SIGINT)
		log.Warn("fault injection: SIGTERM and SIGINT are ignored", "fault", cfg.FaultOnSigterm)
	default:
		signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	}

	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", cfg.Port))
	if err != nil {
		log.Error("cannot listen", "port", cfg.Port, "error", err.Error(),
			"hint", "free the port or set PORT to another one")
		return 1
	}
	a := app.New(cfg, log)
	served := make(chan error, 1)
	go func() { served <- a.Serve(ln) }()

	select {
	case err := <-served:
		log.Error("server stopped", "error", fmt.Sprint(err))
		return 1
	case sig := <-signals:
		signalled := time.Now()
		if cfg.FaultOnSigterm == app.FaultExit {
			log.Warn("fault injection: exiting at once on signal", "signal", sig.String())
			return 0
		}
		// Further signals are drained and ignored: the sequence is not cut short.
		go func() {
			for range signals {
			}
		}()
		log.Info("signal received", "signal", sig.String())
		return a.Shutdown(signalled)
	}
}
