package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// startApp serves a real App on a loopback port and returns its base URL.
func startApp(t *testing.T, vars map[string]string) (*App, string, *bytes.Buffer) {
	t.Helper()
	vars["POD_NAME"] = "test-pod"
	cfg, err := LoadConfig(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	a := New(cfg, slog.New(slog.NewJSONHandler(&syncWriter{w: logs}, nil)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = a.Serve(ln) }()
	t.Cleanup(func() { a.server.Close(); a.forceCloseWebSockets() })
	return a, "http://" + ln.Addr().String(), logs
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestEndpoints(t *testing.T) {
	_, base, logs := startApp(t, map[string]string{"APP_VERSION": "1.0.0", "MAX_SLOW_MS": "500"})
	cases := []struct {
		path, contains string
		status         int
		contentType    string
	}{
		{"/", "Hi! from go-app 1.0.0", 200, "text/plain"},
		{"/version", `{"app":"go-app","pod":"test-pod","version":"1.0.0"}`, 200, "application/json"},
		{"/healthz", `"ok"`, 200, "application/json"},
		{"/readyz", `"ready"`, 200, "application/json"},
		{"/slow?ms=20", `{"pod":"test-pod","sleptMs":20}`, 200, "application/json"},
		{"/slow?ms=501", `must be an integer from 0 to 500`, 400, "application/problem+json"},
		{"/slow?ms=abc", `"status":400`, 400, "application/problem+json"},
		{"/stream?interval_ms=1", `interval_ms`, 400, "application/problem+json"},
		{"/nope", `"title":"Not Found"`, 404, "application/problem+json"},
		{"/metrics", `http_requests_total{code="200",method="GET",route="/"} 1`, 200, "text/plain"},
	}
	for _, c := range cases {
		resp, body := get(t, base+c.path)
		if resp.StatusCode != c.status || !strings.Contains(body, c.contains) ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), c.contentType) {
			t.Errorf("GET %s: %d %q %q; want %d, %q containing %q", c.path, resp.StatusCode,
				resp.Header.Get("Content-Type"), body, c.status, c.contentType, c.contains)
		}
		if got := resp.Header.Get("X-Served-By"); got != "test-pod" {
			t.Errorf("GET %s: X-Served-By = %q, want test-pod", c.path, got)
		}
	}
	lines := strings.Split(logs.String(), "\n")
	var entry map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &entry); err != nil || entry["msg"] != "request" ||
		entry["path"] != "/" || entry["status"] != float64(200) {
		t.Errorf("log line of the first request is not a JSON request log: %q", lines[1])
	}
}

func TestWarmupAnswers503UntilWarmThenServes(t *testing.T) {
	_, base, _ := startApp(t, map[string]string{"WARMUP_MS": "300"})
	for _, path := range []string{"/", "/version", "/slow?ms=1", "/stream"} {
		resp, body := get(t, base+path)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "Warming up") ||
			resp.Header.Get("Retry-After") != "1" {
			t.Errorf("GET %s while warming up: %d %q; want 503 Warming up with Retry-After", path, resp.StatusCode, body)
		}
	}
	if resp, body := get(t, base+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "warming up") {
		t.Errorf("GET /readyz while warming up: %d %q; want 503 warming up", resp.StatusCode, body)
	}
	// Alive all along: the startup and liveness probes pass while readiness keeps traffic away.
	if resp, _ := get(t, base+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz while warming up: %d; want 200", resp.StatusCode)
	}
	time.Sleep(350 * time.Millisecond)
	if resp, body := get(t, base+"/readyz"); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /readyz after warm-up: %d %q; want 200", resp.StatusCode, body)
	}
	if resp, body := get(t, base+"/"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Hi! from go-app") {
		t.Errorf("GET / after warm-up: %d %q; want 200", resp.StatusCode, body)
	}
}

func TestStreamTicks(t *testing.T) {
	_, base, _ := startApp(t, map[string]string{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/stream?interval_ms=20", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("Content-Type = %q", resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	var data []string
	for sc.Scan() && len(data) < 3 {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			data = append(data, d)
		}
	}
	if want := `{"pod":"test-pod","seq":2}`; len(data) != 3 || data[2] != want {
		t.Fatalf("data lines %q; want the third to be %s", data, want)
	}
}

func TestWebSocketHelloEchoAndPing(t *testing.T) {
	_, base, _ := startApp(t, map[string]string{"WS_PING_INTERVAL_MS": "20"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var pings atomic.Int32
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool { pings.Add(1); return true },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if resp.Header.Get("X-Served-By") != "test-pod" {
		t.Errorf("upgrade response X-Served-By = %q", resp.Header.Get("X-Served-By"))
	}
	// The client answers pings only while it reads, so one goroutine reads all the time.
	messages := make(chan string, 10)
	go func() {
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				close(messages)
				return
			}
			messages <- string(msg)
		}
	}()
	if hello := <-messages; hello != `{"pod":"test-pod","type":"hello"}` {
		t.Fatalf("hello = %q", hello)
	}
	for _, msg := range []string{"one", "two"} {
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		if got := <-messages; got != msg {
			t.Fatalf("echo of %q = %q", msg, got)
		}
	}
	for deadline := time.Now().Add(2 * time.Second); pings.Load() < 3 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if pings.Load() < 3 {
		t.Errorf("received %d pings in 2 s with WS_PING_INTERVAL_MS=20", pings.Load())
	}
	c.Close(websocket.StatusNormalClosure, "")
}

// TestShutdownInProcess runs the shutdown sequence on an in-process server: readiness, the stream's final event,
// WebSocket close 1001, the slow request completing, and the phase log lines.
func TestShutdownInProcess(t *testing.T) {
	a, base, logs := startApp(t, map[string]string{"DRAIN_DELAY_MS": "300", "SHUTDOWN_TIMEOUT_MS": "5000"})
	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ws.Read(ctx); err != nil {
		t.Fatal(err)
	}
	wsErr := make(chan error, 1)
	go func() {
		_, _, err := ws.Read(ctx)
		wsErr <- err
	}()
	stream, err := http.Get(base + "/stream?interval_ms=50")
	if err != nil {
		t.Fatal(err)
	}
	slow := make(chan string, 1)
	go func() { _, body := get(t, base+"/slow?ms=600"); slow <- body }()
	time.Sleep(50 * time.Millisecond)

	exit := make(chan int, 1)
	go func() { exit <- a.Shutdown(time.Now()) }()
	time.Sleep(100 * time.Millisecond)
	if resp, _ := get(t, base+"/readyz"); resp.StatusCode != 503 {
		t.Errorf("readyz during drain = %d, want 503", resp.StatusCode)
	}
	if resp, body := get(t, base+"/"); resp.StatusCode != 200 || !resp.Close {
		t.Errorf("GET / during drain = %d %q (Connection: close %v), want 200 with Connection: close", resp.StatusCode, body, resp.Close)
	}
	body, err := io.ReadAll(stream.Body)
	if err != nil {
		t.Errorf("stream ended with %v, want a clean end", err)
	}
	if !strings.HasSuffix(string(body), "event: shutdown\ndata: {\"pod\":\"test-pod\",\"reason\":\"shutdown\"}\n\n") {
		t.Errorf("stream does not end with the shutdown event: %q", body)
	}
	if err := <-wsErr; websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Errorf("websocket ended with %v, want close 1001", err)
	}
	if got := <-slow; !strings.Contains(got, `"sleptMs":600`) {
		t.Errorf("slow request answered %q", got)
	}
	if code := <-exit; code != 0 {
		t.Errorf("Shutdown returned %d, want 0", code)
	}
	for _, phase := range []string{"draining", "closing", "stopped"} {
		if !strings.Contains(logs.String(), `"phase":"`+phase+`"`) {
			t.Errorf("no log line for shutdown phase %s", phase)
		}
	}
}

// TestDrainLeavesIdleKeepAliveOpen: at SIGTERM an idle kept-alive connection is not closed (a client
// may be sending on it at that moment: a reset); its next request is answered on it with
// "Connection: close", and only then is it closed.
func TestDrainLeavesIdleKeepAliveOpen(t *testing.T) {
	a, base, _ := startApp(t, map[string]string{"DRAIN_DELAY_MS": "400", "SHUTDOWN_TIMEOUT_MS": "5000"})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	request := func() (reused bool, closed bool) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+"/", nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
		}))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return reused, resp.Close
	}
	request()
	exit := make(chan int, 1)
	go func() { exit <- a.Shutdown(time.Now()) }()
	time.Sleep(100 * time.Millisecond)
	if reused, closed := request(); !reused || !closed {
		t.Errorf("request during the drain: on the kept-alive connection %v, Connection: close %v; want both", reused, closed)
	}
	if code := <-exit; code != 0 {
		t.Errorf("Shutdown returned %d, want 0", code)
	}
}

// TestShutdownTimeoutDestroysAndReturns1 checks the deadline: a request longer than the timeout is cut off.
func TestShutdownTimeoutDestroysAndReturns1(t *testing.T) {
	a, base, logs := startApp(t, map[string]string{"DRAIN_DELAY_MS": "0", "SHUTDOWN_TIMEOUT_MS": "300"})
	slowErr := make(chan error, 1)
	go func() {
		resp, err := http.Get(base + "/slow?ms=5000")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		slowErr <- err
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if code := a.Shutdown(start); code != 1 {
		t.Errorf("Shutdown returned %d, want 1", code)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Shutdown took %v with a 300 ms timeout", elapsed)
	}
	if err := <-slowErr; err == nil {
		t.Error("the slow request succeeded, want it cut off at the timeout")
	}
	if !strings.Contains(logs.String(), `"phase":"timeout"`) {
		t.Error("no timeout phase log line")
	}
}

// TestShutdownClosesWebSocketWhilePingIsOutstanding checks a pending ping (the peer has not answered yet) does not
// delay or replace the 1001 close.
func TestShutdownClosesWebSocketWhilePingIsOutstanding(t *testing.T) {
	a, base, _ := startApp(t, map[string]string{"DRAIN_DELAY_MS": "0", "WS_PING_INTERVAL_MS": "1000"})
	ctx := context.Background()
	pinged := make(chan struct{}, 1)
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool {
			select {
			case pinged <- struct{}{}:
			default:
			}
			return false // never answer
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	readErr := make(chan error, 1)
	go func() {
		for {
			if _, _, err := ws.Read(ctx); err != nil {
				readErr <- err
				return
			}
		}
	}()
	<-pinged
	start := time.Now()
	go a.Shutdown(start)
	err = <-readErr
	if websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Errorf("websocket ended with %v, want close 1001", err)
	}
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
		t.Errorf("the close came %v after shutdown began; a pending ping delayed it", elapsed)
	}
}
