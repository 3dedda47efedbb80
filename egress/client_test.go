package egress_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zugang/zugang/egress"
)

// target is a loopback server that counts the connections it accepted and
// the requests it answered.
type target struct {
	srv            *httptest.Server
	conns, answers atomic.Int32
}

func newTarget(t *testing.T, h http.HandlerFunc) *target {
	t.Helper()
	tg := &target{}
	tg.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tg.answers.Add(1)
		if h != nil {
			h(w, r)
		}
	}))
	tg.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			tg.conns.Add(1)
		}
	}
	tg.srv.Start()
	t.Cleanup(tg.srv.Close)
	return tg
}

// TestClientDialsOnlyAllowedAddresses dials loopback test servers only.
func TestClientDialsOnlyAllowedAddresses(t *testing.T) {
	cases := []struct {
		name    string
		allow   []string
		host    func(tg *target) string // the URL's host:port
		refused bool
	}{
		{"loopback literal, not allowed", nil, func(tg *target) string { return tg.srv.Listener.Addr().String() }, true},
		{"name resolving to loopback, not allowed", nil, func(tg *target) string { return "localhost:" + port(tg) }, true},
		{"loopback allowed", []string{"127.0.0.0/8"}, func(tg *target) string { return tg.srv.Listener.Addr().String() }, false},
		{"only another network allowed", []string{"10.0.0.0/8"}, func(tg *target) string { return tg.srv.Listener.Addr().String() }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := newTarget(t, nil)
			c := egress.New(prefixes(t, tc.allow...)).Client(5 * time.Second)
			res, err := c.Post("http://"+tc.host(tg)+"/hooks", "application/json", strings.NewReader(`{}`))
			if res != nil {
				res.Body.Close()
			}
			if !tc.refused {
				if err != nil || res.StatusCode != http.StatusOK || tg.answers.Load() != 1 {
					t.Fatalf("allowed call: %v, %d answers", err, tg.answers.Load())
				}
				return
			}
			var refused *egress.RefusedError
			if !errors.As(err, &refused) || refused.Class != egress.Loopback {
				t.Fatalf("want a loopback refusal, got %v", err)
			}
			if !strings.Contains(err.Error(), "loopback address, which this gateway does not call") {
				t.Errorf("the error does not say why: %v", err)
			}
			if n, m := tg.conns.Load(), tg.answers.Load(); n != 0 || m != 0 {
				t.Errorf("the server saw %d connections and %d requests", n, m)
			}
		})
	}
}

func port(tg *target) string {
	_, p, _ := net.SplitHostPort(tg.srv.Listener.Addr().String())
	return p
}

// TestClientFollowsNoRedirect: A answers 302 to B; the caller gets the 302
// and B hears nothing.
func TestClientFollowsNoRedirect(t *testing.T) {
	b := newTarget(t, nil)
	a := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, b.srv.URL+"/elsewhere", http.StatusFound)
	})
	c := egress.New(prefixes(t, "127.0.0.0/8", "::1/128")).Client(5 * time.Second)
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		req, _ := http.NewRequest(method, a.srv.URL+"/hooks", strings.NewReader(`{}`))
		res, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusFound {
			t.Errorf("%s: status %d, want the 302 itself", method, res.StatusCode)
		}
	}
	if n := b.conns.Load(); n != 0 {
		t.Errorf("the redirect target saw %d connections", n)
	}
}

// TestClientIgnoresEnvironmentProxy: a proxy would connect in the
// client's place, past the dialer's check.
func TestClientIgnoresEnvironmentProxy(t *testing.T) {
	c := egress.New(nil).Client(0)
	tr, ok := c.Transport.(*http.Transport)
	if !ok || tr.Proxy != nil || tr.DialContext == nil || c.Timeout != egress.DefaultTimeout || c.CheckRedirect == nil {
		t.Errorf("client %+v, transport %+v", c, tr)
	}
}
