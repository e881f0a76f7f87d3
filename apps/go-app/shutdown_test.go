package main

// The shutdown test of the app contract against the real binary: it builds go-app, starts it, holds keep-alive
// requests, an SSE stream, a WebSocket and slow requests open, sends SIGTERM and checks what each client saw.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const (
	drainDelay      = 1500 * time.Millisecond
	shutdownTimeout = 8 * time.Second
	slowMs          = 2500 // longer than the drain delay, so slow requests are in flight when the listener closes
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "go-app-test-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "go-app")
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(goCmd, "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building go-app for the shutdown test failed: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a running go-app binary.
type process struct {
	cmd    *exec.Cmd
	base   string
	logs   *strings.Builder
	logsMu *sync.Mutex
	exited chan struct{}
}

func startBinary(t *testing.T, extraEnv ...string) *process {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), append([]string{
		"PORT=0", "POD_NAME=shutdown-test", "WS_PING_INTERVAL_MS=200",
		fmt.Sprintf("DRAIN_DELAY_MS=%d", drainDelay.Milliseconds()),
		fmt.Sprintf("SHUTDOWN_TIMEOUT_MS=%d", shutdownTimeout.Milliseconds()),
	}, extraEnv...)...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: &strings.Builder{}, logsMu: &sync.Mutex{}, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			p.logsMu.Lock()
			p.logs.WriteString(line + "\n")
			p.logsMu.Unlock()
			var entry struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "listening" {
				addr <- entry.Addr
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-p.exited })
	select {
	case a := <-addr:
		p.base = "http://127.0.0.1:" + a[strings.LastIndex(a, ":")+1:]
	case <-time.After(10 * time.Second):
		t.Fatalf("go-app did not log \"listening\" within 10 s; output:\n%s", p.logs.String())
	}
	return p
}

// outcome is what the clients saw during one shutdown.
type outcome struct {
	mu              sync.Mutex
	problems        []string
	keepAliveOK     int
	readyz503       bool
	exitCode        int
	exitAfter       time.Duration
	streamTicks     int
	streamFinal     bool
	wsCloseCode     websocket.StatusCode
	wsCloseReason   string
	slowCompleted   int
	slowStarted     int
	drainRequestsOK int
}

func (o *outcome) fail(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.problems = append(o.problems, fmt.Sprintf(format, args...))
}

// runShutdownScenario opens every kind of client, sends SIGTERM and collects what happened.
func runShutdownScenario(t *testing.T, extraEnv ...string) *outcome {
	t.Helper()
	p := startBinary(t, extraEnv...)
	o := &outcome{exitCode: -1}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var signalled time.Time
	sigSent := make(chan struct{})

	// Keep-alive: one connection reused by a request every 20 ms, until shortly before the listener closes
	// (by then a load balancer has stopped sending; after it, new connections are refused by design).
	keepAlive := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}}
	wg.Add(1)
	go func() {
		defer wg.Done()
		stopAt := time.Time{}
		for {
			select {
			case <-sigSent:
				if stopAt.IsZero() {
					stopAt = signalled.Add(drainDelay - 300*time.Millisecond)
				}
			default:
			}
			if !stopAt.IsZero() && time.Now().After(stopAt) {
				return
			}
			resp, err := keepAlive.Get(p.base + "/")
			if err != nil {
				o.fail("keep-alive GET / failed: %v", err)
				return
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || resp.Header.Get("X-Served-By") != "shutdown-test" {
				o.fail("keep-alive GET /: status %d, X-Served-By %q, body error %v", resp.StatusCode,
					resp.Header.Get("X-Served-By"), err)
				return
			}
			o.mu.Lock()
			o.keepAliveOK++
			o.mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
	}()

	// SSE stream.
	streamReady := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		req, _ := http.NewRequestWithContext(ctx, "GET", p.base+"/stream?interval_ms=100", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			o.fail("stream request failed: %v", err)
			close(streamReady)
			return
		}
		defer resp.Body.Close()
		close(streamReady)
		r := bufio.NewReader(resp.Body)
		event := ""
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if !errors.Is(err, io.EOF) {
					o.fail("stream ended abruptly: %v", err)
				} else if !o.streamFinal {
					o.fail("stream ended without the final shutdown event (after %d ticks)", o.streamTicks)
				}
				return
			}
			line = strings.TrimRight(line, "\n")
			if e, ok := strings.CutPrefix(line, "event: "); ok {
				event = e
			}
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				switch event {
				case "tick":
					o.streamTicks++
				case "shutdown":
					if d != `{"pod":"shutdown-test","reason":"shutdown"}` {
						o.fail("shutdown event data = %s", d)
					}
					o.streamFinal = true
				}
			}
		}
	}()

	// WebSocket: hello, echo, then wait for the server's close.
	wsReady := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, _, err := websocket.Dial(ctx, strings.Replace(p.base, "http", "ws", 1)+"/ws", nil)
		if err != nil {
			o.fail("websocket dial failed: %v", err)
			close(wsReady)
			return
		}
		defer c.CloseNow()
		_, hello, err := c.Read(ctx)
		if err != nil || !strings.Contains(string(hello), `"type":"hello"`) {
			o.fail("websocket hello = %q, %v", hello, err)
		}
		close(wsReady)
		if err := c.Write(ctx, websocket.MessageText, []byte("ping-from-test")); err != nil {
			o.fail("websocket write failed: %v", err)
		}
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				o.mu.Lock()
				o.wsCloseCode = websocket.CloseStatus(err)
				var ce websocket.CloseError
				if errors.As(err, &ce) {
					o.wsCloseReason = ce.Reason
				}
				o.mu.Unlock()
				if o.wsCloseCode != websocket.StatusGoingAway {
					o.fail("websocket ended with %v, want close 1001", err)
				}
				return
			}
			if string(msg) != "ping-from-test" {
				o.fail("websocket echo = %q", msg)
			}
		}
	}()

	slow := func(label string) {
		defer wg.Done()
		o.mu.Lock()
		o.slowStarted++
		o.mu.Unlock()
		resp, err := http.Get(fmt.Sprintf("%s/slow?ms=%d", p.base, slowMs))
		if err != nil {
			o.fail("%s slow request failed: %v", label, err)
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 || !strings.Contains(string(body), fmt.Sprintf(`"sleptMs":%d`, slowMs)) {
			o.fail("%s slow request: status %d body %q error %v", label, resp.StatusCode, body, err)
			return
		}
		if !resp.Close {
			o.fail("%s slow request answered after closing began without Connection: close", label)
		}
		o.mu.Lock()
		o.slowCompleted++
		o.mu.Unlock()
	}
	wg.Add(3)
	go slow("before-SIGTERM")
	go slow("before-SIGTERM")
	<-streamReady
	<-wsReady
	time.Sleep(300 * time.Millisecond)

	signalled = time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	close(sigSent)
	// A slow request that starts during the drain delay, on a new connection.
	go slow("during-drain")

	// During the drain delay: readiness fails, and new connections are still served.
	time.Sleep(300 * time.Millisecond)
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for _, path := range []string{"/readyz", "/"} {
		resp, err := fresh.Get(p.base + path)
		if err != nil {
			o.fail("GET %s on a new connection during the drain delay failed: %v", path, err)
			continue
		}
		resp.Body.Close()
		switch {
		case path == "/readyz" && resp.StatusCode == 503:
			o.readyz503 = true
		case path == "/readyz":
			o.fail("GET /readyz during the drain delay = %d, want 503", resp.StatusCode)
		case resp.StatusCode != 200:
			o.fail("GET / during the drain delay = %d, want 200", resp.StatusCode)
		default:
			o.drainRequestsOK++
		}
	}

	select {
	case <-p.exited:
		o.exitAfter = time.Since(signalled)
		o.exitCode = p.cmd.ProcessState.ExitCode()
	case <-time.After(shutdownTimeout + 5*time.Second):
		o.fail("the process did not exit within %v of SIGTERM", shutdownTimeout+5*time.Second)
	}
	wg.Wait()
	if o.exitCode != 0 {
		o.fail("exit code %d, want 0", o.exitCode)
	}
	if o.exitAfter > shutdownTimeout {
		o.fail("exited %v after SIGTERM, after the %v grace period", o.exitAfter, shutdownTimeout)
	}
	p.logsMu.Lock()
	logs := p.logs.String()
	p.logsMu.Unlock()
	for _, phase := range []string{"draining", "closing", "stopped"} {
		if !strings.Contains(logs, `"phase":"`+phase+`"`) {
			o.fail("no log line for shutdown phase %q", phase)
		}
	}
	t.Logf("exit %d after %v; keep-alive requests ok %d; stream ticks %d, final %v; ws close %d %q; slow %d/%d",
		o.exitCode, o.exitAfter.Round(time.Millisecond), o.keepAliveOK, o.streamTicks, o.streamFinal,
		o.wsCloseCode, o.wsCloseReason, o.slowCompleted, o.slowStarted)
	return o
}

func TestGracefulShutdownOfTheBinary(t *testing.T) {
	o := runShutdownScenario(t)
	for _, p := range o.problems {
		t.Error(p)
	}
	if o.keepAliveOK < 10 || o.streamTicks < 2 || !o.readyz503 || o.slowCompleted != 3 || o.drainRequestsOK != 1 ||
		o.wsCloseReason != "shutdown" {
		t.Errorf("the scenario did not exercise every client: %+v", o)
	}
	if o.exitAfter < drainDelay {
		t.Errorf("exited %v after SIGTERM, before the %v drain delay", o.exitAfter, drainDelay)
	}
}

// TestShutdownTestCatchesExitFault proves the scenario fails when the app exits at once on SIGTERM.
func TestShutdownTestCatchesExitFault(t *testing.T) {
	o := runShutdownScenario(t, "FAULT_ON_SIGTERM=exit")
	joined := strings.Join(o.problems, "\n")
	t.Logf("problems found, as expected:\n%s", joined)
	for _, want := range []string{"slow request", "websocket ended", "stream ended", "phase"} {
		if !strings.Contains(joined, want) {
			t.Errorf("with FAULT_ON_SIGTERM=exit, no problem mentions %q", want)
		}
	}
}

// TestIgnoreFaultKeepsRunning checks FAULT_ON_SIGTERM=ignore: SIGTERM changes nothing, SIGKILL ends it.
func TestIgnoreFaultKeepsRunning(t *testing.T) {
	p := startBinary(t, "FAULT_ON_SIGTERM=ignore")
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(drainDelay / 2)
	resp, err := http.Get(p.base + "/readyz")
	if err != nil {
		t.Fatalf("after SIGTERM with FAULT_ON_SIGTERM=ignore: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("readyz after an ignored SIGTERM = %d, want 200", resp.StatusCode)
	}
	select {
	case <-p.exited:
		t.Fatal("the process exited on SIGTERM with FAULT_ON_SIGTERM=ignore")
	default:
	}
}

func TestInvalidSettingExits2(t *testing.T) {
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "DRAIN_DELAY_MS=soon")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || !strings.Contains(string(out), "DRAIN_DELAY_MS") {
		t.Fatalf("exit %v, output %q; want exit 2 naming DRAIN_DELAY_MS", err, out)
	}
}
