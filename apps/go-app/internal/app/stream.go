package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// handleStream sends an SSE "tick" every interval until the client leaves; on shutdown it sends a final
// "shutdown" event and returns, which ends the chunked response cleanly.
func (a *App) handleStream(w http.ResponseWriter, r *http.Request) {
	def := int(a.cfg.StreamInterval.Milliseconds())
	ms, ok := msParam(w, r, "interval_ms", def, 10, 60000)
	if !ok {
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeProblem(w, r, http.StatusInternalServerError, "Streaming unsupported", "the response writer cannot flush")
		return
	}
	a.metrics.streams.Inc()
	defer a.metrics.streams.Dec()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	send := func(event string, data any) bool {
		b, _ := json.Marshal(data)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		flusher.Flush()
		return true
	}
	ticker := time.NewTicker(time.Duration(ms) * time.Millisecond)
	defer ticker.Stop()
	for seq := 0; ; seq++ {
		if !send("tick", map[string]any{"seq": seq, "pod": a.cfg.Pod}) {
			return
		}
		select {
		case <-ticker.C:
		case <-r.Context().Done():
			return
		case <-a.closing:
			send("shutdown", map[string]string{"reason": "shutdown", "pod": a.cfg.Pod})
			return
		}
	}
}
