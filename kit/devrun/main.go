// Command devrun is the live-reload supervisor of `kit dev`.
//
// It runs as PID 1 in an app's container, holds the app's listening port
// itself, runs the app on one of two internal ports and proxies TCP
// connections to the current child. When kit writes a new generation id into
// the stamp file, devrun starts the new code on the other internal port,
// waits until it is ready, switches new connections to it and then SIGTERMs
// the old child, which drains its in-flight requests by itself. While the old
// child drains, devrun moves the connections to it that are idle between HTTP
// requests to the new child (see proxy.go), so that keep-alive clients get the
// new code at once instead of after the old child's drain delay, without
// seeing their connection closed.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const versionString = "devrun (kit) 1"

const usageLine = "usage: devrun --listen :8080 --stamp FILE --status-dir DIR --ready-path /readyz --ports 18080,18081 " +
	"[--poll 20ms] [--ready-timeout 60s] [--stop-timeout 30s] -- <command> [args...]"

var logger = log.New(os.Stderr, "devrun: ", 0)

type config struct {
	listen       string
	stamp        string
	statusDir    string
	readyPath    string
	ports        []int
	poll         time.Duration
	readyTimeout time.Duration
	stopTimeout  time.Duration
	// drainEnv names the app's drain-delay variable (milliseconds); see --drain-delay-env.
	drainEnv   string
	drainDelay time.Duration
	command    []string
}

var errVersion = errors.New("version requested")

func newFlagSet(cfg *config, ports *string, version *bool) *flag.FlagSet {
	fs := flag.NewFlagSet("devrun", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(version, "version", false, "print the version and exit")
	fs.StringVar(&cfg.listen, "listen", "", "address devrun listens on and proxies, e.g. :8080 (required)")
	fs.StringVar(&cfg.stamp, "stamp", "", "stamp file holding the current generation id (required)")
	fs.StringVar(&cfg.statusDir, "status-dir", "", "directory for the status file (required)")
	fs.StringVar(&cfg.readyPath, "ready-path", "", "HTTP path polled for readiness, e.g. /readyz (required)")
	fs.StringVar(ports, "ports", "", "internal ports for the children, two or more, e.g. 18080,18081,18082,18083 (required): a new child takes one whose previous child has exited, so quick saves need not wait for a drain")
	fs.DurationVar(&cfg.poll, "poll", 20*time.Millisecond, "stamp poll interval (a stat of one file)")
	fs.DurationVar(&cfg.readyTimeout, "ready-timeout", 60*time.Second, "how long a new child may take to become ready")
	fs.DurationVar(&cfg.stopTimeout, "stop-timeout", 30*time.Second, "how long a SIGTERMed child may drain before SIGKILL")
	fs.StringVar(&cfg.drainEnv, "drain-delay-env", "", "the app's drain-delay variable in milliseconds (e.g. DRAIN_DELAY_MS): "+
		"children get 0, since a swap moves new connections at once; on SIGTERM devrun itself keeps serving that long before passing it on")
	return fs
}

// parseArgs parses the command line. It returns errVersion for --version,
// flag.ErrHelp for -h/--help and otherwise an error naming the bad flag.
func parseArgs(args []string) (*config, error) {
	cfg := &config{}
	var ports string
	var version bool
	fs := newFlagSet(cfg, &ports, &version)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if version {
		return nil, errVersion
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range []string{"listen", "stamp", "status-dir", "ready-path", "ports"} {
		if !set[name] || strings.TrimSpace(fs.Lookup(name).Value.String()) == "" {
			return nil, fmt.Errorf("missing required flag --%s", name)
		}
	}
	_, listenPort, err := net.SplitHostPort(cfg.listen)
	if err != nil {
		return nil, fmt.Errorf("invalid --listen %q: %v", cfg.listen, err)
	}
	if !strings.HasPrefix(cfg.readyPath, "/") {
		return nil, fmt.Errorf("invalid --ready-path %q: must start with /", cfg.readyPath)
	}
	if cfg.drainEnv != "" {
		if v := os.Getenv(cfg.drainEnv); v != "" {
			ms, err := strconv.Atoi(v)
			if err != nil || ms < 0 {
				return nil, fmt.Errorf("invalid --drain-delay-env %s: $%s is %q, want milliseconds", cfg.drainEnv, cfg.drainEnv, v)
			}
			cfg.drainDelay = time.Duration(ms) * time.Millisecond
		}
	}
	if cfg.ports, err = parsePorts(ports); err != nil {
		return nil, fmt.Errorf("invalid --ports %q: %v", ports, err)
	}
	for _, p := range cfg.ports {
		if listenPort == strconv.Itoa(p) {
			return nil, fmt.Errorf("invalid --ports %q: port %d is also the --listen port", ports, p)
		}
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"poll", cfg.poll}, {"ready-timeout", cfg.readyTimeout}, {"stop-timeout", cfg.stopTimeout}} {
		if d.v <= 0 {
			return nil, fmt.Errorf("invalid --%s %v: must be positive", d.name, d.v)
		}
	}
	cfg.command = fs.Args()
	if len(cfg.command) == 0 || cfg.command[0] == "" {
		return nil, errors.New("missing command: give it after -- (devrun [flags] -- <command> [args...])")
	}
	return cfg, nil
}

func parsePorts(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) < 2 {
		return nil, errors.New("want two ports or more, e.g. 18080,18081")
	}
	seen := map[int]bool{}
	ports := make([]int, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q is not a port number", p)
		}
		if seen[n] {
			return nil, fmt.Errorf("port %d is listed twice; the ports must differ", n)
		}
		seen[n] = true
		ports = append(ports, n)
	}
	return ports, nil
}

func main() {
	cfg, err := parseArgs(os.Args[1:])
	switch {
	case errors.Is(err, errVersion):
		fmt.Println(versionString)
		return
	case errors.Is(err, flag.ErrHelp):
		fmt.Println(usageLine)
		fs := newFlagSet(&config{}, new(string), new(bool))
		fs.SetOutput(os.Stdout)
		fs.PrintDefaults()
		return
	case err != nil:
		fmt.Fprintf(os.Stderr, "devrun: %v\n%s\n", err, usageLine)
		os.Exit(2)
	}
	os.Exit(run(cfg))
}

// status is the JSON document written to <status-dir>/<pod>.
type status struct {
	Pod        string `json:"pod"`
	Generation string `json:"generation"`
	State      string `json:"state"`
	Error      string `json:"error"`
	SwapMs     int64  `json:"swapMs"`
	UpdatedAt  int64  `json:"updatedAt"`
}

type statusWriter struct {
	dir, name string
	st        status
	warned    bool
}

func newStatusWriter(dir string) *statusWriter {
	name := os.Getenv("POD_NAME")
	if name == "" {
		name, _ = os.Hostname()
	}
	name = filepath.Base(name)
	if name == "" || name == "." || name == "/" {
		name = "devrun"
	}
	return &statusWriter{dir: dir, name: name, st: status{Pod: name}}
}

func (w *statusWriter) path() string { return filepath.Join(w.dir, w.name) }

// set changes the state and writes the file.
func (w *statusWriter) set(state, gen, errMsg string) {
	w.st.State, w.st.Generation, w.st.Error = state, gen, errMsg
	w.write()
}

// write writes the current status atomically (temp file + rename).
func (w *statusWriter) write() {
	w.st.UpdatedAt = time.Now().UnixMilli()
	b, err := json.Marshal(w.st)
	if err == nil {
		err = w.writeFile(append(b, '\n'))
	}
	if err != nil && !w.warned {
		w.warned = true
		logger.Printf("cannot write status file %s: %v (continuing without it)", w.path(), err)
	}
}

func (w *statusWriter) writeFile(b []byte) error {
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(w.dir, "."+w.name+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, w.path())
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

func (w *statusWriter) remove() {
	if err := os.Remove(w.path()); err != nil && !errors.Is(err, os.ErrNotExist) && !w.warned {
		logger.Printf("cannot remove status file: %v", err)
	}
}

// readGen returns the generation in the stamp file: its trimmed content, or
// "0" when the file is missing or empty.
func readGen(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "0", nil
	}
	if err != nil {
		return "", err
	}
	if g := strings.TrimSpace(string(b)); g != "" {
		return g, nil
	}
	return "0", nil
}
