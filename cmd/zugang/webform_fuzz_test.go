package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzWebFormPost posts fuzzed form bodies to a fresh web-form session
// standing at the bank login (terms accepted, demo bank chosen), with the
// session's CSRF token unless the input says otherwise. Whatever the body,
// the form answers a page or a redirect, never a 5xx.
func FuzzWebFormPost(f *testing.F) {
	env := testEnv(f)
	// Every input opens a session of the same user: no rate limit here,
	// and room for every access the inputs create.
	env["ZUGANG_RATE_LIMIT_PER_USER_REQUESTS"], env["ZUGANG_RATE_LIMIT_PER_CLIENT_REQUESTS"] = "0", "0"
	env["ZUGANG_LIMITS_ACCESSES_PER_USER"] = "1000000000"
	g, _, _ := newLoggedFormGateway(f, env)
	for _, seed := range []struct {
		body string
		csrf bool
	}{
		{"action=login&cred_userid=demo1&cred_pin=demo1", true},
		{"action=login&cred_userid=demo2&cred_pin=wrong", true},
		{"action=login&cred_userid=&cred_pin=", true},
		{"action=select_method&method=1", true},
		{"action=submit_tan&tan=%20", true},
		{"action=confirm_products&product=DE00&product=", true},
		{"action=cancel", true},
		{"action=select_provider&provider=not-a-uuid", true},
		{"action=login&cred_userid=demo1&cred_pin=demo1", false},
		{"%zz=1&action", true},
		{"", true},
	} {
		f.Add(seed.body, seed.csrf)
	}
	f.Fuzz(func(t *testing.T, body string, withCSRF bool) {
		g.c.t = t
		_, location := g.begin(t)
		b := newFormBrowser(t)
		b.get(location)
		if _, ok := findForm(b.page.body, acceptTerms.action); ok { // once per user
			b.submit(acceptTerms)
		}
		b.submit(chooseDemoBank)
		form, ok := findForm(b.page.body, "login")
		if !ok {
			t.Fatalf("no login form:\n%s", b.page.body)
		}
		if withCSRF {
			body += "&csrf=" + url.QueryEscape(form.values.Get("csrf"))
		}
		target, _ := url.Parse(b.page.url)
		target, _ = target.Parse(form.action)
		req, _ := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		p := b.do(req)
		if p.status >= 500 {
			t.Fatalf("%q: %d\n%s", body, p.status, p.body)
		}
		if p.callback == "" && !strings.Contains(p.body, "<html") {
			t.Fatalf("%q: %d is neither a page nor a redirect:\n%s", body, p.status, p.body)
		}
	})
}
