package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

// withLimits sets the configured limits on the harness's use cases and
// store, as cmd/zugang wires them.
func (h *harness) withLimits(l aggregator.Limits) {
	h.srv.accesses.(*aggregator.RegProtectGate).Limits = l
	h.store.SetLimits(l)
}

// TestAddRefusesTooManyIDs: one POST with 1,000 ids used to make 1,000
// bank logins; it is refused before any bank is called and stores nothing.
func TestAddRefusesTooManyIDs(t *testing.T) {
	h := newHarness(t)
	h.withLimits(aggregator.Limits{AccessesPerRequest: 10, AccessesPerUser: 50})
	c := h.newCustomer("vielzugang")
	creds := encrypt(t, map[string]string{"userid": "demo1", "pin": "demo1"})
	entry := `{"providerId":"` + demoProviderID + `","credentials":{"userid":"` + creds["userid"] + `","pin":"` + creds["pin"] + `"}}`
	var b strings.Builder
	b.WriteString("{")
	for i := range 1000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q:%s", uuid.NewString(), entry)
	}
	b.WriteString("}")
	res := c.call("POST", "/customer/v2/bankzugaenge", b.String())
	if m := res.message(t); res.Code != http.StatusBadRequest || m.Code != aggregator.CodeBadRequest || !strings.Contains(m.Message, "at most 10 bank accesses per request") {
		t.Fatalf("1,000 ids: %d %s", res.Code, res.body)
	}
	if n, _ := h.store.AccessCount(t.Context(), "demo", c.userID(t)); n != 0 {
		t.Fatalf("%d accesses stored after a refused add", n)
	}
}

// TestAccessesPerUser: the add that would exceed the user's limit is
// refused whole; a refresh of an existing access still works.
func TestAccessesPerUser(t *testing.T) {
	h := newHarness(t)
	h.withLimits(aggregator.Limits{AccessesPerRequest: 2, AccessesPerUser: 2})
	c := h.newCustomer("zweizugang")
	first := uuid.NewString()
	for _, id := range []string{first, uuid.NewString()} {
		if res := c.add(id, "demo1", "demo1", ""); res.Code != http.StatusCreated {
			t.Fatalf("add within the limit: %d %s", res.Code, res.body)
		}
	}
	res := c.add(uuid.NewString(), "demo1", "demo1", "")
	if m := res.message(t); res.Code != http.StatusBadRequest || !strings.Contains(m.Message, "at most 2 bank accesses per user") {
		t.Fatalf("third access: %d %s", res.Code, res.body)
	}
	if n, _ := h.store.AccessCount(t.Context(), "demo", c.userID(t)); n != 2 {
		t.Fatalf("%d accesses stored, want 2", n)
	}
	if res := c.add(first, "demo1", "demo1", "refresh=true"); res.Code != http.StatusCreated {
		t.Fatalf("refresh at the limit: %d %s", res.Code, res.body)
	}
}

// TestUsersPerTenant: user creation beyond the tenant's limit is a 400
// naming it.
func TestUsersPerTenant(t *testing.T) {
	h := newHarness(t)
	h.withLimits(aggregator.Limits{UsersPerTenant: 1})
	admin := h.adminToken()
	h.createUser(admin, "erste", "erste-pass-12")
	res := h.do(request{method: "POST", path: "/auth/mgmt/v1/tenants/demo/users", header: jsonHeader(bearer(admin)),
		body: `{"username":"zweite","password":"zweite-pass-12"}`})
	if m := res.message(t); res.Code != http.StatusBadRequest || !strings.Contains(m.Message, "at most 1 users per tenant") {
		t.Fatalf("second user: %d %s", res.Code, res.body)
	}
}

// userID reads the customer's user id from its token.
func (c customer) userID(t *testing.T) string {
	t.Helper()
	p, err := c.h.auth.Authenticate(t.Context(), c.token)
	if err != nil {
		t.Fatal(err)
	}
	return p.UserID
}

// TestRateLimit: every authenticated request counts against its user's
// and its client's rule; the headers report the tighter one; beyond it
// the answer is 429 with Retry-After until capacity returns.
func TestRateLimit(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("eilig")
	other := h.newCustomer("gemach")
	h.srv.rates = &aggregator.RateLimits{Limiter: h.store.RateLimiter(),
		PerClient: aggregator.RateRule{Requests: 100, Period: time.Hour},
		PerUser:   aggregator.RateRule{Requests: 3, Period: time.Hour}}
	for i := range 3 {
		res := c.call("GET", "/customer/v2", "")
		if res.Code != http.StatusOK || rateHeader(res, headerRateLimit) != "3" || rateHeader(res, headerRateRemaining) != strconv.Itoa(2-i) {
			t.Fatalf("request %d: %d, limit %q remaining %q", i+1, res.Code, rateHeader(res, headerRateLimit), rateHeader(res, headerRateRemaining))
		}
		if reset, _ := strconv.Atoi(rateHeader(res, headerRateReset)); reset <= 0 || reset > 3600 {
			t.Fatalf("request %d: reset %q", i+1, rateHeader(res, headerRateReset))
		}
	}
	res := c.call("GET", "/customer/v2", "")
	retry, _ := strconv.Atoi(res.Header().Get("Retry-After"))
	if m := res.message(t); res.Code != http.StatusTooManyRequests || m.Code != aggregator.CodeTooManyRequests || retry < 1190 || retry > 1200 {
		t.Fatalf("fourth request: %d Retry-After %q %s", res.Code, res.Header().Get("Retry-After"), res.body)
	}
	if rateHeader(res, headerRateRemaining) != "0" {
		t.Fatalf("429 without remaining 0: %q", rateHeader(res, headerRateRemaining))
	}
	// The next user of the same client is not affected.
	if res := other.call("GET", "/customer/v2", ""); res.Code != http.StatusOK {
		t.Fatalf("another user: %d %s", res.Code, res.body)
	}
	// The client's own rule binds client tokens and token requests.
	h.srv.rates = &aggregator.RateLimits{Limiter: h.store.RateLimiter(), PerClient: aggregator.RateRule{Requests: 2, Period: time.Hour}}
	h.clientToken("demo-admin", adminSecret)
	h.clientToken("demo-admin", adminSecret)
	res = h.do(request{method: "POST", path: "/auth/oauth2/token", header: formHeader(basic("demo-admin", adminSecret)),
		body: url.Values{"grant_type": {"client_credentials"}}.Encode()})
	if res.Code != http.StatusTooManyRequests || res.Header().Get("Retry-After") == "" {
		t.Fatalf("third token request: %d %s", res.Code, res.body)
	}
}

// TestLoginThrottle: 500 wrong passwords in a row used to be answered
// normally. After the free failures each one locks the source for the
// user; while locked even the right password is refused with 429, a
// locked guesser learns nothing, and another source is not locked.
func TestLoginThrottle(t *testing.T) {
	h := newHarness(t)
	h.newCustomer("geraten")
	h.auth.Throttle = &aggregator.LoginThrottle{Store: h.store.Throttle(), Policy: aggregator.ThrottlePolicy{
		FreeFailures: 5, BaseDelay: time.Minute, MaxDelay: time.Hour, AccountFailures: 100, AccountWindow: time.Hour}}
	login := func(password, source string) response {
		hdr := formHeader(basic("demo-app", appSecret))
		req := request{method: "POST", path: "/auth/oauth2/token", header: hdr,
			body: url.Values{"grant_type": {"password"}, "username": {"geraten"}, "password": {password}}.Encode()}
		return h.doFrom(req, source)
	}
	var statuses []int
	for range 500 {
		res := login("falsch", "198.51.100.7")
		statuses = append(statuses, res.Code)
		if res.Code == http.StatusTooManyRequests {
			break
		}
	}
	if len(statuses) != 7 || statuses[5] != http.StatusBadRequest || statuses[6] != http.StatusTooManyRequests {
		t.Fatalf("statuses of wrong passwords: %v; want 6 × 400 (the sixth locks), then 429", statuses)
	}
	res := login("geraten-pass-12", "198.51.100.7")
	if retry, _ := strconv.Atoi(res.Header().Get("Retry-After")); res.Code != http.StatusTooManyRequests || retry < 1 || retry > 60 {
		t.Fatalf("right password while locked: %d Retry-After %q %s", res.Code, res.Header().Get("Retry-After"), res.body)
	}
	if res := login("geraten-pass-12", "203.0.113.50"); res.Code != http.StatusOK {
		t.Fatalf("right password from another source: %d %s", res.Code, res.body)
	}
	// A forged X-Forwarded-For does not move a client out of its lock
	// unless it comes through a trusted proxy, which names the client.
	viaHeader := func(remote, forwarded string) int {
		hdr := formHeader(basic("demo-app", appSecret))
		hdr.Set("X-Forwarded-For", forwarded)
		return h.doFrom(request{method: "POST", path: "/auth/oauth2/token", header: hdr,
			body: url.Values{"grant_type": {"password"}, "username": {"geraten"}, "password": {"geraten-pass-12"}}.Encode()}, remote).Code
	}
	if code := viaHeader("198.51.100.7", "203.0.113.51"); code != http.StatusTooManyRequests {
		t.Fatalf("locked client with a forged X-Forwarded-For: %d, want 429", code)
	}
	if err := h.srv.engine.SetTrustedProxies([]string{"192.0.2.10"}); err != nil {
		t.Fatal(err)
	}
	if code := viaHeader("192.0.2.10", "198.51.100.7"); code != http.StatusTooManyRequests {
		t.Fatalf("locked client through the trusted proxy: %d, want 429", code)
	}
	if code := viaHeader("192.0.2.10", "203.0.113.52"); code != http.StatusOK {
		t.Fatalf("another client through the trusted proxy: %d, want 200", code)
	}
	// Wrong client secrets are throttled the same way.
	var last int
	for range 7 {
		res := h.doFrom(request{method: "POST", path: "/auth/oauth2/token", header: formHeader(basic("demo-app", "wrong")),
			body: url.Values{"grant_type": {"client_credentials"}}.Encode()}, "198.51.100.8")
		last = res.Code
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("seventh wrong client secret: %d, want 429", last)
	}
}

// rateHeader reads a rate-limit header under the spelling it is sent in.
func rateHeader(res response, name string) string {
	if v := res.Header()[name]; len(v) == 1 {
		return v[0]
	}
	return ""
}
