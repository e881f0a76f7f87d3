package app

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{"POD_NAME": "p1"}))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Port: 8080, Version: "dev", Pod: "p1", DrainDelay: 5 * time.Second, ShutdownTimeout: 25 * time.Second,
		StreamInterval: time.Second, WSPingInterval: 10 * time.Second, MaxSlow: time.Minute,
		KeepAliveTimeout: 75 * time.Second, LogLevel: "info",
	}
	if cfg != want {
		t.Fatalf("defaults:\n got %+v\nwant %+v", cfg, want)
	}
}

func TestLoadConfigReadsEverySetting(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{
		"PORT": "9000", "APP_VERSION": "1.2.3", "POD_NAME": "p2", "DRAIN_DELAY_MS": "100",
		"SHUTDOWN_TIMEOUT_MS": "2000", "STREAM_INTERVAL_MS": "50", "WS_PING_INTERVAL_MS": "70", "MAX_SLOW_MS": "300",
		"KEEP_ALIVE_TIMEOUT_MS": "4000", "FAULT_ON_SIGTERM": "ignore", "LOG_LEVEL": "debug",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 9000 || cfg.Version != "1.2.3" || cfg.DrainDelay != 100*time.Millisecond ||
		cfg.ShutdownTimeout != 2*time.Second || cfg.StreamInterval != 50*time.Millisecond ||
		cfg.WSPingInterval != 70*time.Millisecond || cfg.MaxSlow != 300*time.Millisecond ||
		cfg.KeepAliveTimeout != 4*time.Second || cfg.FaultOnSigterm != FaultIgnore || cfg.LogLevel != "debug" {
		t.Fatalf("settings not read: %+v", cfg)
	}
}

func TestLoadConfigNamesTheBadSetting(t *testing.T) {
	cases := map[string]map[string]string{
		"PORT":                {"PORT": "http"},
		"DRAIN_DELAY_MS":      {"DRAIN_DELAY_MS": "-1"},
		"STREAM_INTERVAL_MS":  {"STREAM_INTERVAL_MS": "5"},
		"FAULT_ON_SIGTERM":    {"FAULT_ON_SIGTERM": "crash"},
		"LOG_LEVEL":           {"LOG_LEVEL": "verbose"},
		"SHUTDOWN_TIMEOUT_MS": {"DRAIN_DELAY_MS": "3000", "SHUTDOWN_TIMEOUT_MS": "2000"},
	}
	for name, vars := range cases {
		vars["POD_NAME"] = "p"
		_, err := LoadConfig(env(vars))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: want an error naming %s, got %v", vars, name, err)
		}
	}
}

func TestLoadConfigFallsBackToHostname(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Pod == "" {
		t.Fatal("pod name is empty without POD_NAME; want the hostname")
	}
}
