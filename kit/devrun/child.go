package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is one run of the app's command on one internal port.
type child struct {
	gen  string
	port int
	done chan struct{} // closed once the process has exited (or will never start)

	mu       sync.Mutex
	proc     *os.Process
	killed   bool  // SIGKILL requested (also prevents a not yet started child from starting)
	termed   bool  // SIGTERM sent by devrun
	startErr error // set if the command could not be started
	state    *os.ProcessState
}

func newChild(gen string, port int) *child {
	return &child{gen: gen, port: port, done: make(chan struct{})}
}

func (c *child) signal(sig syscall.Signal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch sig {
	case syscall.SIGKILL:
		c.killed = true
	case syscall.SIGTERM:
		c.termed = true
	}
	if c.proc != nil {
		_ = c.proc.Signal(sig) // fails harmlessly if it already exited
	}
}

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// exitDesc describes how the child ended; only valid after done is closed.
func (c *child) exitDesc() string {
	switch {
	case c.startErr != nil:
		return "failed to start: " + c.startErr.Error()
	case c.state == nil:
		return "did not start"
	}
	if ws, ok := c.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "killed by signal " + ws.Signal().String()
	}
	return "exit code " + strconv.Itoa(c.state.ExitCode())
}

// exitCode is devrun's exit code after this child stopped; a child that died
// of devrun's own SIGTERM counts as a clean exit.
func (c *child) exitCode() int {
	if c.state == nil {
		return 1
	}
	if ws, ok := c.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		c.mu.Lock()
		termed := c.termed
		c.mu.Unlock()
		if termed && ws.Signal() == syscall.SIGTERM {
			return 0
		}
		return 128 + int(ws.Signal())
	}
	return c.state.ExitCode()
}

// childEnv is devrun's environment with PORT set to the child's port and the
// drain-delay variable, if any, set to 0 (devrun drains on SIGTERM itself).
func childEnv(port int, drainEnv string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORT=") && (drainEnv == "" || !strings.HasPrefix(kv, drainEnv+"=")) {
			env = append(env, kv)
		}
	}
	if drainEnv != "" {
		env = append(env, drainEnv+"=0")
	}
	return append(env, "PORT="+strconv.Itoa(port))
}

// start runs the command for c. It closes c.done when the process exits.
func (s *supervisor) start(c *child) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.killed {
		close(c.done)
		return errors.New("cancelled before start")
	}
	cmd := exec.Command(s.cfg.command[0], s.cfg.command[1:]...)
	cmd.Env = childEnv(c.port, s.cfg.drainEnv)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		c.startErr = err
		close(c.done)
		return fmt.Errorf("failed to start: %v", err)
	}
	c.proc = cmd.Process
	go func() {
		_ = cmd.Wait()
		c.state = cmd.ProcessState
		close(c.done)
	}()
	return nil
}

// launch starts c in the background once prev (the previous child on the
// same port, if any) has exited, waits until it is ready and reports the
// outcome on s.results.
func (s *supervisor) launch(c *child, prev *child) {
	go func() {
		if prev != nil && !prev.exited() {
			logger.Printf("generation %s: waiting for generation %s to leave :%d", c.gen, prev.gen, c.port)
			<-prev.done
		}
		err := s.start(c)
		if err == nil {
			err = s.waitReady(c)
		}
		s.results <- launchResult{c: c, err: err}
	}()
}

// waitReady polls GET http://127.0.0.1:<port><ready-path> every 20 ms until it
// answers 2xx, the child exits, or --ready-timeout passes (then SIGKILL).
func (s *supervisor) waitReady(c *child) error {
	url := fmt.Sprintf("http://127.0.0.1:%d%s", c.port, s.cfg.readyPath)
	client := &http.Client{
		Timeout:   time.Second,
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
	}
	deadline := time.NewTimer(s.cfg.readyTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if c.exited() {
			return fmt.Errorf("exited before ready (%s)", c.exitDesc())
		}
		if probe(client, url) {
			return nil
		}
		select {
		case <-c.done:
		case <-deadline.C:
			c.signal(syscall.SIGKILL)
			return fmt.Errorf("not ready after %v (killed)", s.cfg.readyTimeout)
		case <-tick.C:
		}
	}
}

func probe(client *http.Client, url string) bool {
	resp, err := client.Get(url)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}

// stop SIGTERMs c and waits for it in the background, SIGKILLing it after
// --stop-timeout.
func (s *supervisor) stop(c *child) {
	c.signal(syscall.SIGTERM)
	go func() {
		t := time.NewTimer(s.cfg.stopTimeout)
		defer t.Stop()
		select {
		case <-c.done:
		case <-t.C:
			logger.Printf("generation %s on :%d still running %v after SIGTERM; sending SIGKILL", c.gen, c.port, s.cfg.stopTimeout)
			c.signal(syscall.SIGKILL)
			<-c.done
		}
		logger.Printf("generation %s on :%d stopped (%s)", c.gen, c.port, c.exitDesc())
	}()
}
