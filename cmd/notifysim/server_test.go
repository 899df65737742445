package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestServeRefusesToExposeAdminWithoutToken(t *testing.T) {
	tests := []serveRefusal{
		{name: "all interfaces", args: []string{"--addr", ":4545"}, wantCode: 2, wantStderr: "--admin-token"},
		{name: "unspecified IPv4", args: []string{"--addr", "0.0.0.0:4545"}, wantCode: 2, wantStderr: "can be reached from other machines"},
		{name: "a LAN address", args: []string{"--addr", "192.0.2.7:4545"}, wantCode: 2, wantStderr: "NOTIFYSIM_ADMIN_TOKEN"},
		{name: "a host name", args: []string{"--addr", "sandbox.example:4545"}, wantCode: 2, wantStderr: "listen on 127.0.0.1"},
		{name: "an empty token counts as none", args: []string{"--addr", "0.0.0.0:4545"}, env: map[string]string{"NOTIFYSIM_ADMIN_TOKEN": ""}, wantCode: 2, wantStderr: "--admin-token"},
		{name: "a bad read timeout", args: []string{"--read-timeout", "0s"}, wantCode: 2, wantStderr: "--read-timeout must be a positive duration"},
		{name: "a negative idle timeout", args: []string{"--idle-timeout", "-1s"}, wantCode: 2, wantStderr: "--idle-timeout"},
		{name: "a zero shutdown timeout", args: []string{"--shutdown-timeout", "0s"}, wantCode: 2, wantStderr: "--shutdown-timeout"},
		{name: "a negative connection cap", args: []string{"--max-conns", "-1"}, wantCode: 2, wantStderr: "--max-conns"},
	}
	checkServeRefusals(t, tests)
}

func TestServeAdminToken(t *testing.T) {
	clearEnv(t)
	t.Setenv("NOTIFYSIM_ADMIN_TOKEN", "t0ken")
	url, _ := startServe(t, []string{"--addr", "127.0.0.1:0", "--log-level", "error"}, io.Discard, io.Discard)
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer wrong", 401}, {"Bearer t0ken", 200}} {
		req, _ := http.NewRequest("GET", url+"/_sim/fixtures", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("Authorization %q: %d, want %d", tc.auth, resp.StatusCode, tc.want)
		}
		if tc.want == 401 && strings.Contains(string(body), "luma-demo-token") {
			t.Errorf("a refused request saw the dataset: %s", body)
		}
	}
}

// closedWithin reports whether the server closes conn (a read ends) before the guard time; the
// guard only bounds the test, it is no assertion on speed.
func closedWithin(conn net.Conn, guard time.Duration) bool {
	_ = conn.SetReadDeadline(time.Now().Add(guard))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	return err == nil || !(errors.As(err, &ne) && ne.Timeout())
}

func TestServeTimeouts(t *testing.T) {
	clearEnv(t)
	url, _ := startServe(t, []string{"--addr", "127.0.0.1:0", "--log-level", "error",
		"--read-timeout", "300ms", "--idle-timeout", "300ms", "--write-timeout", "300ms"}, io.Discard, io.Discard)
	host := strings.TrimPrefix(url, "http://")
	dial := func(t *testing.T) net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	t.Run("headers sent too slowly", func(t *testing.T) {
		c := dial(t)
		fmt.Fprint(c, "POST /vsa/public/notifylumauser/message HTTP/1.1\r\nHost: 127.0.0.1\r\n")
		if !closedWithin(c, 30*time.Second) {
			t.Error("a connection that never finishes its headers is held open")
		}
	})
	t.Run("a body trickled byte by byte", func(t *testing.T) {
		c := dial(t)
		fmt.Fprint(c, "POST /vsa/public/notifylumauser/message HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer luma-demo-token\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
		done := make(chan bool, 1)
		go func() { done <- closedWithin(c, 30*time.Second) }()
		for i := 0; i < 50; i++ { // one byte every 100ms, far slower than the 300ms for the request
			select {
			case ok := <-done:
				if !ok {
					t.Error("the trickling connection was not closed")
				}
				return
			case <-time.After(100 * time.Millisecond):
				_, _ = c.Write([]byte(" "))
			}
		}
		if !<-done {
			t.Error("the trickling connection was not closed")
		}
	})
	t.Run("an idle keep-alive connection", func(t *testing.T) {
		c := dial(t)
		fmt.Fprint(c, "GET /_sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if !closedWithin(c, 30*time.Second) {
			t.Error("an idle connection is held open")
		}
	})
	t.Run("a response written after the write timeout", func(t *testing.T) {
		// The long-poll outlives the 300ms write timeout, so its answer can't be written.
		resp, err := http.Get(url + "/_sim/messages?wait=1s&count=1")
		if err == nil {
			resp.Body.Close()
			t.Errorf("got %d, want the connection cut by the write timeout", resp.StatusCode)
		}
	})
	t.Run("a long-poll outlives the read timeout", func(t *testing.T) {
		lp, _ := startServe(t, []string{"--addr", "127.0.0.1:0", "--log-level", "error", "--read-timeout", "200ms"}, io.Discard, io.Discard)
		got := make(chan string, 1)
		go func() {
			resp, err := http.Get(lp + "/_sim/messages?wait=20s&count=1&vendor=luma")
			if err != nil {
				got <- err.Error()
				return
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			got <- string(body)
		}()
		time.Sleep(600 * time.Millisecond) // past the read timeout
		req, _ := http.NewRequest("POST", lp+"/vsa/public/notifylumauser/message", strings.NewReader(`{"recipients":{"contacts":"ruth"},"message":"late"}`))
		req.Header.Set("Authorization", "Bearer luma-demo-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if body := <-got; !strings.Contains(body, `"count":1`) {
			t.Errorf("the long-poll ended without the message: %s", body)
		}
	})
}

func TestLimitConns(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := limitConns(ln, 1)
	defer l.Close()
	accepted := make(chan net.Conn, 2)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	a, _ := net.Dial("tcp", ln.Addr().String())
	defer a.Close()
	b, _ := net.Dial("tcp", ln.Addr().String())
	defer b.Close()
	first := <-accepted
	select {
	case <-accepted:
		t.Fatal("a second connection was accepted while the cap of 1 was in use")
	case <-time.After(200 * time.Millisecond):
	}
	first.Close()
	select {
	case c := <-accepted:
		c.Close()
	case <-time.After(30 * time.Second):
		t.Fatal("the waiting connection was not accepted after the first closed")
	}
	l.Close()
	if _, ok := <-accepted; ok {
		t.Error("Accept returned a connection after Close")
	}
}

// A request in flight when the shutdown starts is answered, not cut.
func TestServeDrainsRequestsInFlight(t *testing.T) {
	clearEnv(t)
	var stderr syncBuffer
	url, stop := startServe(t, []string{"--addr", "127.0.0.1:0", "--shutdown-timeout", "30s"}, io.Discard, &stderr)
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	body := `{"recipients": {"contacts": "ruth"}, "message": "in flight"}`
	// With Expect: 100-continue the server says when its handler starts reading the body: from
	// then on the request is in flight, not a connection still waiting to be accepted.
	fmt.Fprintf(c, "POST /vsa/public/notifylumauser/message HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer luma-demo-token\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(body))
	rd := bufio.NewReader(c)
	if line, err := rd.ReadString('\n'); err != nil || !strings.Contains(line, "100") {
		t.Fatalf("no 100 Continue: %q %v", line, err)
	}
	if _, err := rd.ReadString('\n'); err != nil { // the blank line ending the interim response
		t.Fatal(err)
	}
	code := make(chan int, 1)
	go func() { code <- stop() }()
	deadline := time.Now().Add(30 * time.Second) // a hang guard only
	for !strings.Contains(stderr.String(), "shutting down") {
		if time.Now().After(deadline) {
			t.Fatal("serve never logged that it is shutting down")
		}
		time.Sleep(time.Millisecond)
	}
	fmt.Fprint(c, body)
	resp, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatalf("the request in flight was cut: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
	if got := <-code; got != 0 {
		t.Errorf("exit code %d", got)
	}
}
