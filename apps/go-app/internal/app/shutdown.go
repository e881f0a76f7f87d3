package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Serve accepts connections on ln until Shutdown closes it; it returns nil after a shutdown.
func (a *App) Serve(ln net.Listener) error {
	a.log.Info("listening", "addr", ln.Addr().String(), "version", a.cfg.Version)
	if err := a.server.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown runs the SIGTERM sequence of the app contract and returns the process exit code:
// readiness fails at once; serving continues for DrainDelay; then the listener closes, in-flight requests finish,
// streams end with their final event and WebSockets close with 1001. It returns 0 when everything ended before
// ShutdownTimeout (counted from signalled), else destroys what is left and returns 1.
func (a *App) Shutdown(signalled time.Time) int {
	a.draining.Store(true)
	a.metrics.draining.Set(1)
	// From now on each response says "Connection: close" (observe) and its connection is closed
	// after it, so clients holding kept-alive connections move to other pods during the drain.
	// Idle connections stay open until the drain ends: closing them now (as
	// SetKeepAlivesEnabled(false) does) resets a request a client is sending on one at that moment,
	// which kit rollout caught as in-flight-cut.
	a.log.Info("shutdown", "phase", "draining", "drainDelayMs", a.cfg.DrainDelay.Milliseconds(),
		"shutdownTimeoutMs", a.cfg.ShutdownTimeout.Milliseconds())
	deadline := signalled.Add(a.cfg.ShutdownTimeout)
	time.Sleep(time.Until(signalled.Add(a.cfg.DrainDelay)))

	a.log.Info("shutdown", "phase", "closing")
	a.closeOnce.Do(func() { close(a.closing) })
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	httpDone := make(chan error, 1)
	go func() { httpDone <- a.server.Shutdown(ctx) }()
	wsDone := make(chan struct{})
	go func() { a.hijacked.Wait(); close(wsDone) }()

	httpErr := <-httpDone
	select {
	case <-wsDone:
	case <-ctx.Done():
	}
	if httpErr != nil || ctx.Err() != nil {
		a.server.Close()
		a.forceCloseWebSockets()
		a.log.Error("shutdown", "phase", "timeout", "elapsedMs", time.Since(signalled).Milliseconds())
		return 1
	}
	a.log.Info("shutdown", "phase", "stopped", "elapsedMs", time.Since(signalled).Milliseconds())
	return 0
}
