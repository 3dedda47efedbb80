package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/net/html"

	"github.com/zugang/zugang/aggregator/store/storetest"
)

// The REG/Protect scenarios: each is what a user does in the form, from
// the open to the callback, and the baReentry the app gets back. The same
// table drives the plain-HTTP test (no JavaScript) and the browser test.

// formStep is one form post: the button's action and the fields to set.
type formStep struct {
	action string
	fields map[string]string
	status int // the page's status after the post when it is not a redirect (0: any 2xx)
}

type formScenario struct {
	name    string
	steps   []formStep
	reentry string
	created bool // the access is readable and VOLLSTAENDIG afterwards
}

func login(user, pin string) formStep {
	return formStep{action: "login", fields: map[string]string{"cred_userid": user, "cred_pin": pin}}
}

var (
	acceptTerms    = formStep{action: "accept_terms"}
	chooseDemoBank = formStep{action: "select_provider", fields: map[string]string{"provider": "00000000-0000-0000-0000-000000000000"}}
	confirm        = formStep{action: "confirm_products"}
)

func tan(v string) formStep {
	return formStep{action: "submit_tan", fields: map[string]string{"tan": v}}
}

func method(code string) formStep {
	return formStep{action: "select_method", fields: map[string]string{"method": code}}
}

func medium(name string) formStep {
	return formStep{action: "select_medium", fields: map[string]string{"medium": name}}
}

// atBank is the user approving on the demo bank's own page.
var atBank = formStep{action: "bank:approved"}

// approveInApp is the user approving in the bank's app: the waiting page
// is refreshed (or its button pressed) until the bank says yes.
var approveInApp = formStep{action: "app:approve"}

// photoTAN answers with what the photoTAN device shows; the demo bank
// writes it on the page.
var photoTAN = formStep{action: "submit_tan", fields: map[string]string{"tan": "from-page"}}

var photoTANAnswer = regexp.MustCompile(`Die TAN lautet (\d+)`)

func formScenarios() []formScenario {
	start := []formStep{acceptTerms, chooseDemoBank}
	with := func(steps ...formStep) []formStep { return append(append([]formStep{}, start...), steps...) }
	wrongPIN := login("demo1", "wrong")
	wrongPIN.status = http.StatusUnprocessableEntity
	wrongTAN := tan("3")
	wrongTAN.status = http.StatusUnprocessableEntity
	return []formScenario{
		{"no SCA", with(login("demo1", "demo1"), confirm), "FINISHED", true},
		{"TAN", with(login("demo2", "demo2"), method("1"), medium("Mobil"), wrongTAN, tan("4"), confirm), "FINISHED", true},
		{"photoTAN", with(login("demo2", "demo2"), method("902"), medium("Mobil"), photoTAN, confirm), "FINISHED", true},
		{"decoupled", with(login("demo3", "demo3"), approveInApp, confirm), "FINISHED", true},
		{"redirect", with(login("demo4", "demo4"), atBank, confirm), "FINISHED", true},
		{"two SCAs", with(login("demo5", "demo5"), tan("2"), approveInApp, confirm), "FINISHED", true},
		{"wrong credentials three times", with(wrongPIN, wrongPIN, login("demo1", "wrong")), "INVALID_CREDENTIALS", false},
		{"wrong TAN three times", with(login("demo2", "demo2"), method("1"), medium("Mobil"), wrongTAN, wrongTAN, tan("5")), "INVALID_TAN", false},
		{"user cancel", with(login("demo2", "demo2"), formStep{action: "cancel"}), "USER_CANCELLED", false},
		{"declined terms", []formStep{{action: "decline_terms"}}, "LEGAL_NOT_ACCEPTED", false},
		{"bank in maintenance", with(login("maintenance", "maintenance")), "BACKEND_ERROR", false},
	}
}

// formGateway is a running gateway with a REG/Protect user.
type formGateway struct {
	c     client
	token string // the user's, through demo-regprotect
}

const callbackURL = "http://127.0.0.1:9/app/back?ref=42"

func newFormGateway(t testing.TB) formGateway {
	t.Helper()
	g, _, _ := newLoggedFormGateway(t, testEnv(t))
	return g
}

func newLoggedFormGateway(t testing.TB, env map[string]string) (formGateway, *Main, *lockedBuffer) {
	t.Helper()
	m, _, logs := startMainLogged(t, env)
	c := client{t: t, base: m.URL()}
	admin := c.token("demo-admin", "demo-admin-secret", url.Values{"grant_type": {"client_credentials"}})
	name := "rp-" + uuid.NewString()[:8]
	res, body := c.call("POST", "/auth/mgmt/v1/tenants/demo/users",
		http.Header{"Authorization": {"Bearer " + admin}, "Content-Type": {"application/json"}},
		`{"username":"`+name+`","password":"`+name+`-pass-1"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create user: %d %s", res.StatusCode, body)
	}
	tok := c.token("demo-regprotect", "demo-regprotect-secret", url.Values{"grant_type": {"password"}, "username": {name}, "password": {name + "-pass-1"}})
	return formGateway{c: c, token: tok}, m, logs
}

// begin asks the API for a new access and returns its id and the 451 Location.
func (g formGateway) begin(t testing.TB) (string, string) {
	t.Helper()
	id := uuid.NewString()
	res, body := g.c.call("POST", "/customer/v2/bankzugaenge",
		http.Header{"Authorization": {"Bearer " + g.token}, "Content-Type": {"application/json"}}, `{"`+id+`":{}}`)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusUnavailableForLegalReasons || !strings.HasPrefix(loc, g.c.base+"/customer/v2/webform?session=") || len(body) != 0 {
		t.Fatalf("add: %d %q %s", res.StatusCode, loc, body)
	}
	return id, loc + "&callbackUrl=" + url.QueryEscape(callbackURL)
}

// access reads the access through the API.
func (g formGateway) access(t *testing.T, id string) (int, string) {
	t.Helper()
	res, body := g.c.call("GET", "/customer/v2/bankzugaenge/"+id, http.Header{"Authorization": {"Bearer " + g.token}}, "")
	var a struct{ Status string }
	_ = json.Unmarshal(body, &a)
	return res.StatusCode, a.Status
}

// formBrowser is a browser without JavaScript: cookies, forms, redirects.
type formBrowser struct {
	t    testing.TB
	http *http.Client
	page page
}

// page is the last HTML page the browser got (or the callback it stopped at).
type page struct {
	status   int
	url      string
	body     string
	callback string // set when a redirect reached the app's callback
}

func newFormBrowser(t testing.TB) *formBrowser {
	jar, _ := cookiejar.New(nil)
	b := &formBrowser{t: t}
	b.http = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), "http://127.0.0.1:9/") {
			return http.ErrUseLastResponse // the app's callback: stop there
		}
		return nil
	}}
	return b
}

func (b *formBrowser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	p := page{status: res.StatusCode, url: res.Request.URL.String(), body: string(body)}
	if loc := res.Header.Get("Location"); res.StatusCode == http.StatusSeeOther {
		p.callback = loc
	}
	for _, h := range []string{"Cache-Control", "Content-Security-Policy"} {
		if res.Header.Get(h) == "" && p.callback == "" {
			b.t.Errorf("%s %s: no %s header", req.Method, req.URL, h)
		}
	}
	b.page = p
	return p
}

func (b *formBrowser) get(u string) page {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.8")
	return b.do(req)
}

// submit posts the form of the current page whose button has the action.
func (b *formBrowser) submit(st formStep) page {
	b.t.Helper()
	f, ok := findForm(b.page.body, st.action)
	if !ok {
		b.t.Fatalf("no form with action %q on the page (%d %s):\n%s", st.action, b.page.status, b.page.url, b.page.body)
	}
	for k, v := range st.fields {
		f.values.Set(k, v)
	}
	f.values.Set("action", st.action)
	target, _ := url.Parse(b.page.url)
	target, _ = target.Parse(f.action)
	req, _ := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(f.values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// htmlForm is a parsed form: where it posts and its default values.
type htmlForm struct {
	action string
	values url.Values
}

// findForm finds the form with a submit button of the given action value
// and collects its defaults (hidden fields, checked boxes and radios).
func findForm(doc, action string) (htmlForm, bool) {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return htmlForm{}, false
	}
	var found *html.Node
	var walk func(n, form *html.Node)
	walk = func(n, form *html.Node) {
		if n.Type == html.ElementNode && n.Data == "form" {
			form = n
		}
		if n.Type == html.ElementNode && n.Data == "button" && attr(n, "value") == action && form != nil && found == nil {
			found = form
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, form)
		}
	}
	walk(root, nil)
	if found == nil {
		return htmlForm{}, false
	}
	f := htmlForm{action: attr(found, "action"), values: url.Values{}}
	var collect func(n *html.Node)
	collect = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") != "" {
			switch attr(n, "type") {
			case "checkbox", "radio":
				if hasAttr(n, "checked") {
					f.values.Add(attr(n, "name"), attr(n, "value"))
				}
			default:
				f.values.Set(attr(n, "name"), attr(n, "value"))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			collect(c)
		}
	}
	collect(found)
	return f, true
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// approveAtBank follows the redirect page's link to the demo bank and
// approves there; the bank sends the browser back to the form.
func (b *formBrowser) approveAtBank() page {
	b.t.Helper()
	root, _ := html.Parse(strings.NewReader(b.page.body))
	var bank string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" && strings.Contains(attr(n, "href"), "/demo-bank/authorize") {
			bank = attr(n, "href")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if bank == "" {
		b.t.Fatalf("no link to the bank on the page:\n%s", b.page.body)
	}
	b.get(bank)
	return b.submit(formStep{action: "approved", fields: map[string]string{"result": "approved"}})
}

// waitForApproval presses "I have approved" until the bank agrees (the
// demo bank does on the third question).
func (b *formBrowser) waitForApproval() page {
	b.t.Helper()
	for i := 0; i < 5; i++ {
		if !strings.Contains(b.page.body, `http-equiv="refresh"`) {
			return b.page
		}
		b.submit(formStep{action: "poll"})
	}
	b.t.Fatalf("still waiting for the approval:\n%s", b.page.body)
	return page{}
}

func (b *formBrowser) photoTANAnswer() string {
	b.t.Helper()
	m := photoTANAnswer.FindStringSubmatch(b.page.body)
	if m == nil || !strings.Contains(b.page.body, "/challenge.png") {
		b.t.Fatalf("no photoTAN on the page:\n%s", b.page.body)
	}
	img, _ := url.Parse(b.page.url)
	if res := b.get(img.String() + "/challenge.png"); res.status != http.StatusOK || !strings.HasPrefix(res.body, "\x89PNG") {
		b.t.Errorf("challenge image: %d", res.status)
	}
	b.get(img.String())
	return m[1]
}

// run plays a scenario and returns the callback the browser was sent to.
func (b *formBrowser) run(sc formScenario, location string) string {
	b.t.Helper()
	if p := b.get(location); p.status != http.StatusOK {
		b.t.Fatalf("open: %d %s", p.status, p.body)
	}
	for _, st := range sc.steps {
		var p page
		switch st.action {
		case atBank.action:
			p = b.approveAtBank()
		case approveInApp.action:
			p = b.waitForApproval()
		default:
			if st.fields["tan"] == "from-page" {
				st = tan(b.photoTANAnswer())
			}
			p = b.submit(st)
		}
		if p.callback != "" {
			return p.callback
		}
		if (st.status == 0 && p.status != http.StatusOK) || (st.status != 0 && p.status != st.status) {
			b.t.Fatalf("after %s: status %d, want %d:\n%s", st.action, p.status, st.status, p.body)
		}
	}
	b.t.Fatalf("the scenario ended without a callback; last page %d:\n%s", b.page.status, b.page.body)
	return ""
}

// TestWebFormWithoutJavaScript drives every scenario with plain HTTP:
// forms, cookies and redirects only.
func TestWebFormWithoutJavaScript(t *testing.T) {
	for _, sc := range formScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			g := newFormGateway(t)
			id, location := g.begin(t)
			b := newFormBrowser(t)
			cb := b.run(sc, location)
			want := callbackURL + "&baReentry=" + sc.reentry
			if cb != want {
				t.Fatalf("callback %q, want %q", cb, want)
			}
			status, accStatus := g.access(t, id)
			if sc.created && (status != http.StatusOK || accStatus != "VOLLSTAENDIG") {
				t.Errorf("access after the form: %d %s", status, accStatus)
			}
			if !sc.created && status != http.StatusNotFound {
				t.Errorf("an unfinished access was kept: %d %s", status, accStatus)
			}
			// The ended session cannot be used again.
			if p := b.get(b.page.url); p.status == http.StatusOK {
				t.Errorf("the ended session still shows a page")
			}
		})
	}
}

// TestWebFormSecurity: a session opens once, only in the browser that
// opened it, only towards an allowed callback, only with the CSRF token,
// and not after the user's sessions were ended.
func TestWebFormSecurity(t *testing.T) {
	g := newFormGateway(t)
	_, location := g.begin(t)
	base, _, _ := strings.Cut(location, "&callbackUrl=")
	cases := []struct {
		name, url string
		status    int
	}{
		{"no callbackUrl", base, http.StatusBadRequest},
		{"callbackUrl of another site", base + "&callbackUrl=" + url.QueryEscape("https://evil.example/x"), http.StatusBadRequest},
		{"callbackUrl that only starts like an allowed one", base + "&callbackUrl=" + url.QueryEscape("http://localhost.evil.example/x"), http.StatusBadRequest},
		{"callbackUrl with user info after an allowed host", base + "&callbackUrl=" + url.QueryEscape("http://127.0.0.1:1@evil.example/"), http.StatusBadRequest},
		{"callbackUrl with an empty port", base + "&callbackUrl=" + url.QueryEscape("http://127.0.0.1:/app/back"), http.StatusBadRequest},
		{"callbackUrl with a dot segment", base + "&callbackUrl=" + url.QueryEscape("http://127.0.0.1:9/app/%2e%2e/back"), http.StatusBadRequest},
		{"unknown session", g.c.base + "/customer/v2/webform?session=" + uuid.NewString() + "&callbackUrl=" + url.QueryEscape(callbackURL), http.StatusNotFound},
		{"another use case", strings.Replace(location, "useCase=CREATE_ACCOUNT", "useCase=AUTHENTICATE_ACCOUNT", 1), http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newFormBrowser(t).get(tc.url)
			if p.status != tc.status || p.callback != "" || strings.Contains(p.body, `href="http://localhost.evil`) ||
				strings.Contains(p.body, `href="https://evil`) || strings.Contains(p.body, "@evil") {
				t.Errorf("status %d, want %d:\n%s", p.status, tc.status, p.body)
			}
		})
	}
	// A refused open did not use the session up.
	b := newFormBrowser(t)
	if p := b.get(location); p.status != http.StatusOK {
		t.Fatalf("open: %d %s", p.status, p.body)
	}
	sessionPage := b.page.url
	if p := newFormBrowser(t).get(location); p.status != http.StatusConflict {
		t.Errorf("second open: %d", p.status)
	}
	if p := newFormBrowser(t).get(sessionPage); p.status != http.StatusForbidden {
		t.Errorf("the session's page in another browser: %d", p.status)
	}
	// A post without the CSRF token changes nothing.
	f, _ := findForm(b.page.body, "accept_terms")
	f.values.Del("csrf")
	f.values.Set("action", "accept_terms")
	req, _ := http.NewRequest(http.MethodPost, sessionPage, strings.NewReader(f.values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if p := b.do(req); p.status != http.StatusForbidden {
		t.Errorf("post without CSRF token: %d", p.status)
	}
	if p := b.get(sessionPage); p.status != http.StatusOK {
		t.Fatalf("page after the refused post: %d", p.status)
	} else if _, ok := findForm(p.body, "accept_terms"); !ok {
		t.Errorf("the refused post moved the session on")
	}
	// Ending the user's sessions through the API ends this one.
	res, _ := g.c.call("DELETE", "/customer/v2/regprotect/sessions", http.Header{"Authorization": {"Bearer " + g.token}}, "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("DELETE sessions: %d", res.StatusCode)
	}
	if p := b.get(sessionPage); p.status != http.StatusNotFound {
		t.Errorf("page of an ended session: %d", p.status)
	}
}

// TestWebFormKeepsCredentialsOut: what the user types as PIN and TAN
// appears in no page, no redirect, no log line (at debug level) and no
// Redis key or value.
func TestWebFormKeepsCredentialsOut(t *testing.T) {
	env := testEnv(t)
	env["ZUGANG_LOG_LEVEL"] = "debug"
	g, m, logs := newLoggedFormGateway(t, env)
	_, location := g.begin(t)
	const wrongPIN, wrongTAN = "Geheim-7781-PIN", "90817263"
	b := newFormBrowser(t)
	var seen []string
	b.get(location)
	for _, st := range []formStep{acceptTerms, chooseDemoBank, login("demo2", wrongPIN), login("demo2", "demo2"),
		method("1"), medium("Mobil"), tan(wrongTAN + "1"), tan(wrongTAN)} {
		p := b.submit(st)
		seen = append(seen, p.body, p.url, p.callback)
	}
	for _, k := range storetest.Keys(t, m.Store) {
		seen = append(seen, k, redisValue(t, m, k))
	}
	seen = append(seen, logs.String())
	for _, secret := range []string{wrongPIN, wrongTAN, "cred_pin=demo2"} {
		for _, s := range seen {
			if strings.Contains(s, secret) {
				t.Errorf("%q leaked: …%s…", secret, excerpt(s, secret))
			}
		}
	}
	if !strings.Contains(logs.String(), "web form") {
		t.Error("the check read no log lines of the form")
	}
}

func excerpt(s, sub string) string {
	i := strings.Index(s, sub)
	return s[max(0, i-60):min(len(s), i+len(sub)+60)]
}

// redisValue renders a key's value, whatever its type, as text.
func redisValue(t *testing.T, m *Main, key string) string {
	c, ctx := m.Store.Client(), t.Context()
	switch c.Type(ctx, key).Val() {
	case "string":
		return c.Get(ctx, key).Val()
	case "hash":
		return fmt.Sprint(c.HGetAll(ctx, key).Val())
	case "set":
		return fmt.Sprint(c.SMembers(ctx, key).Val())
	case "zset":
		return fmt.Sprint(c.ZRange(ctx, key, 0, -1).Val())
	case "list":
		return fmt.Sprint(c.LRange(ctx, key, 0, -1).Val())
	}
	return ""
}

// TestWebFormRenewsConsent: an access made in the form needs the form
// again for a new SCA (AUTHENTICATE_ACCOUNT); the terms are not asked
// twice, the bank is known, and the accounts are not confirmed again.
func TestWebFormRenewsConsent(t *testing.T) {
	g := newFormGateway(t)
	id, location := g.begin(t)
	if cb := newFormBrowser(t).run(formScenario{steps: []formStep{acceptTerms, chooseDemoBank, login("demo1", "demo1"), confirm}}, location); !strings.HasSuffix(cb, "baReentry=FINISHED") {
		t.Fatalf("create: %s", cb)
	}
	res, body := g.c.call("POST", "/customer/v2/bankzugaenge/"+id+"/consent",
		http.Header{"Authorization": {"Bearer " + g.token}, "Content-Type": {"application/json"}}, `{}`)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusUnavailableForLegalReasons || !strings.HasSuffix(loc, "&useCase=AUTHENTICATE_ACCOUNT") {
		t.Fatalf("start SCA: %d %q %s", res.StatusCode, loc, body)
	}
	b := newFormBrowser(t)
	if p := b.get(loc + "&callbackUrl=" + url.QueryEscape(callbackURL)); p.status != http.StatusOK {
		t.Fatalf("open: %d", p.status)
	}
	if _, ok := findForm(b.page.body, "login"); !ok {
		t.Fatalf("renewal does not start at the login:\n%s", b.page.body)
	}
	if p := b.submit(login("demo1", "demo1")); p.callback != callbackURL+"&baReentry=FINISHED" {
		t.Fatalf("renewal: %d %q\n%s", p.status, p.callback, p.body)
	}
	if status, acc := g.access(t, id); status != http.StatusOK || acc != "VOLLSTAENDIG" {
		t.Errorf("after the renewal: %d %s", status, acc)
	}
}
