package main

import (
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// After a swap the old child drains, and an app may keep idle keep-alive
// connections open while it does (apps/node-app does for DRAIN_DELAY_MS: right
// for a pod's termination, where the load balancer still sends to the pod,
// wrong for a swap), so a browser or another keep-alive client would keep
// getting the old code from them.
// devrun therefore closes the connections to old children that are idle
// between two HTTP requests, as a server's keep-alive timeout would; HTTP
// clients then reconnect, to the new child.
//
// devrun only sees bytes, so a connection counts as idle when the last bytes
// on it went from the child to the client (a response was the last thing)
// and no bytes have flowed either way for idleClose. A request that is
// outstanding (the last bytes went to the child) or a response being written
// is never idle, however long it takes; a stream (SSE, WebSocket) is idle
// only once the child was the last to send and it then pauses for idleClose.
const (
	idleClose = 150 * time.Millisecond // quiet after a response that makes a connection idle
	idleSweep = 50 * time.Millisecond  // how often idle connections to draining children are looked for
)

// Direction of the last bytes on a proxied connection (the low two bits of
// proxyConn.state).
const (
	flowNone    = 0 // no bytes yet
	flowUp      = 1 // client→child bytes: a request (or part of one) is outstanding
	flowDownOut = 2 // child→client bytes are being written to the client
	flowDown    = 3 // child→client bytes were delivered: a response was the last thing

	stateClosed = -1 // closed as idle; bytes read afterwards are dropped
)

var clockStart = time.Now()

// monoNow is the monotonic time since devrun started, in nanoseconds.
func monoNow() int64 { return int64(time.Since(clockStart)) }

// proxyConn is one proxied connection: a client of the public port and the
// child port it was dialled to.
type proxyConn struct {
	port             int
	client, upstream net.Conn
	// state is monoNow()<<2 | flow of the last bytes that flowed, or
	// stateClosed. One word, so that deciding a connection is idle and marking
	// new bytes are atomic with respect to each other: either the bytes are
	// marked first (and the connection is not idle), or it was closed first
	// (and they are dropped instead of reaching the old child).
	state     atomic.Int64
	closeOnce sync.Once
}

func (p *proxyConn) close() {
	p.closeOnce.Do(func() {
		_ = p.client.Close()
		_ = p.upstream.Close()
	})
}

// mark records that bytes flow now in direction flow. It returns the new
// state, or false if the connection was closed as idle.
func (p *proxyConn) mark(flow int64) (int64, bool) {
	for {
		old := p.state.Load()
		if old == stateClosed {
			return 0, false
		}
		v := monoNow()<<2 | flow
		if p.state.CompareAndSwap(old, v) {
			return v, true
		}
	}
}

// idle reports whether state v means idle between requests at time now.
func idle(v, now int64) bool {
	return v != stateClosed && v&3 == flowDown && now-v>>2 >= int64(idleClose)
}

// closeIfIdle closes both sides of p if it is idle at time now.
func (p *proxyConn) closeIfIdle(now int64) bool {
	v := p.state.Load()
	if !idle(v, now) || !p.state.CompareAndSwap(v, stateClosed) {
		return false
	}
	p.close()
	return true
}

// pump copies src to dst, tracking the flow, until src ends (then it
// half-closes dst) or either side fails (then it closes both). It does not
// use io.Copy, which would splice TCP to TCP in the kernel, unseen.
func (p *proxyConn) pump(dst, src net.Conn, down bool) {
	buf := make([]byte, 32<<10)
	flow := int64(flowUp)
	if down {
		flow = flowDownOut
	}
	for {
		n, err := src.Read(buf)
		if n > 0 {
			v, ok := p.mark(flow)
			if !ok {
				return // closed as idle
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				p.close()
				return
			}
			if down { // delivered, unless other bytes flowed meanwhile
				p.state.CompareAndSwap(v, monoNow()<<2|flowDown)
			}
		}
		if err == io.EOF {
			if cw, ok := dst.(interface{ CloseWrite() error }); !ok || cw.CloseWrite() != nil {
				p.close()
			}
			return
		}
		if err != nil {
			p.close()
			return
		}
	}
}

// pipe copies both ways, half-closing on EOF and closing both connections
// when both directions are done or either fails.
func (p *proxyConn) pipe() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.pump(p.upstream, p.client, false)
	}()
	p.pump(p.client, p.upstream, true)
	wg.Wait()
	p.close()
}

func (s *supervisor) proxy(client net.Conn) {
	// Hold the read lock while dialling so that a swap (which takes the write
	// lock) only SIGTERMs the old child after every dial to it has completed,
	// and finds every connection to it registered.
	s.targetMu.RLock()
	port := s.target
	upstream, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
	var p *proxyConn
	if err == nil {
		p = &proxyConn{port: port, client: client, upstream: upstream}
		p.state.Store(monoNow()<<2 | flowNone)
		s.connsMu.Lock()
		s.conns[p] = struct{}{}
		s.connsMu.Unlock()
	}
	s.targetMu.RUnlock()
	if err != nil {
		_ = client.Close()
		return
	}
	p.pipe()
	s.connsMu.Lock()
	delete(s.conns, p)
	s.connsMu.Unlock()
}

// closeIdleOld closes the proxied connections to old children that are idle,
// and starts the sweep ticker, which calls it again every idleSweep while
// some old child is draining.
func (s *supervisor) closeIdleOld() {
	draining := map[int]*child{}
	for _, r := range s.retired {
		// An old child never shares its port with the serving one (a new
		// child waits for the previous one on its port to exit); checked anyway.
		if !r.exited() && r.port != s.cur.port {
			draining[r.port] = r
		}
	}
	if len(draining) == 0 {
		if s.sweep != nil {
			s.sweep.Stop()
			s.sweep = nil
		}
		return
	}
	if s.sweep == nil {
		s.sweep = time.NewTicker(idleSweep)
	}
	now := monoNow()
	closed := map[*child]int{}
	s.connsMu.Lock()
	for p := range s.conns {
		if r := draining[p.port]; r != nil && p.closeIfIdle(now) {
			closed[r]++
		}
	}
	s.connsMu.Unlock()
	for r, n := range closed {
		logger.Printf("generation %s on :%d: closed %d idle connection(s)", r.gen, r.port, n)
	}
}
