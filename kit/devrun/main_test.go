package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// devrunBin is the real devrun binary, built by TestMain.
var devrunBin string

func TestMain(m *testing.M) {
	if os.Getenv("DEVRUN_TEST_CHILD") == "1" {
		fakeApp()
		return
	}
	dir, err := os.MkdirTemp("", "devrun-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	devrunBin = filepath.Join(dir, "devrun")
	goBin, err := exec.LookPath("go") // go test puts GOROOT/bin first in PATH
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	build := exec.Command(goBin, "build", "-o", devrunBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building devrun: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fakeApp is the app child: it serves the version file's content on $PORT.
func fakeApp() {
	b, err := os.ReadFile(os.Getenv("DEVRUN_TEST_VERSION_FILE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake app:", err)
		os.Exit(4)
	}
	version := strings.TrimSpace(string(b))
	if version == "crash" {
		fmt.Fprintln(os.Stderr, "fake app: crashing at start")
		os.Exit(3)
	}
	delay, _ := time.ParseDuration(os.Getenv("DEVRUN_TEST_READY_DELAY"))
	readyAt := time.Now().Add(delay)
	ready := func(w http.ResponseWriter) bool {
		if time.Now().Before(readyAt) {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return false
		}
		return true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if ready(w) {
			fmt.Fprintln(w, "ok")
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		fmt.Fprint(w, version)
	})
	mux.HandleFunc("/exit", func(w http.ResponseWriter, r *http.Request) { os.Exit(5) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if ready(w) {
			fmt.Fprint(w, version)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("PORT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake app:", err)
		os.Exit(4)
	}
	srv := &http.Server{Handler: mux}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	go func() { _ = srv.Serve(ln) }()
	ppid := os.Getppid()
	go func() { // don't outlive a killed devrun
		for range time.Tick(100 * time.Millisecond) {
			if os.Getppid() != ppid {
				os.Exit(6)
			}
		}
	}()
	<-sigs
	if f, err := os.OpenFile(os.Getenv("DEVRUN_TEST_TERM_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		fmt.Fprintf(f, "sigterm %s\n", version)
		f.Close()
	}
	// Like apps/node-app's DRAIN_DELAY_MS: it keeps serving, and keeps idle
	// keep-alive connections open, for this long before shutting down.
	// At least 50 ms, as the real apps never close their listener at the
	// instant of SIGTERM: a connection devrun dialled just before the swap may
	// still wait in the accept queue, and closing the listener would reset it.
	drain, _ := time.ParseDuration(os.Getenv("DEVRUN_TEST_DRAIN_DELAY"))
	time.Sleep(max(drain, 50*time.Millisecond))
	_ = srv.Shutdown(context.Background())
	os.Exit(0)
}

type harness struct {
	t                                                   *testing.T
	versionFile, stampFile, statusFile, termFile, logFn string
	listen                                              string
	ports                                               []int
	cmd                                                 *exec.Cmd
	done                                                chan struct{}
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

func joinPorts(ports []int) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}

func writeAtomic(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func startDevrun(t *testing.T, version, gen string, env ...string) *harness {
	t.Helper()
	return startDevrunPorts(t, 2, version, gen, env...)
}

// startDevrunPorts starts devrun with n internal ports.
func startDevrunPorts(t *testing.T, n int, version, gen string, env ...string) *harness {
	t.Helper()
	dir := t.TempDir()
	p := freePorts(t, n+1)
	h := &harness{
		t:           t,
		versionFile: filepath.Join(dir, "version"),
		stampFile:   filepath.Join(dir, "stamp"),
		statusFile:  filepath.Join(dir, "status", "testpod"),
		termFile:    filepath.Join(dir, "term"),
		logFn:       filepath.Join(dir, "devrun.log"),
		listen:      "127.0.0.1:" + strconv.Itoa(p[0]),
		ports:       p[1:],
		done:        make(chan struct{}),
	}
	writeAtomic(t, h.versionFile, version)
	writeAtomic(t, h.stampFile, gen)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// Arguments in env that start with "--" are devrun flags.
	args := []string{"--listen", h.listen, "--stamp", h.stampFile,
		"--status-dir", filepath.Dir(h.statusFile), "--ready-path", "/readyz",
		"--ports", joinPorts(h.ports),
		"--poll", "20ms", "--ready-timeout", "10s", "--stop-timeout", "5s"}
	var vars []string
	for _, e := range env {
		if strings.HasPrefix(e, "--") {
			args = append(args, e)
		} else {
			vars = append(vars, e)
		}
	}
	env = vars
	h.cmd = exec.Command(devrunBin, append(args, "--", self)...)
	h.cmd.Env = append(os.Environ(), "DEVRUN_TEST_CHILD=1", "POD_NAME=testpod",
		"PORT=1", // must be overridden by devrun
		"DEVRUN_TEST_VERSION_FILE="+h.versionFile, "DEVRUN_TEST_TERM_FILE="+h.termFile)
	h.cmd.Env = append(h.cmd.Env, env...)
	logf, err := os.Create(h.logFn)
	if err != nil {
		t.Fatal(err)
	}
	h.cmd.Stdout, h.cmd.Stderr = logf, logf
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = h.cmd.Wait(); close(h.done) }()
	t.Cleanup(func() {
		select {
		case <-h.done:
		default:
			_ = h.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-h.done:
			case <-time.After(5 * time.Second):
				_ = h.cmd.Process.Kill()
				<-h.done
			}
		}
		logf.Close()
		if t.Failed() {
			t.Logf("devrun output:\n%s", h.log())
		}
	})
	return h
}

func (h *harness) log() string {
	b, _ := os.ReadFile(h.logFn)
	return string(b)
}

var client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

func get(url string) (string, int, error) {
	resp, err := client.Get(url)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode, err
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (h *harness) waitBody(want string) {
	h.t.Helper()
	waitFor(h.t, 10*time.Second, "body "+want, func() bool {
		body, code, err := get("http://" + h.listen + "/")
		return err == nil && code == 200 && body == want
	})
}

// waitServing waits until devrun reports gen as serving and body is served.
func (h *harness) waitServing(body, gen string) {
	h.t.Helper()
	h.waitStatus("serving", gen, 10*time.Second)
	h.waitBody(body)
}

func (h *harness) readStatus() (status, error) {
	var st status
	b, err := os.ReadFile(h.statusFile)
	if err != nil {
		return st, err
	}
	if !bytes.HasSuffix(b, []byte("\n")) || bytes.Count(b, []byte("\n")) != 1 {
		return st, fmt.Errorf("status file is not a single JSON line: %q", b)
	}
	err = json.Unmarshal(b, &st)
	return st, err
}

func (h *harness) waitStatus(state, gen string, timeout time.Duration) status {
	h.t.Helper()
	var st status
	var err error
	waitFor(h.t, timeout, "status "+state+" generation "+gen, func() bool {
		st, err = h.readStatus()
		return err == nil && st.State == state && st.Generation == gen
	})
	if st.Pod != "testpod" || st.UpdatedAt < time.Now().Add(-time.Minute).UnixMilli() {
		h.t.Fatalf("bad status %+v", st)
	}
	return st
}

// hammer issues GET / on a new connection every ~5 ms until stopped.
type hammer struct {
	mu       sync.Mutex
	bodies   []string
	failures []string
	stop     chan struct{}
	done     chan struct{}
}

func startHammer(url string) *hammer {
	hm := &hammer{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(hm.done)
		for {
			select {
			case <-hm.stop:
				return
			default:
			}
			body, code, err := get(url)
			hm.mu.Lock()
			if err != nil || code != 200 {
				hm.failures = append(hm.failures, fmt.Sprintf("%d %q %v", code, body, err))
			} else {
				hm.bodies = append(hm.bodies, body)
			}
			hm.mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return hm
}

func (hm *hammer) count(body string) int {
	hm.mu.Lock()
	defer hm.mu.Unlock()
	n := 0
	for _, b := range hm.bodies {
		if b == body {
			n++
		}
	}
	return n
}

// finish stops the hammer and checks there were no failures and that the
// bodies seen are exactly the given versions in order.
func (hm *hammer) finish(t *testing.T, versions ...string) {
	t.Helper()
	close(hm.stop)
	<-hm.done
	if len(hm.failures) > 0 {
		t.Errorf("%d of %d requests failed, first: %s", len(hm.failures), len(hm.failures)+len(hm.bodies), hm.failures[0])
	}
	var seen []string
	for _, b := range hm.bodies {
		if len(seen) == 0 || seen[len(seen)-1] != b {
			seen = append(seen, b)
		}
	}
	if strings.Join(seen, ",") != strings.Join(versions, ",") {
		t.Errorf("saw versions %v in order, want %v", seen, versions)
	}
	t.Logf("%d requests, 0 failures", len(hm.bodies))
}

func TestSwapZeroDowntime(t *testing.T) {
	h := startDevrun(t, "v1", "1", "DEVRUN_TEST_READY_DELAY=300ms")
	h.waitServing("v1", "1")

	hm := startHammer("http://" + h.listen + "/")
	slow := make(chan string, 1)
	go func() {
		body, code, err := get("http://" + h.listen + "/slow?ms=1000")
		slow <- fmt.Sprintf("%d %s %v", code, body, err)
	}()
	time.Sleep(100 * time.Millisecond)
	writeAtomic(t, h.versionFile, "v2")
	writeAtomic(t, h.stampFile, "2")

	st := h.waitStatus("serving", "2", 10*time.Second)
	waitFor(t, 5*time.Second, "20 answers from v2", func() bool { return hm.count("v2") >= 20 })
	hm.finish(t, "v1", "v2")
	if st.SwapMs < 250 || st.Error != "" {
		t.Errorf("status %+v: want swapMs >= 250 (ready delay 300ms) and no error", st)
	}
	select {
	case got := <-slow:
		if got != "200 v1 <nil>" {
			t.Errorf("in-flight request across the swap: got %s, want 200 v1", got)
		}
	case <-time.After(5 * time.Second):
		t.Error("in-flight request did not finish")
	}
	waitFor(t, 5*time.Second, "old child SIGTERMed", func() bool {
		b, _ := os.ReadFile(h.termFile)
		return string(b) == "sigterm v1\n"
	})
	want := fmt.Sprintf("devrun: generation 2 serving on :%d (swap ", h.ports[1])
	if !strings.Contains(h.log(), want) {
		t.Errorf("log lacks %q", want)
	}
}

// kaClient is one keep-alive HTTP client (it keeps one idle connection). It
// counts the connections it dials and records when a connection of its was
// closed by the other side (devrun or the app).
type kaClient struct {
	c        *http.Client
	mu       sync.Mutex
	dials    int
	closedAt []time.Time
}

// kaResult is one request of a kaClient.
type kaResult struct {
	body   string
	err    error
	at     time.Time // when the answer (or the error) came
	conns  int       // connections the transport used; more than one means it retried
	reused bool      // the (last) connection was a kept-alive one
	closes bool      // the response said the connection closes after it
}

func newKAClient() *kaClient {
	k := &kaClient{}
	d := &net.Dialer{Timeout: 5 * time.Second}
	k.c = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: 1,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			k.mu.Lock()
			k.dials++
			k.mu.Unlock()
			return &watchedConn{Conn: c, k: k}, nil
		},
	}}
	return k
}

// watchedConn records when the peer closed it (a read gets EOF or a reset).
type watchedConn struct {
	net.Conn
	k    *kaClient
	once sync.Once
}

func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		c.once.Do(func() {
			c.k.mu.Lock()
			c.k.closedAt = append(c.k.closedAt, time.Now())
			c.k.mu.Unlock()
		})
	}
	return n, err
}

func (k *kaClient) get(url string) kaResult {
	var r kaResult
	var mu sync.Mutex
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		mu.Lock()
		r.conns++
		r.reused = info.Reused
		mu.Unlock()
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", url, nil)
	if err != nil {
		panic(err)
	}
	resp, err := k.c.Do(req)
	if err == nil {
		var b []byte
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		r.body = string(b)
		r.closes = resp.Close
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	r.err, r.at = err, time.Now()
	return r
}

func (k *kaClient) stats() (dials int, closedAt []time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.dials, append([]time.Time(nil), k.closedAt...)
}

// TestSwapMovesIdleKeepAlive: a keep-alive client whose connection to the
// old child is idle at the swap gets the new code on its next request, on the
// same connection, because devrun moves that connection to the new child,
// although the old child (like the apps during DRAIN_DELAY_MS) would keep it
// open for 3 s. The client never sees it closed, so a client that does not
// retry (Node's fetch) cannot fail a request on it. A kept-alive connection to
// the new child is left alone, also while the old child still drains.
func TestSwapMovesIdleKeepAlive(t *testing.T) {
	h := startDevrun(t, "v1", "1", "DEVRUN_TEST_READY_DELAY=300ms", "DEVRUN_TEST_DRAIN_DELAY=3s")
	h.waitServing("v1", "1")
	url := "http://" + h.listen + "/"
	ka := newKAClient()
	for i := 0; i < 5; i++ {
		if r := ka.get(url); r.err != nil || r.body != "v1" {
			t.Fatalf("before the swap: %q %v, want v1", r.body, r.err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if dials, _ := ka.stats(); dials != 1 {
		t.Fatalf("the client dialled %d connections for 5 requests, want 1 (kept alive)", dials)
	}

	writeAtomic(t, h.versionFile, "v2")
	writeAtomic(t, h.stampFile, "2")
	st := h.waitStatus("serving", "2", 10*time.Second)
	swapAt := time.UnixMilli(st.UpdatedAt)
	deadline := swapAt.Add(time.Second + idleClose)
	var first kaResult
	var v1s, retries int
	for first.body == "" {
		r := ka.get(url)
		if r.conns > 1 {
			retries++
		}
		switch {
		case r.err != nil:
			t.Errorf("request after the swap failed: %v", r.err)
		case r.body == "v2":
			first = r
		default:
			v1s++
		}
		if first.body == "" && r.at.After(deadline) {
			t.Fatalf("the keep-alive client still gets %q %v after the status said serving generation 2", r.body, r.at.Sub(swapAt))
		}
		time.Sleep(20 * time.Millisecond)
	}
	dials, closedAt := ka.stats()
	closed := "never"
	if len(closedAt) > 0 {
		closed = fmt.Sprintf("%d ms", closedAt[0].Sub(swapAt).Milliseconds())
	}
	t.Logf("keep-alive client: v2 %d ms after the status said serving generation 2, after %d v1 answers; "+
		"its connection closed by the other side at %s (relative to that status); %d retries, %d dials",
		first.at.Sub(swapAt).Milliseconds(), v1s, closed, retries, dials)
	if v1s != 0 {
		t.Errorf("the keep-alive client got v1 %d times after the status said serving generation 2", v1s)
	}
	if dials != 1 || len(closedAt) != 0 || retries != 0 || !first.reused {
		t.Errorf("the client's connection was not kept: %d dials, closed %d times, %d retries, reused=%v; want 1, 0, 0, true",
			dials, len(closedAt), retries, first.reused)
	}
	if want := fmt.Sprintf("devrun: generation 1 on :%d: released 1 idle connection(s)", h.ports[0]); !strings.Contains(h.log(), want) {
		t.Errorf("log lacks %q", want)
	}

	// Idle now on its connection to the new child while the old one drains.
	time.Sleep(2*idleClose + 2*idleSweep)
	if strings.Contains(h.log(), "stopped") {
		t.Fatal("the old child stopped before the check (test too slow)")
	}
	if r := ka.get(url); r.err != nil || r.body != "v2" || !r.reused || r.conns != 1 {
		t.Errorf("after %v idle on the new child: %q %v reused=%v conns=%d, want v2 on the kept-alive connection",
			2*idleClose+2*idleSweep, r.body, r.err, r.reused, r.conns)
	}
}

// TestSwapKeepsOutstandingRequest: a request outstanding on the old child at
// the swap is not idle however long the child takes to answer: it completes
// with the old code. Once answered, its connection is idle and devrun moves it
// to the new child.
func TestSwapKeepsOutstandingRequest(t *testing.T) {
	h := startDevrun(t, "v1", "1", "DEVRUN_TEST_READY_DELAY=300ms", "DEVRUN_TEST_DRAIN_DELAY=3s")
	h.waitServing("v1", "1")
	url := "http://" + h.listen + "/"
	ka := newKAClient()
	if r := ka.get(url); r.err != nil || r.body != "v1" {
		t.Fatalf("before the swap: %q %v, want v1", r.body, r.err)
	}
	slow := make(chan kaResult, 1)
	go func() { slow <- ka.get(url + "slow?ms=1000") }()
	time.Sleep(100 * time.Millisecond)
	writeAtomic(t, h.versionFile, "v2")
	writeAtomic(t, h.stampFile, "2")
	st := h.waitStatus("serving", "2", 10*time.Second)
	swapAt := time.UnixMilli(st.UpdatedAt)
	var r kaResult
	select {
	case r = <-slow:
	case <-time.After(5 * time.Second):
		t.Fatal("the slow request did not finish")
	}
	if r.err != nil || r.body != "v1" || r.conns != 1 || !r.reused {
		t.Errorf("request outstanding across the swap: %q %v conns=%d reused=%v, want v1 on its kept-alive connection",
			r.body, r.err, r.conns, r.reused)
	}
	if after := r.at.Sub(swapAt); after < idleClose+2*idleSweep {
		t.Fatalf("test setup: the slow request was outstanding only %v after the swap", after)
	} else {
		t.Logf("the slow request was answered %d ms after the swap", after.Milliseconds())
	}
	time.Sleep(idleClose + 2*idleSweep)
	if r := ka.get(url); r.err != nil || r.body != "v2" || !r.reused || r.conns != 1 {
		t.Errorf("after the slow answer and %v: %q %v reused=%v conns=%d, want v2 on the kept-alive connection",
			idleClose+2*idleSweep, r.body, r.err, r.reused, r.conns)
	}
}

// TestIdleRule checks what counts as idle, that a connection released as idle
// keeps its client side and sends the client's next request to a new child
// side (dropping what the old child sends late), and that an upgraded
// connection released as idle is closed instead.
func TestIdleRule(t *testing.T) {
	now := int64(time.Minute)
	at := func(ago time.Duration, flow int64) int64 { return (now-int64(ago))<<2 | flow }
	for _, tc := range []struct {
		name string
		v    int64
		want bool
	}{
		{"no bytes yet", at(time.Second, flowNone), false},
		{"request outstanding", at(time.Second, flowUp), false},
		{"response being written", at(time.Second, flowDownOut), false},
		{"response delivered, quiet just under idleClose", at(idleClose-time.Millisecond, flowDown), false},
		{"response delivered, quiet idleClose", at(idleClose, flowDown), true},
		{"closed", stateClosed, false},
		{"detached", stateDetached, false},
	} {
		if got := idle(tc.v, now); got != tc.want {
			t.Errorf("%s: idle = %v, want %v", tc.name, got, tc.want)
		}
	}

	client, clientPeer := net.Pipe()
	upstream, childPeer := net.Pipe()
	upstream2, childPeer2 := net.Pipe()
	dials := 0
	p := newProxyConn(client, upstream, 1, func(use func(net.Conn, int)) error {
		dials++
		use(upstream2, 2)
		return nil
	})
	done := make(chan struct{})
	go func() { p.pipe(); close(done) }()
	flow := func() int64 { return p.state.Load() & 3 }
	buf := make([]byte, 64)
	exchange := func(child net.Conn, request string) {
		t.Helper()
		go func() { _, _ = clientPeer.Write([]byte(request)) }()
		n, err := child.Read(buf)
		if err != nil || string(buf[:n]) != request {
			t.Fatalf("the child read %q %v, want %q", buf[:n], err, request)
		}
		if f := flow(); f != flowUp {
			t.Errorf("after a request: flow %d, want %d", f, flowUp)
		}
		if p.releaseIfIdle(monoNow() + int64(time.Hour)) {
			t.Error("released with a request outstanding")
		}
		go func() { _, _ = child.Write([]byte("HTTP/1.1 200 OK\r\n\r\n")) }()
		if _, err := clientPeer.Read(buf); err != nil {
			t.Fatal(err)
		}
		waitFor(t, time.Second, "response delivered", func() bool { return flow() == flowDown })
	}

	exchange(childPeer, "GET / HTTP/1.1\r\n\r\n")
	if p.releaseIfIdle(monoNow()) {
		t.Error("released right after the response")
	}
	if !p.releaseIfIdle(monoNow() + int64(idleClose)) {
		t.Fatal("not released idleClose after the response")
	}
	if _, err := childPeer.Read(buf); err == nil {
		t.Error("the old child side is still open after releasing as idle")
	}
	exchange(childPeer2, "GET /next HTTP/1.1\r\n\r\n")
	if dials != 1 || p.currentPort() != 2 {
		t.Errorf("after the next request: %d dials, port %d; want 1 dial, port 2", dials, p.currentPort())
	}

	// A WebSocket handshake makes it upgraded: released as idle, it is closed.
	exchange(childPeer2, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	if !p.releaseIfIdle(monoNow() + int64(idleClose)) {
		t.Fatal("upgraded connection not released idleClose after the response")
	}
	if _, _, ok := p.mark(flowUp); ok {
		t.Error("mark succeeded on a connection closed as idle")
	}
	if _, err := clientPeer.Write([]byte("GET")); err == nil {
		t.Error("client side still open after closing as idle")
	}
	if _, err := childPeer2.Read(buf); err == nil {
		t.Error("child side still open after closing as idle")
	}
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Error("pipe did not end")
	}
}

func TestAsksUpgrade(t *testing.T) {
	for _, tc := range []struct {
		req  string
		want bool
	}{
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false},
		{"GET /ws HTTP/1.1\r\nHost: x\r\nupgrade: websocket\r\n\r\n", true},
		{"GET /ws HTTP/1.1\r\nUPGRADE: h2c\r\n", true},
		{"POST / HTTP/1.1\r\nContent-Length: 20\r\n\r\n\r\nUpgrade: no", false},
		{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", true},
	} {
		if got := asksUpgrade([]byte(tc.req)); got != tc.want {
			t.Errorf("asksUpgrade(%q) = %v, want %v", tc.req, got, tc.want)
		}
	}
}

func TestWithConnectionClose(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nhi", "HTTP/1.1 200 OK\r\nConnection: close\r\nConnection: keep-alive\r\n\r\nhi"},
		{"HTTP/1.0 503 Service Unavailable\r\n\r\n", "HTTP/1.0 503 Service Unavailable\r\nConnection: close\r\n\r\n"},
		{"HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n"}, // interim: the final response follows
		{"HTTP/1.1 200 OK", "HTTP/1.1 200 OK"}, // no whole status line
		{"data: 1\n\n", "data: 1\n\n"},         // not a response's start
		{"HTTP/2 200\r\n", "HTTP/2 200\r\n"},
	} {
		if got := string(withConnectionClose([]byte(tc.in))); got != tc.want {
			t.Errorf("withConnectionClose(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestDrainMovesKeptAliveClients: while devrun drains on SIGTERM (its child
// has no drain delay of its own), every response says "Connection: close", so
// a keep-alive client leaves the terminating pod on a response, never on an
// idle connection closed under its next request. Each request during the
// drain succeeds on a new connection.
func TestDrainMovesKeptAliveClients(t *testing.T) {
	h := startDevrun(t, "v1", "1", "--drain-delay-env=DEVRUN_TEST_DRAIN_DELAY", "DEVRUN_TEST_DRAIN_DELAY=1000")
	h.waitServing("v1", "1")
	url := "http://" + h.listen + "/"
	ka := newKAClient()
	for range 3 {
		if r := ka.get(url); r.err != nil || r.closes {
			t.Fatalf("before SIGTERM: %+v, want a kept-alive answer", r)
		}
	}
	if dials, _ := ka.stats(); dials != 1 {
		t.Fatalf("before SIGTERM the client dialled %d times, want 1 kept-alive connection", dials)
	}
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "devrun to start its drain", func() bool {
		return strings.Contains(h.log(), "responses say Connection: close")
	})
	const during = 8
	for i := range during {
		r := ka.get(url)
		if r.err != nil || r.body != "v1" {
			t.Fatalf("request %d during the drain: %+v", i, r)
		}
		if !r.closes {
			t.Fatalf("request %d during the drain: the response kept the connection alive", i)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if dials, _ := ka.stats(); dials != 1+during-1 && dials != 1+during {
		t.Fatalf("the client dialled %d times, want a new connection per request during the drain", dials)
	}
	select {
	case <-h.done:
	case <-time.After(5 * time.Second):
		t.Fatal("devrun did not exit")
	}
}

func TestFailedGenerationKeepsServing(t *testing.T) {
	h := startDevrun(t, "v1", "1")
	h.waitServing("v1", "1")
	hm := startHammer("http://" + h.listen + "/")

	writeAtomic(t, h.versionFile, "crash")
	writeAtomic(t, h.stampFile, "2")
	st := h.waitStatus("failed", "2", 10*time.Second)
	if !strings.Contains(st.Error, "exit code 3") {
		t.Errorf("status error %q lacks the exit code", st.Error)
	}
	if body, code, err := get("http://" + h.listen + "/"); body != "v1" || code != 200 || err != nil {
		t.Errorf("after failed swap: %d %q %v, want v1", code, body, err)
	}
	time.Sleep(100 * time.Millisecond) // still failed, no retry without a new stamp
	if st, err := h.readStatus(); err != nil || st.State != "failed" {
		t.Errorf("status after failure: %+v %v", st, err)
	}

	writeAtomic(t, h.versionFile, "v3")
	writeAtomic(t, h.stampFile, "3")
	h.waitStatus("serving", "3", 10*time.Second)
	waitFor(t, 5*time.Second, "answers from v3", func() bool { return hm.count("v3") >= 5 })
	hm.finish(t, "v1", "v3")
	if !strings.Contains(h.log(), "devrun: generation 2 failed on :") {
		t.Errorf("log lacks the failure")
	}
}

func TestStampChangesDuringSwap(t *testing.T) {
	h := startDevrun(t, "v1", "1", "DEVRUN_TEST_READY_DELAY=300ms")
	h.waitServing("v1", "1")
	writeAtomic(t, h.versionFile, "v2")
	writeAtomic(t, h.stampFile, "2")
	h.waitStatus("starting", "2", 5*time.Second)
	time.Sleep(100 * time.Millisecond) // let the gen-2 child read its version
	writeAtomic(t, h.versionFile, "v3")
	writeAtomic(t, h.stampFile, "3")
	h.waitStatus("serving", "3", 10*time.Second)
	h.waitBody("v3")
	log := h.log()
	if !strings.Contains(log, "generation 2 serving on") || !strings.Contains(log, "generation 3 serving on") {
		t.Errorf("want two successive swaps (2 then 3)")
	}
}

func TestCrashRestarts(t *testing.T) {
	h := startDevrun(t, "v1", "1")
	h.waitServing("v1", "1")
	_, _, _ = get(fmt.Sprintf("http://127.0.0.1:%d/exit", h.ports[0]))
	st := h.waitStatus("crashed", "1", 5*time.Second)
	if st.Error != "exit code 5" {
		t.Errorf("crashed status error = %q, want exit code 5", st.Error)
	}
	h.waitStatus("serving", "1", 10*time.Second)
	h.waitServing("v1", "1")
	if !strings.Contains(h.log(), "exited unexpectedly (exit code 5); restarting in 1s") {
		t.Errorf("log lacks the crash")
	}
}

func TestSigtermDrainsAndExits(t *testing.T) {
	h := startDevrun(t, "v1", "1")
	h.waitServing("v1", "1")
	slow := make(chan string, 1)
	go func() {
		body, code, err := get("http://" + h.listen + "/slow?ms=1500")
		slow <- fmt.Sprintf("%d %s %v", code, body, err)
	}()
	time.Sleep(200 * time.Millisecond)
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	h.waitStatus("stopping", "1", time.Second)
	if c, err := net.DialTimeout("tcp", h.listen, time.Second); err != nil {
		t.Errorf("listener closed while the child drains: %v", err)
	} else {
		c.Close()
	}
	if got := <-slow; got != "200 v1 <nil>" {
		t.Errorf("in-flight request during shutdown: got %s, want 200 v1", got)
	}
	select {
	case <-h.done:
	case <-time.After(10 * time.Second):
		t.Fatal("devrun did not exit")
	}
	if code := h.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if b, _ := os.ReadFile(h.termFile); string(b) != "sigterm v1\n" {
		t.Errorf("child SIGTERM marker = %q", b)
	}
	if _, err := os.Stat(h.statusFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("status file not removed: %v", err)
	}
}

func TestFlags(t *testing.T) {
	ok := []string{"--listen", ":0", "--stamp", "s", "--status-dir", "d", "--ready-path", "/readyz", "--ports", "18080,18081"}
	with := func(extra ...string) []string { return append(append([]string{}, ok...), extra...) }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--listen"},
		{[]string{"--listen", ":0", "--stamp", "s", "--", "app"}, "--status-dir"},
		{with("--ports", "18080", "--", "app"), "--ports"},
		{with("--ports", "18080,18080", "--", "app"), "--ports"},
		{with("--poll", "abc", "--", "app"), "-poll"},
		{with("--ready-timeout", "0s", "--", "app"), "--ready-timeout"},
		{with("--bogus", "--", "app"), "-bogus"},
		{with("--ready-path", "readyz", "--", "app"), "--ready-path"},
		{with("--listen", "8080", "--", "app"), "--listen"},
		{with(), "missing command"},
		{with("--"), "missing command"},
	} {
		cmd := exec.Command(devrunBin, tc.args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%v: got %v, want exit 2", tc.args, err)
		}
		if !strings.Contains(stderr.String(), tc.want) || !strings.HasPrefix(stderr.String(), "devrun: ") {
			t.Errorf("%v: stderr %q does not name %q", tc.args, stderr.String(), tc.want)
		}
	}
	out, err := exec.Command(devrunBin, "--version").Output()
	if err != nil || string(out) != "devrun (kit) 1\n" {
		t.Errorf("--version: %q %v", out, err)
	}
}

func TestReadGen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "stamp")
	for _, tc := range []struct {
		content *string
		want    string
	}{{nil, "0"}, {ptr(""), "0"}, {ptr(" \n"), "0"}, {ptr(" abc123\n"), "abc123"}} {
		os.Remove(p)
		if tc.content != nil {
			os.WriteFile(p, []byte(*tc.content), 0o644)
		}
		if got, err := readGen(p); got != tc.want || err != nil {
			t.Errorf("readGen(%v) = %q, %v; want %q", tc.content, got, err, tc.want)
		}
	}
}

func ptr(s string) *string { return &s }

// TestQuickSavesTakeAFreePort: with more than two ports, a second swap while
// the first old child still drains (3 s) starts on a free port at once instead
// of waiting for the drain to end.
func TestQuickSavesTakeAFreePort(t *testing.T) {
	h := startDevrunPorts(t, 4, "v1", "1", "DEVRUN_TEST_DRAIN_DELAY=3s")
	h.waitServing("v1", "1")
	for gen, version := range map[string]string{"2": "v2"} {
		writeAtomic(t, h.versionFile, version)
		writeAtomic(t, h.stampFile, gen)
		h.waitServing(version, gen)
	}
	started := time.Now()
	writeAtomic(t, h.versionFile, "v3")
	writeAtomic(t, h.stampFile, "3")
	h.waitServing("v3", "3")
	if took := time.Since(started); took > 2*time.Second {
		t.Fatalf("the second swap took %v: it waited for the first old child's drain", took)
	}
	if strings.Contains(h.log(), "waiting for generation") {
		t.Fatalf("a swap waited for a draining child although ports were free:\n%s", h.log())
	}
}

// TestDrainDelayEnv: with --drain-delay-env the children get 0 (a swapped-out
// child stops at once, freeing its port), while on SIGTERM devrun itself keeps
// serving for the app's delay before passing the signal on.
func TestDrainDelayEnv(t *testing.T) {
	h := startDevrun(t, "v1", "1", "--drain-delay-env=DEVRUN_TEST_DRAIN_DELAY", "DEVRUN_TEST_DRAIN_DELAY=1000")
	h.waitServing("v1", "1")
	writeAtomic(t, h.versionFile, "v2")
	writeAtomic(t, h.stampFile, "2")
	h.waitServing("v2", "2")
	// The old child had no drain delay (it would have parsed "1000" as an invalid duration and kept 0
	// anyway, so look at the timing): it is gone well within its 1 s.
	waitFor(t, 700*time.Millisecond, "the swapped-out child to exit", func() bool {
		b, _ := os.ReadFile(h.termFile)
		return strings.Contains(string(b), "sigterm v1")
	})
	_ = os.Remove(h.termFile)
	sent := time.Now()
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if body, _, err := get("http://" + h.listen + "/"); err != nil || body != "v2" {
		t.Fatalf("500 ms after SIGTERM (drain 1 s): %q %v, want v2 served", body, err)
	}
	if b, _ := os.ReadFile(h.termFile); len(b) != 0 {
		t.Fatalf("the child got SIGTERM before devrun's own drain delay ended")
	}
	waitFor(t, 3*time.Second, "the child to get SIGTERM", func() bool {
		b, _ := os.ReadFile(h.termFile)
		return len(b) > 0
	})
	if took := time.Since(sent); took < 900*time.Millisecond {
		t.Fatalf("the child got SIGTERM %v after devrun did, want about 1 s", took)
	}
	select {
	case <-h.done:
	case <-time.After(5 * time.Second):
		t.Fatal("devrun did not exit")
	}
}
