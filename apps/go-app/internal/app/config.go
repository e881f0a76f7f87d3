package app

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Fault modes for FAULT_ON_SIGTERM, used by kit rollout to prove its checks catch a broken shutdown.
const (
	// FaultNone is the default: the correct shutdown sequence.
	FaultNone = ""
	// FaultExit exits 0 at once on SIGTERM, dropping everything in flight.
	FaultExit = "exit"
	// FaultIgnore ignores SIGTERM and SIGINT; only SIGKILL ends the process.
	FaultIgnore = "ignore"
)

// Config holds every setting of the app; LoadConfig reads it from the environment.
type Config struct {
	Port    int
	Version string
	// Warmup is how long after start the app answers 503 (readiness failing) while it warms up, as
	// an app loading caches or connecting to its dependencies does. A pod without a readiness probe
	// gets traffic during it.
	Warmup           time.Duration
	Pod              string
	DrainDelay       time.Duration
	ShutdownTimeout  time.Duration
	StreamInterval   time.Duration
	WSPingInterval   time.Duration
	MaxSlow          time.Duration
	KeepAliveTimeout time.Duration
	FaultOnSigterm   string
	LogLevel         string
}

// LoadConfig reads the settings documented in apps/README.md from getenv (os.Getenv in production).
func LoadConfig(getenv func(string) string) (Config, error) {
	cfg := Config{
		Version:        orDefault(getenv("APP_VERSION"), "dev"),
		Pod:            getenv("POD_NAME"),
		FaultOnSigterm: getenv("FAULT_ON_SIGTERM"),
		LogLevel:       orDefault(getenv("LOG_LEVEL"), "info"),
	}
	if cfg.Pod == "" {
		host, err := os.Hostname()
		if err != nil {
			return cfg, fmt.Errorf("POD_NAME is unset and the hostname is unknown (%w): set POD_NAME", err)
		}
		cfg.Pod = host
	}
	var err error
	if cfg.Port, err = intSetting(getenv, "PORT", 8080, 0, 65535); err != nil {
		return cfg, err
	}
	durations := []struct {
		name     string
		def, min int
		dst      *time.Duration
	}{
		{"WARMUP_MS", 0, 0, &cfg.Warmup},
		{"DRAIN_DELAY_MS", 5000, 0, &cfg.DrainDelay},
		{"SHUTDOWN_TIMEOUT_MS", 25000, 1, &cfg.ShutdownTimeout},
		{"STREAM_INTERVAL_MS", 1000, 10, &cfg.StreamInterval},
		{"WS_PING_INTERVAL_MS", 10000, 10, &cfg.WSPingInterval},
		{"MAX_SLOW_MS", 60000, 0, &cfg.MaxSlow},
		{"KEEP_ALIVE_TIMEOUT_MS", 75000, 1, &cfg.KeepAliveTimeout},
	}
	for _, d := range durations {
		ms, err := intSetting(getenv, d.name, d.def, d.min, 24*60*60*1000)
		if err != nil {
			return cfg, err
		}
		*d.dst = time.Duration(ms) * time.Millisecond
	}
	switch cfg.FaultOnSigterm {
	case FaultNone, FaultExit, FaultIgnore:
	default:
		return cfg, fmt.Errorf("FAULT_ON_SIGTERM=%q is not a fault mode: use %q, %q or leave it unset",
			cfg.FaultOnSigterm, FaultExit, FaultIgnore)
	}
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return cfg, fmt.Errorf("LOG_LEVEL=%q is not a level: use debug, info, warn or error", cfg.LogLevel)
	}
	if cfg.DrainDelay >= cfg.ShutdownTimeout {
		return cfg, fmt.Errorf("DRAIN_DELAY_MS (%d) must be less than SHUTDOWN_TIMEOUT_MS (%d), or in-flight work never gets time to finish",
			cfg.DrainDelay.Milliseconds(), cfg.ShutdownTimeout.Milliseconds())
	}
	return cfg, nil
}

func intSetting(getenv func(string) string, name string, def, min, max int) (int, error) {
	raw := getenv(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("%s=%q is not an integer from %d to %d", name, raw, min, max)
	}
	return n, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
