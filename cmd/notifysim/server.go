package main

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits of the HTTP server: how long a client may take to send a request, to take an answer,
// and to sit idle between requests, and how many connections may be open at once.
type serverLimits struct {
	ReadHeader time.Duration
	Read       time.Duration
	Write      time.Duration
	Idle       time.Duration
	MaxConns   int
}

// newServer wraps h in an http.Server with the limits. The read timeout bounds reading the
// request, headers and body; once the body is read it is lifted, because the server would
// otherwise cancel a long-poll or an event stream when it expires.
func newServer(h http.Handler, lim serverLimits) *http.Server {
	return &http.Server{
		Handler:           liftReadDeadline(h),
		ReadHeaderTimeout: lim.ReadHeader,
		ReadTimeout:       lim.Read,
		WriteTimeout:      lim.Write,
		IdleTimeout:       lim.Idle,
	}
}

// liftReadDeadline clears the connection's read deadline as soon as the request body has been
// read to its end (at once when there is none).
func liftReadDeadline(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		lift := func() { _ = rc.SetReadDeadline(time.Time{}) }
		if r.Body == nil || r.Body == http.NoBody {
			lift()
		} else {
			r.Body = &eofHook{ReadCloser: r.Body, hook: lift}
		}
		h.ServeHTTP(w, r)
	})
}

type eofHook struct {
	io.ReadCloser
	once sync.Once
	hook func()
}

func (b *eofHook) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.hook)
	}
	return n, err
}

// limitListener accepts at most n connections at a time; the next one waits in the kernel's
// backlog until one closes, so a flood of idle connections can't exhaust file descriptors.
type limitListener struct {
	net.Listener
	sem   chan struct{}
	done  chan struct{}
	close sync.Once
}

func limitConns(l net.Listener, n int) net.Listener {
	if n <= 0 {
		return l
	}
	return &limitListener{Listener: l, sem: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	l.close.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
