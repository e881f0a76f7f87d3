package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

type wsSession struct{ conn *websocket.Conn }

// handleWebSocket echoes text and binary messages, pings every WSPingInterval and, on shutdown, closes with
// 1001 Going Away. The connection is hijacked, so the app tracks it itself (hijacked, wsConns).
func (a *App) handleWebSocket(w http.ResponseWriter, r *http.Request) {
	if a.isClosing() {
		writeProblem(w, r, http.StatusServiceUnavailable, "Shutting down", "the server is closing; reconnect to another pod")
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has written the error response.
	}
	s := &wsSession{conn: conn}
	a.hijacked.Add(1)
	a.wsMu.Lock()
	a.wsConns[s] = struct{}{}
	a.wsMu.Unlock()
	a.metrics.sockets.Inc()
	defer func() {
		a.wsMu.Lock()
		delete(a.wsConns, s)
		a.wsMu.Unlock()
		a.metrics.sockets.Dec()
		conn.CloseNow()
		a.hijacked.Done()
	}()

	// The request context ends when the handler returns; the session lives on its own context.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hello, _ := json.Marshal(map[string]string{"type": "hello", "pod": a.cfg.Pod})
	if err := conn.Write(ctx, websocket.MessageText, hello); err != nil {
		return
	}

	readDone := make(chan error, 1)
	go func() {
		for {
			typ, msg, err := conn.Read(ctx)
			if err != nil {
				readDone <- err
				return
			}
			if err := conn.Write(ctx, typ, msg); err != nil {
				readDone <- err
				return
			}
		}
	}()

	// Pings run on their own, so waiting for a pong never delays the 1001 close on shutdown.
	pingFailed := make(chan error, 1)
	go func() {
		ticker := time.NewTicker(a.cfg.WSPingInterval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				pingCtx, cancelPing := context.WithTimeout(ctx, a.cfg.WSPingInterval)
				err := conn.Ping(pingCtx)
				cancelPing()
				if err != nil {
					pingFailed <- err
					return
				}
			}
		}
	}()

	select {
	case err := <-readDone:
		if status := websocket.CloseStatus(err); status == -1 && !errors.Is(err, context.Canceled) {
			a.log.Debug("websocket ended", "error", err.Error())
		}
	case err := <-pingFailed:
		a.log.Debug("websocket peer did not answer a ping", "error", err.Error())
	case <-a.closing:
		// Close sends 1001 and waits (bounded) for the client's close frame, which the reader goroutine receives.
		_ = conn.Close(websocket.StatusGoingAway, "shutdown")
	}
}

func (a *App) isClosing() bool {
	select {
	case <-a.closing:
		return true
	default:
		return false
	}
}

// forceCloseWebSockets drops every tracked WebSocket without a close handshake (after the shutdown timeout).
func (a *App) forceCloseWebSockets() {
	a.wsMu.Lock()
	defer a.wsMu.Unlock()
	for s := range a.wsConns {
		s.conn.CloseNow()
	}
}
