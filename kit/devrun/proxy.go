package main

import (
	"bytes"
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
//
// devrun therefore moves the connections to old children that are idle
// between two HTTP requests: it closes their child side and keeps the client
// side open, and the client's next request goes to a new connection to the
// serving child. The client never sees its connection closed, so there is no
// race between devrun closing it and the client sending its next request on
// it (a client that does not retry, like Node's fetch, would report that as
// "other side closed").
//
// devrun only sees bytes, so a connection counts as idle when the last bytes
// on it went from the child to the client (a response was the last thing)
// and no bytes have flowed either way for idleClose. A request that is
// outstanding (the last bytes went to the child) or a response being written
// is never idle, however long it takes. A connection whose client asked for a
// protocol upgrade (a WebSocket) carries no more HTTP requests to move: once
// idle it is closed, and its client reconnects to the new child.
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

	stateClosed   = -1 // closed as idle (an upgraded connection); bytes read afterwards are dropped
	stateDetached = -2 // its child side was closed as idle; the next request dials the serving child
)

var clockStart = time.Now()

// monoNow is the monotonic time since devrun started, in nanoseconds.
func monoNow() int64 { return int64(time.Since(clockStart)) }

// dialFunc dials the serving child and calls use with the connection and its
// port before any swap can retire that child (the supervisor holds the
// target's read lock throughout).
type dialFunc func(use func(upstream net.Conn, port int)) error

// proxyConn is one proxied connection: a client of the public port and its
// connection to a child's port, which changes when the connection is moved.
type proxyConn struct {
	client net.Conn
	dial   dialFunc

	mu       sync.Mutex // guards upstream and port
	upstream net.Conn   // nil while detached
	port     int
	downs    sync.WaitGroup // one pumpDown per child side

	upgraded atomic.Bool // the client asked for a protocol upgrade
	// drainClose, once true, makes every response that starts on the
	// connection say "Connection: close" (see withConnectionClose). It is the
	// supervisor's, set for devrun's own drain; nil in tests of one connection.
	drainClose *atomic.Bool
	// state is monoNow()<<2 | flow of the last bytes that flowed, or
	// stateClosed or stateDetached. One word, so that deciding a connection is
	// idle and marking new bytes are atomic with respect to each other: either
	// the bytes are marked first (and the connection is not idle), or it was
	// closed or detached first (and the bytes are dropped, or go to the new child).
	state     atomic.Int64
	closeOnce sync.Once
}

func newProxyConn(client, upstream net.Conn, port int, dial dialFunc) *proxyConn {
	p := &proxyConn{client: client, upstream: upstream, port: port, dial: dial}
	p.state.Store(monoNow()<<2 | flowNone)
	return p
}

// currentPort is the child port the connection goes to now.
func (p *proxyConn) currentPort() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.port
}

// current is the connection's child side now (nil while detached).
func (p *proxyConn) current() net.Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.upstream
}

func (p *proxyConn) close() {
	p.closeOnce.Do(func() {
		_ = p.client.Close()
		if up := p.current(); up != nil {
			_ = up.Close()
		}
	})
}

// mark records that bytes flow now in direction flow. It returns the new
// state, the state before it, and whether the bytes may be forwarded: false
// once the connection was closed as idle, or, for flow other than flowUp,
// detached.
func (p *proxyConn) mark(flow int64) (v, old int64, ok bool) {
	for {
		old = p.state.Load()
		if old == stateClosed || (old == stateDetached && flow != flowUp) {
			return 0, old, false
		}
		v = monoNow()<<2 | flow
		if p.state.CompareAndSwap(old, v) {
			return v, old, true
		}
	}
}

// idle reports whether state v means idle between requests at time now.
func idle(v, now int64) bool {
	return v >= 0 && v&3 == flowDown && now-v>>2 >= int64(idleClose)
}

// releaseIfIdle frees p from its child if it is idle at time now: it moves
// p (closes its child side and keeps the client side) or, if upgraded,
// closes it. It reports whether it did.
func (p *proxyConn) releaseIfIdle(now int64) bool {
	v := p.state.Load()
	if !idle(v, now) {
		return false
	}
	if p.upgraded.Load() {
		if !p.state.CompareAndSwap(v, stateClosed) {
			return false
		}
		p.close()
		return true
	}
	// Under mu, so that pumpUp, once it has marked new bytes on a detached
	// connection, finds no child side and dials a new one.
	p.mu.Lock()
	if !p.state.CompareAndSwap(v, stateDetached) {
		p.mu.Unlock()
		return false
	}
	up := p.upstream
	p.upstream = nil
	p.mu.Unlock()
	if up != nil {
		_ = up.Close()
	}
	return true
}

// attach gives a detached connection a new child side: the serving child's.
func (p *proxyConn) attach() (net.Conn, error) {
	var up net.Conn
	err := p.dial(func(c net.Conn, port int) {
		p.mu.Lock()
		p.upstream, p.port, up = c, port, c
		p.mu.Unlock()
	})
	if err != nil {
		return nil, err
	}
	p.startDown(up)
	return up, nil
}

// pumpUp copies the client's bytes to the connection's child side until the
// client ends (then it half-closes the child side) or either side fails (then
// it closes both). Bytes that start a request on a detached connection go to
// a new connection to the serving child. It does not use io.Copy, which would
// splice TCP to TCP in the kernel, unseen.
func (p *proxyConn) pumpUp() {
	buf := make([]byte, 32<<10)
	for {
		n, err := p.client.Read(buf)
		if n > 0 {
			prev := p.state.Load()
			startsRequest := prev == stateDetached || (prev >= 0 && prev&3 != flowUp)
			if startsRequest && !p.upgraded.Load() && asksUpgrade(buf[:n]) {
				p.upgraded.Store(true)
			}
			if _, _, ok := p.mark(flowUp); !ok {
				return // closed as idle
			}
			up := p.current()
			if up == nil {
				var derr error
				if up, derr = p.attach(); derr != nil {
					logger.Printf("moving an idle connection to the serving child: %v", derr)
					p.close()
					return
				}
			}
			if _, werr := up.Write(buf[:n]); werr != nil {
				p.close()
				return
			}
		}
		if err == io.EOF {
			up := p.current()
			if up == nil {
				p.close()
				return
			}
			if cw, ok := up.(interface{ CloseWrite() error }); !ok || cw.CloseWrite() != nil {
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

// pumpDown copies the bytes of child side up to the client until up ends
// (then it half-closes the client) or either side fails (then it closes
// both). Once up is no longer the connection's child side (it was closed as
// idle), it ends without touching the client.
func (p *proxyConn) pumpDown(up net.Conn) {
	buf := make([]byte, 32<<10)
	stale := func() bool { return p.current() != up }
	for {
		n, err := up.Read(buf)
		if n > 0 {
			if stale() {
				return
			}
			v, old, ok := p.mark(flowDownOut)
			if !ok {
				return // closed or detached as idle
			}
			out := buf[:n]
			// Bytes after a request's start a response.
			if old >= 0 && old&3 == flowUp && p.drainClose != nil && p.drainClose.Load() && !p.upgraded.Load() {
				out = withConnectionClose(out)
			}
			if _, werr := p.client.Write(out); werr != nil {
				p.close()
				return
			}
			// delivered, unless other bytes flowed meanwhile
			p.state.CompareAndSwap(v, monoNow()<<2|flowDown)
		}
		if err != nil && stale() {
			return
		}
		if err == io.EOF {
			if cw, ok := p.client.(interface{ CloseWrite() error }); !ok || cw.CloseWrite() != nil {
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

// withConnectionClose adds "Connection: close" to the head of an HTTP/1.x
// response that starts b (not to an interim 1xx one), so that its client
// closes the connection after reading it and sends its next request on a new
// one. devrun does this while it drains on SIGTERM: its child was started with
// no drain delay (--drain-delay-env), so the child cannot do what the apps do
// in their own drain, and a kept-alive client would otherwise stay on the
// terminating pod until the child closes its idle connection, which races
// with the client's next request (Node's fetch reports "other side closed").
// A client reads "close" among several Connection headers as close (RFC 9112
// section 9.6; llhttp and Go's client do). b is returned unchanged when it
// does not hold a whole status line.
func withConnectionClose(b []byte) []byte {
	if len(b) < 13 || !(bytes.HasPrefix(b, []byte("HTTP/1.1 ")) || bytes.HasPrefix(b, []byte("HTTP/1.0 "))) || b[9] == '1' {
		return b
	}
	i := bytes.Index(b, []byte("\r\n"))
	if i < 0 {
		return b
	}
	const header = "Connection: close\r\n"
	out := make([]byte, 0, len(b)+len(header))
	out = append(out, b[:i+2]...)
	out = append(out, header...)
	return append(out, b[i+2:]...)
}

// asksUpgrade reports whether the start of a request asks for a protocol
// upgrade (an Upgrade header, as a WebSocket handshake has) or is HTTP/2's
// connection preface.
func asksUpgrade(b []byte) bool {
	if bytes.HasPrefix(b, []byte("PRI * HTTP/2")) {
		return true
	}
	head := b
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		head = b[:i]
	}
	return bytes.Contains(bytes.ToLower(head), []byte("\r\nupgrade:"))
}

// startDown starts copying child side up to the client.
func (p *proxyConn) startDown(up net.Conn) {
	p.downs.Add(1)
	go func() {
		defer p.downs.Done()
		p.pumpDown(up)
	}()
}

// pipe proxies until both directions are done: the client's and those of
// every child side the connection had, or either side failed.
func (p *proxyConn) pipe() {
	p.startDown(p.current())
	p.pumpUp() // every later child side is attached, and its pumpDown started, by pumpUp
	p.downs.Wait()
	p.close()
}

// dialTarget dials the serving child's port and hands the connection to use
// while holding the target's read lock, so that a swap (which takes the write
// lock) only SIGTERMs the old child after every dial to it has completed, and
// finds every connection to it registered.
func (s *supervisor) dialTarget(use func(upstream net.Conn, port int)) error {
	s.targetMu.RLock()
	defer s.targetMu.RUnlock()
	port := s.target
	upstream, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		return err
	}
	use(upstream, port)
	return nil
}

func (s *supervisor) proxy(client net.Conn) {
	var p *proxyConn
	err := s.dialTarget(func(upstream net.Conn, port int) {
		p = newProxyConn(client, upstream, port, s.dialTarget)
		p.drainClose = &s.drainClose
		s.connsMu.Lock()
		s.conns[p] = struct{}{}
		s.connsMu.Unlock()
	})
	if err != nil {
		_ = client.Close()
		return
	}
	p.pipe()
	s.connsMu.Lock()
	delete(s.conns, p)
	s.connsMu.Unlock()
}

// closeIdleOld releases the proxied connections to old children that are
// idle (see releaseIfIdle), and starts the sweep ticker, which calls it again
// every idleSweep while some old child is draining.
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
	released := map[*child]int{}
	s.connsMu.Lock()
	for p := range s.conns {
		if r := draining[p.currentPort()]; r != nil && p.releaseIfIdle(now) {
			released[r]++
		}
	}
	s.connsMu.Unlock()
	for r, n := range released {
		logger.Printf("generation %s on :%d: released %d idle connection(s)", r.gen, r.port, n)
	}
}
