package main

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// TestLimitsHoldAcrossProcesses: two gateway processes on one Redis share
// the rate limit and the login throttle: requests and failed logins
// alternate between them and count as one.
func TestLimitsHoldAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two gateway processes")
	}
	env, _, _ := sharedRedisEnv(t, map[string]string{
		"ZUGANG_RATE_LIMIT_PER_USER_REQUESTS": "6", "ZUGANG_RATE_LIMIT_PER_USER_PERIOD": "1h", "ZUGANG_RATE_LIMIT_PER_USER_BURST": "6",
		"ZUGANG_LOGIN_FREE_FAILURES": "3", "ZUGANG_LOGIN_BASE_DELAY": "1m"})
	bin := buildZugang(t)
	gws := []client{{t: t, base: startGateway(t, bin, env).base}, {t: t, base: startGateway(t, bin, env).base}}

	user := gws[0].token("demo-app", "demo-app-secret", url.Values{"grant_type": {"password"}, "username": {"demo-user"}, "password": {"demo-pass-2024"}})
	auth := http.Header{"Authorization": {"Bearer " + user}}
	for i := range 6 {
		res, body := gws[i%2].call("GET", "/customer/v2", auth, "")
		if res.StatusCode != http.StatusOK || res.Header.Get("X-RateLimit-Remaining") != strconv.Itoa(5-i) {
			t.Fatalf("request %d on gateway %d: %d remaining %q %s", i+1, i%2, res.StatusCode, res.Header.Get("X-RateLimit-Remaining"), body)
		}
	}
	for g := range gws {
		res, body := gws[g].call("GET", "/customer/v2", auth, "")
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("request beyond the limit on gateway %d: %d %s", g, res.StatusCode, body)
		}
	}

	login := func(g int, password string) *http.Response {
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
		req, _ := http.NewRequest("POST", "", nil)
		req.SetBasicAuth("demo-app", "demo-app-secret")
		h.Set("Authorization", req.Header.Get("Authorization"))
		res, _ := gws[g].call("POST", "/auth/oauth2/token", h,
			url.Values{"grant_type": {"password"}, "username": {"demo-user"}, "password": {password}}.Encode())
		return res
	}
	for i := range 4 { // three free failures, the fourth locks
		if res := login(i%2, "wrong"); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("wrong password %d on gateway %d: %d", i+1, i%2, res.StatusCode)
		}
	}
	for g := range gws {
		res := login(g, "demo-pass-2024")
		if retry, _ := strconv.Atoi(res.Header.Get("Retry-After")); res.StatusCode != http.StatusTooManyRequests || retry < 1 || retry > 60 {
			t.Fatalf("right password while locked, gateway %d: %d Retry-After %q", g, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
}
