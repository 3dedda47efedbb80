package main

import (
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
