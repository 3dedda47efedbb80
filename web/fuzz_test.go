package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
)

// Fuzz targets for every decoder that takes outside input, driven through
// the real handlers: whatever the bytes, the answer is a client error or
// success (never a 5xx), its body is a JSON document, and it matches the
// OpenAPI document (checked by the harness). Seed corpora live in
// testdata/fuzz; CI runs each target for a bounded time.

// fuzzHarness is one server for all inputs of a target; each input
// reports to its own *testing.T.
func fuzzHarness(f *testing.F) *harness {
	f.Helper()
	return newHarnessWithLog(f, zap.NewNop())
}

// fuzzCall sends one request with t as the reporter and checks the
// invariants.
func (h *harness) fuzzCall(t *testing.T, r request) response {
	t.Helper()
	h.t = t
	res := h.do(r)
	if res.Code >= 500 {
		t.Fatalf("%s %s: %d %s", r.method, r.path, res.Code, res.body)
	}
	if len(res.body) > 0 && !json.Valid(res.body) {
		t.Fatalf("%s %s: %d with a body that is not JSON: %q", r.method, r.path, res.Code, res.body)
	}
	return res
}

func FuzzTokenEndpoint(f *testing.F) {
	h := fuzzHarness(f)
	h.newCustomer("fuzzer")
	for _, seed := range []struct{ ct, body string }{
		{"application/x-www-form-urlencoded", "grant_type=client_credentials"},
		{"application/x-www-form-urlencoded", "grant_type=password&username=fuzzer&password=fuzzer-pass-12"},
		{"application/x-www-form-urlencoded", "grant_type=password&username=fuzzer&password=wrong"},
		{"application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=0defaced-1337-d00d-c0de-face8badcafe"},
		{"application/x-www-form-urlencoded; charset=utf-8", "grant_type=client_credentials&scope=http%3A%2F%2Fbanksapi.io%2Fprovider%2Fread"},
		{"application/x-www-form-urlencoded", "grant_type=%zz"},
		{"text/plain", "grant_type=client_credentials"},
		{"", ""},
	} {
		f.Add(seed.ct, seed.body)
	}
	f.Fuzz(func(t *testing.T, contentType, body string) {
		hdr := basic("demo-app", appSecret)
		if contentType != "" {
			hdr.Set("Content-Type", contentType)
		}
		h.fuzzCall(t, request{method: "POST", path: "/auth/oauth2/token", header: hdr, body: body})
	})
}

func FuzzAddAccesses(f *testing.F) {
	h := fuzzHarness(f)
	c := h.newCustomer("fuzzer")
	creds := encrypt(f, map[string]string{"userid": "demo1", "pin": "demo1"})
	entry := `{"providerId":"` + demoProviderID + `","credentials":{"userid":"` + creds["userid"] + `","pin":"` + creds["pin"] + `"},"sync":false}`
	for _, seed := range []string{
		`{"` + uuid.NewString() + `":` + entry + `}`,
		`{"` + uuid.NewString() + `":{"providerId":"` + demoProviderID + `","credentials":{"userid":"bm90IFJTQQ==","pin":"x"}}}`,
		`{"not-a-uuid":{}}`,
		`{"` + uuid.NewString() + `":{"providerId":"` + demoProviderID + `","selectedBankProducts":["DE1"],"sync":"yes"}}`,
		`[]`, `{}`, `{"a":1}{"b":2}`, `{"` + uuid.NewString() + `":null}`, "",
	} {
		f.Add(seed, "")
		f.Add(seed, "callbackUrl=http%3A%2F%2F127.0.0.1%3A1%40evil.example%2F&refresh=maybe&maxTransactions=all")
	}
	f.Fuzz(func(t *testing.T, body, query string) {
		path := "/customer/v2/bankzugaenge"
		if q, err := url.ParseQuery(query); err == nil && len(q) > 0 {
			path += "?" + q.Encode()
		}
		hdr := jsonHeader(bearer(c.token))
		hdr.Set("Customer-IP-Address", "203.0.113.7")
		h.fuzzCall(t, request{method: "POST", path: path, header: hdr, body: body})
	})
}

func FuzzSubmitConsent(f *testing.F) {
	h := fuzzHarness(f)
	c := h.newCustomer("fuzzer")
	id := uuid.NewString()
	if res := c.add(id, "demo2", "demo2", ""); res.Code != http.StatusCreated {
		f.Fatalf("add: %d %s", res.Code, res.body)
	}
	consent := rel(c.access(id).Relations, "set_method")
	h.fuzzJSONBodies(f, "POST", consent[len(testBase):], c.token,
		`{"chosenScaMethodId":"1"}`, `{"chosenScaMethodId":1}`, `{"chosenScaMedia":"Mobil"}`,
		`{"scaAuthenticationData":"42"}`, `{}`, ``, `{"chosenScaMethodId":[]}`, `null`, `{"chosenScaMethodId":"1"} trailing`)
}

// fuzzJSONBodies fuzzes the JSON body of one route, starting from seeds.
func (h *harness) fuzzJSONBodies(f *testing.F, method, path, token string, seeds ...string) {
	for _, seed := range seeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		h.fuzzCall(t, request{method: method, path: path, header: jsonHeader(bearer(token)), body: body})
	})
}

func FuzzManagementUsers(f *testing.F) {
	h := fuzzHarness(f)
	h.fuzzJSONBodies(f, "POST", "/auth/mgmt/v1/tenants/demo/users", h.adminToken(),
		`{"username":"erika","password":"erika-pass-42"}`,
		`{"username":"erika","password":"short"}`,
		`{"username":"","password":"erika-pass-42","firstname":1}`,
		`{"username":"erika\u0000","password":"erika-pass-42"}`,
		`{}`, `[]`, ``, `{"username":"a"}{}`)
}

func FuzzWebhookEndpoint(f *testing.F) {
	h := fuzzHarness(f)
	h.fuzzJSONBodies(f, "PUT", "/auth/mgmt/v1/tenants/demo/webhook", h.adminToken(),
		`{"url":"https://hooks.example.com/zugang"}`,
		`{"url":"https://hooks.example.com/zugang","secret":"`+aggregator.NewWebhookSecret()+`","eventTypes":["BALANCE"]}`,
		`{"url":"http://127.0.0.1:6379/","secrets":["whsec_","whsec_AAAA"]}`,
		`{"url":"ftp://x","eventTypes":["NOPE"]}`,
		`{"url":1}`, `{}`, ``, `{"url":"https://a.example"} x`)
}

func FuzzNotificationQuery(f *testing.F) {
	h := fuzzHarness(f)
	admin := h.adminToken()
	if res := h.do(request{method: "PUT", path: "/auth/mgmt/v1/tenants/demo/webhook", header: jsonHeader(bearer(admin)),
		body: `{"url":"https://hooks.example.com/zugang"}`}); res.Code != http.StatusOK {
		f.Fatalf("PUT webhook: %d %s", res.Code, res.body)
	}
	for _, seed := range [][2]string{{"1", "10"}, {"1", ""}, {"0", "1"}, {"10", "1"}, {"1", "100000"}, {"-1", "x"}, {"9223372036854775807", "9223372036854775807"}, {"", ""}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		q := url.Values{"from": {from}}
		if to != "" {
			q.Set("to", to)
		}
		h.fuzzCall(t, request{method: "GET", path: "/auth/mgmt/v1/tenants/demo/webhook/notifications?" + q.Encode(), header: bearer(admin)})
	})
}
