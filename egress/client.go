package egress

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/zugang/zugang/aggregator"
)

// DefaultTimeout bounds a whole request of Client(0).
const DefaultTimeout = 30 * time.Second

// Control is a net.Dialer Control function: it runs after name resolution,
// for every address a dial tries, before the socket connects, and refuses
// an address the guard refuses. A refused dial sends no packet.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("egress: cannot judge the %s address %q", network, address)
	}
	return g.Check(ap.Addr())
}

// Client returns an HTTP client for outbound calls a tenant can steer.
// timeout bounds each request as a whole (0: DefaultTimeout); connecting
// and the TLS handshake get at most 10 s of it. The client dials only
// addresses the guard allows (Control), uses no proxy and follows no
// redirect: a 3xx is returned as the answer.
func (g *Guard) Client(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	step := min(timeout, 10*time.Second)
	dialer := &net.Dialer{Timeout: step, KeepAlive: 30 * time.Second, Control: g.Control}
	transport := &http.Transport{
		Proxy:                  nil, // never the environment's: a proxy would connect beyond Control
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    step,
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    16, // deliveries to one receiver run side by side
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// CheckURL is the early check when a URL is set (aggregator.Webhooks'
// CheckURL): it refuses an IP literal the guard refuses, and localhost and
// *.localhost unless loopback is allowed. Other names pass; Control checks
// what they resolve to when they are called. The error is a KindInvalid
// *aggregator.Error whose message names the class of address, never more
// than the URL itself says.
func (g *Guard) CheckURL(rawURL string) error {
	const op = "egress.CheckURL"
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return aggregator.Errorf(aggregator.KindInvalid, op, "the URL must be absolute")
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if addr, err := netip.ParseAddr(host); err == nil {
		return refusedURL(op, g.Check(addr))
	}
	if (host == "localhost" || strings.HasSuffix(host, ".localhost")) && !g.allowsLoopback() {
		return refusedURL(op, &RefusedError{Addr: netip.AddrFrom4([4]byte{127, 0, 0, 1}), Class: Loopback})
	}
	return nil
}

func refusedURL(op string, err error) error {
	refused, ok := err.(*RefusedError)
	if !ok {
		return err
	}
	return &aggregator.Error{Kind: aggregator.KindInvalid, Op: op,
		Message: "the URL points to " + refused.Class.phrase() + ", which this gateway does not call", Err: refused}
}
