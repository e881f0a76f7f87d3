package main

import (
	"errors"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type launchResult struct {
	c   *child
	err error // nil: the child is ready
}

// supervisor holds all state; everything except the proxy target and the set
// of proxied connections is owned by the loop goroutine.
type supervisor struct {
	cfg     *config
	status  *statusWriter
	results chan launchResult

	targetMu sync.RWMutex // read-held by the proxy while dialling
	target   int

	connsMu sync.Mutex
	conns   map[*proxyConn]struct{} // open proxied connections
	sweep   *time.Ticker            // runs while an old child drains (see closeIdleOld)

	cur       *child // serving child, or the one being (re)started on the serving port
	curReady  bool   // cur passed readiness and has not exited
	pending   *child // swap candidate on the other port
	swapStart time.Time
	onPort    map[int]*child   // last child started on each port
	retired   []*child         // old children draining after SIGTERM
	drained   <-chan time.Time // fires when devrun's own drain delay after SIGTERM ends
	// drainClose is true during devrun's own drain: responses say "Connection: close".
	drainClose atomic.Bool

	lastGen   string // last generation read from the stamp
	seq       int    // number of observed stamp changes
	attempted int    // seq of the last generation started
	stampErr  string

	restartC  <-chan time.Time
	stopping  bool
	exitChild *child        // serving child at shutdown; its exit code is ours
	finished  chan struct{} // closed when every child has exited after shutdown
}

func run(cfg *config) int {
	sigCh := make(chan os.Signal, 2)
	signal.Notify(sigCh, syscall.SIGTERM, syscall.SIGINT)
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		logger.Printf("listen on %s: %v", cfg.listen, err)
		return 1
	}
	s := &supervisor{
		cfg:     cfg,
		status:  newStatusWriter(cfg.statusDir),
		results: make(chan launchResult, 4),
		target:  cfg.ports[0],
		onPort:  map[int]*child{},
		conns:   map[*proxyConn]struct{}{},
	}
	go s.serve(ln)
	return s.loop(sigCh)
}

func (s *supervisor) loop(sigCh <-chan os.Signal) int {
	gen, err := readGen(s.cfg.stamp)
	if err != nil {
		logger.Printf("reading stamp: %v (using generation 0)", err)
		gen = "0"
	}
	s.lastGen = gen
	c := newChild(gen, s.cfg.ports[0])
	s.cur, s.onPort[c.port] = c, c
	logger.Printf("generation %s: starting on :%d, proxying %s", gen, c.port, s.cfg.listen)
	s.status.set("starting", gen, "")
	s.launch(c, nil)

	poll := time.NewTicker(s.cfg.poll)
	defer poll.Stop()
	heartbeat := time.NewTicker(2 * time.Second)
	defer heartbeat.Stop()
	for {
		var curDone <-chan struct{}
		if s.curReady {
			curDone = s.cur.done
		}
		var sweepC <-chan time.Time
		if s.sweep != nil {
			sweepC = s.sweep.C
		}
		select {
		case <-poll.C:
			if !s.stopping {
				s.pollStamp()
			}
		case <-heartbeat.C:
			s.status.write()
		case <-sweepC:
			s.closeIdleOld()
		case r := <-s.results:
			if !s.stopping {
				s.handleResult(r)
			}
		case <-curDone:
			s.curReady = false
			if !s.stopping {
				s.handleCrash()
			}
		case <-s.restartC:
			s.restartC = nil
			s.restart()
		case sig := <-sigCh:
			s.handleSignal(sig)
		case <-s.drained:
			s.drained = nil
			s.stop(s.exitChild)
		case <-s.finished:
			code := 0
			if s.exitChild != nil {
				code = s.exitChild.exitCode()
			}
			logger.Printf("exiting with code %d", code)
			s.status.remove()
			if s.sweep != nil {
				s.sweep.Stop()
			}
			return code
		}
	}
}

func (s *supervisor) pollStamp() {
	gen, err := readGen(s.cfg.stamp)
	if err != nil {
		if err.Error() != s.stampErr {
			s.stampErr = err.Error()
			logger.Printf("reading stamp: %v", err)
		}
		return
	}
	s.stampErr = ""
	if gen != s.lastGen {
		s.lastGen = gen
		s.seq++
	}
	s.maybeSwap()
}

// nextPort picks the port for a new child: the first one, other than the
// current child's, whose last child has exited; when every one still has a
// draining child, the one after the current child's (the launch then waits).
func (s *supervisor) nextPort() int {
	for _, p := range s.cfg.ports {
		if s.cur != nil && p == s.cur.port {
			continue
		}
		if prev := s.onPort[p]; prev == nil || prev.exited() {
			return p
		}
	}
	for i, p := range s.cfg.ports {
		if s.cur != nil && p == s.cur.port {
			return s.cfg.ports[(i+1)%len(s.cfg.ports)]
		}
	}
	return s.cfg.ports[0]
}

// maybeSwap starts a swap to the latest generation if the stamp changed since
// the last start and no swap is in progress.
func (s *supervisor) maybeSwap() {
	if s.stopping || s.pending != nil || s.seq == s.attempted {
		return
	}
	s.attempted = s.seq
	port := s.nextPort()
	c := newChild(s.lastGen, port)
	prev := s.onPort[port]
	s.pending, s.onPort[port] = c, c
	s.swapStart = time.Now()
	logger.Printf("generation %s: starting on :%d", c.gen, port)
	s.status.set("starting", c.gen, "")
	s.launch(c, prev)
}

func (s *supervisor) handleResult(r launchResult) {
	c := r.c
	switch c {
	case s.pending:
		s.pending = nil
		if r.err != nil {
			msg := "no generation is serving"
			if s.curReady {
				msg = "generation " + s.cur.gen + " keeps serving on :" + strconv.Itoa(s.cur.port)
			}
			logger.Printf("generation %s failed on :%d: %v; %s", c.gen, c.port, r.err, msg)
			s.status.set("failed", c.gen, r.err.Error())
		} else {
			ms := time.Since(s.swapStart).Milliseconds()
			s.setTarget(c.port) // waits for dials in flight to the old child
			old := s.cur
			s.cur, s.curReady, s.restartC = c, true, nil
			s.retire(old)
			s.closeIdleOld() // and keep closing them while old children drain
			logger.Printf("generation %s serving on :%d (swap %d ms)", c.gen, c.port, ms)
			s.status.st.SwapMs = ms
			s.status.set("serving", c.gen, "")
		}
		s.maybeSwap()
	case s.cur:
		if r.err != nil {
			logger.Printf("generation %s on :%d: %v; retrying in 1s", c.gen, c.port, r.err)
			if s.pending == nil {
				s.status.set("crashed", c.gen, r.err.Error())
			}
			s.restartC = time.After(time.Second)
			return
		}
		s.curReady = true
		logger.Printf("generation %s serving on :%d", c.gen, c.port)
		if s.pending == nil {
			s.status.set("serving", c.gen, "")
		}
	}
	// Anything else is a stale result for a child that was replaced.
}

func (s *supervisor) handleCrash() {
	c := s.cur
	desc := c.exitDesc()
	logger.Printf("generation %s on :%d exited unexpectedly (%s); restarting in 1s", c.gen, c.port, desc)
	s.status.set("crashed", c.gen, desc)
	s.restartC = time.After(time.Second)
}

func (s *supervisor) restart() {
	old := s.cur
	c := newChild(old.gen, old.port)
	s.cur, s.onPort[c.port] = c, c
	logger.Printf("generation %s: restarting on :%d", c.gen, c.port)
	s.launch(c, old)
}

// retire stops a replaced child gracefully in the background.
func (s *supervisor) retire(old *child) {
	live := s.retired[:0]
	for _, r := range s.retired {
		if !r.exited() {
			live = append(live, r)
		}
	}
	s.retired = live
	if old != nil && !old.exited() {
		s.stop(old)
		s.retired = append(s.retired, old)
	}
}

func (s *supervisor) handleSignal(sig os.Signal) {
	if s.stopping {
		logger.Printf("received %v again; still waiting for children to exit", sig)
		return
	}
	s.stopping, s.restartC = true, nil
	logger.Printf("received %v; stopping", sig)
	s.status.set("stopping", s.cur.gen, "")
	wait := append([]*child{s.cur}, s.retired...)
	if s.pending != nil {
		s.pending.signal(syscall.SIGKILL)
		wait = append(wait, s.pending)
	}
	if s.curReady {
		s.exitChild = s.cur
		if s.cfg.drainDelay > 0 {
			// The child was started with no drain delay: keep serving through it for the
			// app's delay, so endpoints and load balancers stop sending first.
			logger.Printf("serving %v more before passing %v on (--drain-delay-env %s); responses say Connection: close", s.cfg.drainDelay, sig, s.cfg.drainEnv)
			s.drainClose.Store(true)
			s.drained = time.After(s.cfg.drainDelay)
		} else {
			s.stop(s.cur)
		}
	} else {
		s.cur.signal(syscall.SIGKILL)
	}
	finished := make(chan struct{})
	s.finished = finished
	go func() {
		for _, c := range wait {
			<-c.done
		}
		close(finished)
	}()
}

func (s *supervisor) setTarget(port int) {
	s.targetMu.Lock()
	s.target = port
	s.targetMu.Unlock()
}

// serve accepts connections on the public port and proxies each one to the
// current child.
func (s *supervisor) serve(ln net.Listener) {
	var delay time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			logger.Printf("accept: %v; retrying in %v", err, delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		go s.proxy(conn)
	}
}
