package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/crypto/bcrypt"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	testBase        = "https://gw.example.com"
	demoProviderID  = "00000000-0000-0000-0000-000000000000"
	appSecret       = "demo-app-secret"
	adminSecret     = "demo-admin-secret"
	partnerSecret   = "p+rtner%secret"
	rpSecret        = "rp-app-secret"
	acmeAdminSecret = "acme-admin-secret"
)

var managementScopes = aggregator.Scopes{aggregator.ScopeProviderRead, aggregator.ScopeTenantsRead,
	aggregator.ScopeClientsRead, aggregator.ScopeRolesModify, aggregator.ScopeUsersCreate,
	aggregator.ScopeUsersRead, aggregator.ScopeUsersModify, aggregator.ScopeWebhookRead, aggregator.ScopeWebhookModify}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// failingPinger injects a store outage into /readyz.
type failingPinger struct{}

func (failingPinger) Ping(context.Context) error { return errors.New("connection refused") }

type harness struct {
	t     testing.TB
	srv   *Server
	clock *clock
	logs  *observer.ObservedLogs
	auth  *aggregator.Auth
	store *store.Store
	forms *aggregator.WebForms
}

func testTenants() []*aggregator.Tenant {
	return []*aggregator.Tenant{
		{Name: "demo", Description: "A tenant for demonstration purposes", Clients: []*aggregator.Client{
			{ID: "demo-app", Name: "Demo App", SecretHash: aggregator.HashSecret(appSecret),
				Scopes:              aggregator.Scopes{aggregator.ScopeProviderRead, aggregator.ScopeCustomerRead, aggregator.ScopeCustomerModify},
				Roles:               []aggregator.Role{{Name: "customer", Description: "End user"}, {Name: "support"}},
				CallbackURLPrefixes: []string{"https://app.example.com", "http://127.0.0.1"}},
			{ID: "demo-admin", Name: "Demo Admin", Description: "Manages users", SecretHash: aggregator.HashSecret(adminSecret),
				Scopes: managementScopes},
			{ID: "demo/partner", Name: "Partner", SecretHash: aggregator.HashSecret(partnerSecret),
				Scopes: aggregator.Scopes{aggregator.ScopeProviderRead, aggregator.ScopeClientsRead},
				Roles:  []aggregator.Role{{Name: "viewer"}}},
			{ID: "demo-rp", Name: "Unlicensed App", SecretHash: aggregator.HashSecret(rpSecret),
				Scopes:     aggregator.Scopes{aggregator.ScopeProviderRead, aggregator.ScopeCustomerRead, aggregator.ScopeCustomerModify},
				RegProtect: true, CallbackURLPrefixes: []string{"https://rp.example.com"}},
		}},
		{Name: "acme", Clients: []*aggregator.Client{
			{ID: "acme-admin", Name: "Acme Admin", SecretHash: aggregator.HashSecret(acmeAdminSecret), Scopes: managementScopes},
		}},
	}
}

func testCatalogue(t testing.TB) *aggregator.Catalogue {
	fields := []aggregator.LoginField{
		{Key: "userid", Label: "Demo-User", Hint: "demo1 … demo5", Format: "|5"},
		{Key: "pin", Label: "Demo-Passwort", Secret: true, Hint: "demo1 … demo5", Format: "|5"},
	}
	c, err := aggregator.NewCatalogue([]aggregator.ProviderInfo{
		{ID: demoProviderID, Name: "Demo Provider", ConsumerRelevant: true, Group: "demo", BLZ: "12345678", BIC: "DEMO1234",
			Capabilities: []string{"KONTEN", "KARTEN", "DEPOTS"},
			Channels:     [][]aggregator.ProductCategory{{"GIROKONTO"}, {"KREDITKARTE", "TAGESGELDKONTO"}},
			LoginHint:    "Der Demo Provider bietet die Zugänge demo1/demo1 bis demo5/demo5 <&>",
			Fields:       fields, Adapter: "demo", Logo: "demo", LogoSVG: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
			ConsentValidity: 90 * 24 * time.Hour},
		{ID: "6c1d7e4a-1111-4222-8333-944455556666", Name: "Sparkasse Musterstadt", BLZ: "50050000", BIC: "HELADEFFXXX",
			Adapter: "xs2a", Fields: fields[:1]},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	h := newHarnessWithLog(t, zap.New(core))
	h.logs = logs
	return h
}

// newHarnessWithLog builds the server over a real store with the given
// logger (benchmarks pass a production-like one).
func newHarnessWithLog(t testing.TB, log *zap.Logger) *harness {
	t.Helper()
	st := storetest.New(t)
	dir, err := aggregator.NewDirectory(testTenants())
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)}
	auth := aggregator.NewAuth(dir, st, clk.Now, 0, bcrypt.MinCost, log)
	cat := testCatalogue(t)
	accesses := newTestAccesses(t, st, cat, dir, clk, log)
	forms := &aggregator.WebForms{Store: st, Accesses: accesses, Providers: cat, Directory: dir,
		ReturnURL: func(id string) string { return testBase + webFormPath + "/" + id }, Now: clk.Now, Log: log}
	// The form's pages are package regprotect's; here only their routes count.
	pages := http.NotFoundHandler()
	sealKey := make([]byte, 32)
	_, _ = rand.Read(sealKey)
	sealer, err := aggregator.NewSealer(sealKey)
	if err != nil {
		t.Fatal(err)
	}
	hooks := &aggregator.Webhooks{Store: st, Notes: st, Sealer: sealer, Now: clk.Now, Log: log}
	srv := New(Options{BaseURL: testBase, CORSOrigins: []string{"https://app.example.com"}, Auth: auth,
		Management: aggregator.NewManagement(auth), Providers: cat, Accesses: &aggregator.RegProtectGate{Accesses: accesses, Forms: forms}, Redirects: accesses,
		WebForm: pages, WebForms: forms, Webhooks: hooks, Ready: st, Log: log, Now: clk.Now})
	return &harness{t: t, srv: srv, clock: clk, auth: auth, store: st, forms: forms}
}

// request describes one call; contract=false skips the OpenAPI check for
// answers the document cannot describe (unknown routes and methods).
type request struct {
	method, path string
	header       http.Header
	body         string
	noContract   bool
}

type response struct {
	*httptest.ResponseRecorder
	body []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
}

// message returns the first message of an error body.
func (r response) message(t testing.TB) aggregator.Message {
	t.Helper()
	var b errorBody
	r.json(t, &b)
	if len(b.Messages) == 0 {
		t.Fatalf("error body without messages: %s", r.body)
	}
	return b.Messages[0]
}

func (h *harness) do(r request) response {
	h.t.Helper()
	return h.doFrom(r, "")
}

// doFrom is do from the client address source ("": httptest's default).
func (h *harness) doFrom(r request, source string) response {
	h.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req := httptest.NewRequest(r.method, "http://gw.example.com"+r.path, body)
	if source != "" {
		req.RemoteAddr = source + ":40000"
	}
	for k, vs := range r.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, req)
	res := response{ResponseRecorder: rec, body: rec.Body.Bytes()}
	if !r.noContract {
		checkContract(h.t, req, rec.Code, rec.Header(), res.body)
	}
	return res
}

func basic(id, secret string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))}}
}

func bearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

func jsonHeader(h http.Header) http.Header {
	h = h.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/json")
	return h
}

func formHeader(h http.Header) http.Header {
	h = h.Clone()
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

// token runs the token endpoint and returns the parsed answer.
func (h *harness) token(id, secret string, form url.Values) tokenJSON {
	h.t.Helper()
	res := h.do(request{method: "POST", path: "/auth/oauth2/token", header: formHeader(basic(id, secret)), body: form.Encode()})
	if res.Code != http.StatusOK {
		h.t.Fatalf("token %s: %d %s", form.Get("grant_type"), res.Code, res.body)
	}
	var tok tokenJSON
	res.json(h.t, &tok)
	return tok
}

func (h *harness) clientToken(id, secret string) string {
	return h.token(id, secret, url.Values{"grant_type": {"client_credentials"}}).AccessToken
}

func (h *harness) adminToken() string { return h.clientToken("demo-admin", adminSecret) }

// createUser creates a user through the API and returns its id.
func (h *harness) createUser(admin, username, password string) string {
	h.t.Helper()
	res := h.do(request{method: "POST", path: "/auth/mgmt/v1/tenants/demo/users", header: jsonHeader(bearer(admin)),
		body: `{"username":"` + username + `","password":"` + password + `","firstname":"Erika","lastname":"Mustermann"}`})
	if res.Code != http.StatusCreated {
		h.t.Fatalf("create user: %d %s", res.Code, res.body)
	}
	loc := res.Header().Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

func (h *harness) userToken(username, password string) string {
	return h.token("demo-app", appSecret, url.Values{"grant_type": {"password"}, "username": {username}, "password": {password}}).AccessToken
}

// golden compares got with testdata/<name>.json (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file: %v (run go test -update once)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from golden file\n got: %s\nwant: %s", name, got, want)
	}
}
