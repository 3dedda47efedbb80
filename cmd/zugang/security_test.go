package main

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestWebFormSessionIDCase: the 451's session id opens the session in
// any spelling.
func TestWebFormSessionIDCase(t *testing.T) {
	g := newFormGateway(t)
	_, location := g.begin(t)
	u, _ := url.Parse(location)
	session := u.Query().Get("session")
	upper := strings.Replace(location, "session="+session, "session="+strings.ToUpper(session), 1)
	if p := newFormBrowser(t).get(upper); p.status != http.StatusOK {
		t.Errorf("open with the session id in upper case: %d %.300s", p.status, p.body)
	}
}

// TestBodyLimitsFromConfig: limits.jsonBodyBytes and limits.formBodyBytes
// reach the API and the web form.
func TestBodyLimitsFromConfig(t *testing.T) {
	env := testEnv(t)
	env["ZUGANG_LIMITS_JSON_BODY_BYTES"] = "2048"
	env["ZUGANG_LIMITS_FORM_BODY_BYTES"] = "1024"
	m, _ := startMain(t, env)
	c := client{t: t, base: m.URL()}
	admin := c.token("demo-admin", "demo-admin-secret", url.Values{"grant_type": {"client_credentials"}})
	big := `{"username":"big","password":"big-pass-123","firstname":"` + strings.Repeat("x", 4096) + `"}`
	res, body := c.call("POST", "/auth/mgmt/v1/tenants/demo/users",
		http.Header{"Authorization": {"Bearer " + admin}, "Content-Type": {"application/json"}}, big)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "BA413") {
		t.Errorf("JSON body over limits.jsonBodyBytes: %d %.300s", res.StatusCode, body)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Repeat("x", 2048)}}.Encode()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	req, _ := http.NewRequest("POST", "", nil)
	req.SetBasicAuth("demo-admin", "demo-admin-secret")
	h.Set("Authorization", req.Header.Get("Authorization"))
	res, body = c.call("POST", "/auth/oauth2/token", h, form)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), `"error":"invalid_request"`) {
		t.Errorf("form body over limits.formBodyBytes: %d %.300s", res.StatusCode, body)
	}
}

// TestWebFormBodyLimit: a form post over limits.formBodyBytes is refused
// with 413 and does not move the session on.
func TestWebFormBodyLimit(t *testing.T) {
	env := testEnv(t)
	env["ZUGANG_LIMITS_FORM_BODY_BYTES"] = "4096"
	g, _, _ := newLoggedFormGateway(t, env)
	_, location := g.begin(t)
	b := newFormBrowser(t)
	if p := b.get(location); p.status != http.StatusOK {
		t.Fatalf("open: %d %.300s", p.status, p.body)
	}
	f, ok := findForm(b.page.body, "accept_terms")
	if !ok {
		t.Fatalf("no terms form:\n%s", b.page.body)
	}
	f.values.Set("action", "accept_terms")
	f.values.Set("padding", strings.Repeat("x", 8192))
	sessionPage := b.page.url
	target, _ := url.Parse(sessionPage)
	target, _ = target.Parse(f.action)
	req, _ := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(f.values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if p := b.do(req); p.status != http.StatusRequestEntityTooLarge {
		t.Errorf("post of %d bytes: %d", len(f.values.Encode()), p.status)
	}
	if p := b.get(sessionPage); p.status != http.StatusOK {
		t.Fatalf("page after the refused post: %d", p.status)
	} else if _, ok := findForm(p.body, "accept_terms"); !ok {
		t.Errorf("the refused post moved the session on")
	}
	if p := b.submit(acceptTerms); p.status != http.StatusOK {
		t.Errorf("a post within the limit: %d", p.status)
	}
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// TestMetricsAccess: metrics.token guards /metrics with a bearer token;
// metrics.addr moves /metrics to a listener of its own, which stops with
// the gateway.
func TestMetricsAccess(t *testing.T) {
	const token = "scrape-me-7f3a"
	auth := http.Header{"Authorization": {"Bearer " + token}}
	wrong := http.Header{"Authorization": {"Bearer scrape-me-7f3b"}}

	t.Run("token on the API listener", func(t *testing.T) {
		env := testEnv(t)
		env["ZUGANG_METRICS_TOKEN"] = token
		m, _ := startMain(t, env)
		c := client{t: t, base: m.URL()}
		for _, h := range []http.Header{nil, wrong, {"Authorization": {"Basic " + token}}} {
			res, body := c.call("GET", "/metrics", h, "")
			if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer ") ||
				!strings.Contains(string(body), "BA401") {
				t.Errorf("%v: %d %q %.100s", h, res.StatusCode, res.Header.Get("WWW-Authenticate"), body)
			}
		}
		if res, body := c.call("GET", "/metrics", auth, ""); res.StatusCode != http.StatusOK || !strings.Contains(string(body), "go_goroutines") {
			t.Errorf("with the token: %d %.200s", res.StatusCode, body)
		}
	})

	t.Run("separate listener", func(t *testing.T) {
		env := testEnv(t)
		addr := freeAddr(t)
		env["ZUGANG_METRICS_ADDR"] = addr
		env["ZUGANG_METRICS_TOKEN"] = token
		m, _ := startMain(t, env)
		api := client{t: t, base: m.URL()}
		if res, _ := api.call("GET", "/metrics", auth, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("/metrics on the API listener: %d", res.StatusCode)
		}
		if res, _ := api.call("GET", "/healthz", nil, ""); res.StatusCode != http.StatusOK {
			t.Errorf("healthz: %d", res.StatusCode)
		}
		metrics := client{t: t, base: "http://" + addr}
		res, body := metrics.call("GET", "/metrics", auth, "")
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "zugang_http_requests_total") ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("metrics listener: %d %v %.200s", res.StatusCode, res.Header, body)
		}
		if res, _ := metrics.call("GET", "/metrics", nil, ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("metrics listener without the token: %d", res.StatusCode)
		}
		if res, _ := metrics.call("GET", "/healthz", nil, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("the metrics listener serves only /metrics: healthz %d", res.StatusCode)
		}
	})
}

// TestMetricsListenerStopsWithGateway: the metrics listener is closed when
// Run returns.
func TestMetricsListenerStopsWithGateway(t *testing.T) {
	env := testEnv(t)
	addr := freeAddr(t)
	env["ZUGANG_METRICS_ADDR"] = addr
	t.Run("serve", func(t *testing.T) {
		startMain(t, env) // its cleanup stops the gateway
		if res, err := http.Get("http://" + addr + "/metrics"); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("metrics listener: %v %v", res, err)
		}
	})
	if _, err := http.Get("http://" + addr + "/metrics"); err == nil {
		t.Error("the metrics listener still serves after shutdown")
	}
}
