package web

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/providers"
	_ "github.com/zugang/zugang/providers/demo"
	"github.com/zugang/zugang/sca"
)

// testKey is one RSA key for the whole test binary: generating one per test
// would dominate the suite's time.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// testProviders resolves the catalogue's demo entry to the real demo bank
// and pdfBankID to pdfBank.
type testProviders struct {
	demo aggregator.Provider
	info aggregator.ProviderInfo
}

// pdfBankID is a test-only provider whose TAN challenge is a PDF.
const pdfBankID = "7d1d7e4a-0000-4000-8000-00000000c0de"

func (p testProviders) Provider(id string) (aggregator.Provider, aggregator.ProviderInfo, error) {
	switch id {
	case p.info.ID:
		return p.demo, p.info, nil
	case pdfBankID:
		return pdfBank{}, aggregator.ProviderInfo{ID: pdfBankID, Fields: []aggregator.LoginField{{Key: "userid"}}}, nil
	}
	return nil, aggregator.ProviderInfo{}, aggregator.NotFound("test.Provider", "provider")
}

// challengePDF is a minimal well-formed PDF.
var challengePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
	"trailer<</Root 1 0 R>>\n%%EOF\n")

// pdfBank is a hand-written provider for the one feature the demo bank does
// not have: a challenge that carries a PDF.
type pdfBank struct{}

func (pdfBank) Connect(context.Context, aggregator.ConnectRequest) (aggregator.Outcome, error) {
	return aggregator.Outcome{Step: aggregator.EventNeedTAN, Challenge: &aggregator.Challenge{Name: "PDF-TAN",
		Instructions: "Die TAN steht im PDF", PDF: challengePDF}}, nil
}

func (pdfBank) Fetch(context.Context, aggregator.FetchRequest) (aggregator.Snapshot, error) {
	return aggregator.Snapshot{}, nil
}

func (pdfBank) SelectMethod(context.Context, aggregator.StepRequest, int) (aggregator.Outcome, error) {
	return aggregator.Outcome{}, aggregator.Errorf(aggregator.KindInvalid, "pdfBank", "no methods")
}

func (pdfBank) SelectMedium(context.Context, aggregator.StepRequest, string) (aggregator.Outcome, error) {
	return aggregator.Outcome{}, aggregator.Errorf(aggregator.KindInvalid, "pdfBank", "no media")
}

func (pdfBank) Authenticate(context.Context, aggregator.StepRequest, string) (aggregator.Outcome, error) {
	return aggregator.Outcome{Step: aggregator.EventDone}, nil
}

func newTestAccesses(t testing.TB, st *store.Store, cat *aggregator.Catalogue, dir *aggregator.Directory, clk *clock, log *zap.Logger) *aggregator.Accesses {
	t.Helper()
	key, err := aggregator.NewCredentialKey(testKey(), nil, aggregator.PaddingOAEPSHA1)
	if err != nil {
		t.Fatal(err)
	}
	sealKey := make([]byte, 32)
	_, _ = rand.Read(sealKey)
	sealer, err := aggregator.NewSealer(sealKey)
	if err != nil {
		t.Fatal(err)
	}
	info, err := cat.Provider(t.Context(), demoProviderID)
	if err != nil {
		t.Fatal(err)
	}
	demo, err := providers.New("demo", aggregator.ProviderConfig{Info: info, BaseURL: testBase, Now: clk.Now, Settings: demoSettings})
	if err != nil {
		t.Fatal(err)
	}
	return &aggregator.Accesses{Store: st, Providers: testProviders{demo: demo, info: info},
		Credentials: key, Sealer: sealer, SCA: sca.Machine{}, Directory: dir, Now: clk.Now, Log: log}
}

// secretLogin is a demo-bank login whose credentials appear nowhere else,
// so a test can search the whole store and log for them.
var secretLogin = map[string]string{"userid": "max.geheim.4711", "pin": "Pin-Only-Here-9931"}

// demoSettings are the demo bank's defaults plus secretLogin (with SCA).
var demoSettings = func() map[string]any {
	logins := []any{map[string]any{"userid": secretLogin["userid"], "pin": secretLogin["pin"], "scenario": "select_method"}}
	for _, l := range []string{"demo1:none", "demo2:select_method", "demo3:decoupled", "demo4:redirect", "demo5:two_channels", "maintenance:maintenance", "expiring:expiring"} {
		name, scenario, _ := strings.Cut(l, ":")
		logins = append(logins, map[string]any{"userid": name, "pin": name, "scenario": scenario})
	}
	return map[string]any{"logins": logins}
}()

// encrypt encrypts credentials as a client does with the gateway's key.
func encrypt(t testing.TB, fields map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range fields {
		ct, err := aggregator.EncryptCredential(&testKey().PublicKey, aggregator.PaddingOAEPSHA1, v)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = ct
	}
	return out
}

// customer is an end user's session: a user token of demo-app.
type customer struct {
	h     *harness
	token string
}

var userSeq sync.Mutex

func (h *harness) newCustomer(name string) customer {
	h.t.Helper()
	userSeq.Lock()
	defer userSeq.Unlock()
	h.createUser(h.adminToken(), name, name+"-pass-12")
	return customer{h: h, token: h.userToken(name, name+"-pass-12")}
}

func (c customer) call(method, path, body string) response {
	c.h.t.Helper()
	hdr := bearer(c.token)
	if body != "" {
		hdr = jsonHeader(hdr)
	}
	hdr.Set("Customer-IP-Address", "203.0.113.7")
	return c.h.do(request{method: method, path: path, header: hdr, body: body})
}

// add posts one bank access for the demo provider with the given login.
func (c customer) add(id, userid, pin, query string) response {
	c.h.t.Helper()
	creds := encrypt(c.h.t, map[string]string{"userid": userid, "pin": pin})
	body := `{"` + id + `":{"providerId":"` + demoProviderID + `","credentials":{"userid":"` + creds["userid"] +
		`","pin":"` + creds["pin"] + `"},"sync":true}}`
	path := "/customer/v2/bankzugaenge?callbackUrl=" + url.QueryEscape("https://app.example.com/back")
	if query != "" {
		path += "&" + query
	}
	return c.call("POST", path, body)
}

// access reads a bank access and fails the test unless it answers 200.
func (c customer) access(id string) bankAccessJSON {
	c.h.t.Helper()
	res := c.call("GET", "/customer/v2/bankzugaenge/"+id, "")
	if res.Code != http.StatusOK {
		c.h.t.Fatalf("GET access: %d %s", res.Code, res.body)
	}
	var a bankAccessJSON
	res.json(c.h.t, &a)
	return a
}

// rel returns the href of a relation, "" when absent.
func rel(rels []aggregator.Relation, name string) string {
	for _, r := range rels {
		if string(r.Rel) == name {
			return r.Href
		}
	}
	return ""
}

func rels(rs []aggregator.Relation) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r.Rel)
	}
	return strings.Join(names, ",")
}

func codes(ms []aggregator.Message) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m.Code)
	}
	return strings.Join(out, ",")
}

// follow posts a body to a relation's href.
func (c customer) follow(href, body string) response {
	c.h.t.Helper()
	return c.call("POST", strings.TrimPrefix(href, testBase), body)
}
