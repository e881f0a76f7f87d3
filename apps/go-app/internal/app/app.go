// Package app is go-app's HTTP service: the endpoints of the app contract (apps/README.md) and its shutdown sequence.
package app

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Name is the app's name as reported by / and /version.
const Name = "go-app"

// App serves the contract's endpoints and tracks the long-lived connections that shutdown must end.
type App struct {
	cfg    Config
	log    *slog.Logger
	server *http.Server

	// startedAt is when New ran; the app is warming up until cfg.Warmup has passed since.
	startedAt time.Time
	draining  atomic.Bool
	// closing is closed when the drain delay is over: streams send their final event, WebSockets close with 1001.
	closing   chan struct{}
	closeOnce sync.Once
	// hijacked counts WebSocket handlers; http.Server.Shutdown does not wait for hijacked connections.
	hijacked sync.WaitGroup
	wsMu     sync.Mutex
	wsConns  map[*wsSession]struct{}

	metrics *metrics
}

type metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
	streams   prometheus.Gauge
	sockets   prometheus.Gauge
	draining  prometheus.Gauge
}

// New builds an App from cfg, logging JSON lines to log (which should carry the app and pod attributes).
func New(cfg Config, log *slog.Logger) *App {
	a := &App{
		cfg:       cfg,
		log:       log,
		startedAt: time.Now(),
		closing:   make(chan struct{}),
		wsConns:   map[*wsSession]struct{}{},
		metrics:   newMetrics(),
	}
	a.server = &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		// Longer than a load balancer's idle timeout (AWS ALB: 60 s), so the balancer, not the app, closes idle connections.
		IdleTimeout: cfg.KeepAliveTimeout,
	}
	return a
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total", Help: "HTTP requests served, by route, method and status code.",
		}, []string{"route", "method", "code"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds", Help: "HTTP request durations, by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		streams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "app_open_streams", Help: "Server-sent event streams open now.",
		}),
		sockets: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "app_open_websockets", Help: "WebSocket connections open now.",
		}),
		draining: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "app_draining", Help: "1 once SIGTERM has arrived and the app is shutting down.",
		}),
	}
	m.registry.MustRegister(m.requests, m.durations, m.streams, m.sockets, m.draining,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler returns the app's routes wrapped in the request log, metrics and X-Served-By middleware.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", a.afterWarmup(a.handleRoot))
	mux.Handle("GET /version", a.afterWarmup(a.handleVersion))
	mux.HandleFunc("GET /healthz", a.handleHealthz)
	mux.HandleFunc("GET /readyz", a.handleReadyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics.registry, promhttp.HandlerOpts{}))
	mux.Handle("GET /stream", a.afterWarmup(a.handleStream))
	mux.Handle("GET /ws", a.afterWarmup(a.handleWebSocket))
	mux.Handle("GET /slow", a.afterWarmup(a.handleSlow))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, http.StatusNotFound, "Not Found", fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
	})
	return a.observe(mux)
}

func (a *App) handleRoot(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "Hi! from %s %s\n", Name, a.cfg.Version)
}

func (a *App) handleVersion(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"app": Name, "version": a.cfg.Version, "pod": a.cfg.Pod})
}

func (a *App) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// warmingUp says whether the app is still in its warm-up (WARMUP_MS from start).
func (a *App) warmingUp() bool {
	return time.Since(a.startedAt) < a.cfg.Warmup
}

// afterWarmup answers 503 with Retry-After while the app warms up; readiness keeps traffic away then.
func (a *App) afterWarmup(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.warmingUp() {
			w.Header().Set("Retry-After", "1")
			writeProblem(w, r, http.StatusServiceUnavailable, "Warming up",
				fmt.Sprintf("%s started less than WARMUP_MS (%d ms) ago and is not ready to serve", Name, a.cfg.Warmup.Milliseconds()))
			return
		}
		next(w, r)
	})
}

func (a *App) handleReadyz(w http.ResponseWriter, _ *http.Request) {
	if a.warmingUp() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "warming up"})
		return
	}
	if a.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (a *App) handleSlow(w http.ResponseWriter, r *http.Request) {
	ms, ok := msParam(w, r, "ms", 0, 0, int(a.cfg.MaxSlow.Milliseconds()))
	if !ok {
		return
	}
	// Shutdown lets this finish: the request context ends only if the client leaves.
	timer := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer timer.Stop()
	select {
	case <-timer.C:
		writeJSON(w, http.StatusOK, map[string]any{"sleptMs": ms, "pod": a.cfg.Pod})
	case <-r.Context().Done():
	}
}

// msParam reads an integer query parameter in [min, max]; it writes a 400 problem and returns false when invalid.
func msParam(w http.ResponseWriter, r *http.Request, name string, def, min, max int) (int, bool) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		writeProblem(w, r, http.StatusBadRequest, "Invalid query parameter",
			fmt.Sprintf("%s=%q must be an integer from %d to %d", name, raw, min, max))
		return 0, false
	}
	return n, true
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// writeProblem writes an RFC 9457 problem details response.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": r.URL.Path,
	})
}
