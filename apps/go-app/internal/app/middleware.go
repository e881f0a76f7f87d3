package app

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"
)

// observe sets X-Served-By, logs one JSON line per request and records request metrics.
func (a *App) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w.Header().Set("X-Served-By", a.cfg.Pod)
		if a.draining.Load() {
			// The server closes the connection after this response (see Shutdown).
			w.Header().Set("Connection", "close")
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)
		route := routeLabel(r.URL.Path)
		a.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.status)).Inc()
		a.metrics.durations.WithLabelValues(route).Observe(elapsed.Seconds())
		a.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"durationMs", float64(elapsed.Microseconds())/1000, "remote", r.RemoteAddr)
	})
}

// routeLabel bounds the metrics' route label to known routes.
func routeLabel(path string) string {
	switch path {
	case "/", "/version", "/healthz", "/readyz", "/metrics", "/stream", "/ws", "/slow":
		return path
	}
	return "other"
}

// statusRecorder remembers the status code; it passes Flush and Hijack through (SSE and WebSockets need them).
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := s.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("the response writer does not support hijacking")
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
