package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

const hookPath = "/auth/mgmt/v1/tenants/demo/webhook"

func TestWebhookEndpointManagement(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	call := func(method, path, token, body string) response {
		t.Helper()
		hdr := bearer(token)
		if body != "" {
			hdr = jsonHeader(hdr)
		}
		return h.do(request{method: method, path: path, header: hdr, body: body})
	}
	if res := call("GET", hookPath, admin, ""); res.Code != http.StatusNotFound {
		t.Fatalf("no endpoint yet: %d", res.Code)
	}
	// A new endpoint without a secret gets one, shown only now.
	res := call("PUT", hookPath, admin, `{"url":"https://app.example.com/hooks","eventTypes":["TRANSACTION","ERROR"]}`)
	var put webhookJSON
	res.json(t, &put)
	if res.Code != http.StatusOK || len(put.Secrets) != 1 || !strings.HasPrefix(put.Secrets[0], "whsec_") {
		t.Fatalf("PUT: %d %s", res.Code, res.body)
	}
	secret := put.Secrets[0]
	var got webhookJSON
	res = call("GET", hookPath, admin, "")
	res.json(t, &got)
	if got.URL != "https://app.example.com/hooks" || len(got.Secrets) != 0 || len(got.SecretHints) != 1 ||
		!strings.HasSuffix(secret, strings.TrimPrefix(got.SecretHints[0], "whsec_…")) || strings.Join(typesOf(got), ",") != "TRANSACTION,ERROR" {
		t.Fatalf("GET: %s", res.body)
	}
	// Changing the URL keeps the secret; a rotation carries two.
	next := "whsec_" + strings.Repeat("QUJD", 8)
	put = webhookJSON{}
	res = call("PUT", hookPath, admin, `{"url":"https://app.example.com/v2/hooks","secrets":["`+secret+`","`+next+`"]}`)
	res.json(t, &put)
	if res.Code != http.StatusOK || len(put.SecretHints) != 2 || strings.Join(typesOf(put), ",") != "TRANSACTION,BALANCE,ERROR" {
		t.Fatalf("rotation: %d %s", res.Code, res.body)
	}
	for _, k := range storetest.Keys(t, h.store) {
		v := h.store.Client().Get(t.Context(), k).Val()
		if strings.Contains(v, strings.TrimPrefix(secret, "whsec_")) || strings.Contains(v, strings.TrimPrefix(next, "whsec_")) {
			t.Errorf("a webhook secret is stored in plaintext under %s", k)
		}
	}
	for _, e := range h.logs.All() {
		line, _ := json.Marshal(e.ContextMap())
		if strings.Contains(e.Message+string(line), strings.TrimPrefix(secret, "whsec_")) {
			t.Errorf("a webhook secret was logged: %s %s", e.Message, line)
		}
	}
	bad := []struct{ name, body string }{
		{"relative URL", `{"url":"/hooks"}`},
		{"not http", `{"url":"ftp://app.example.com/hooks"}`},
		{"user info", `{"url":"https://u:p@app.example.com/hooks"}`},
		{"secret without prefix", `{"url":"https://a.example.com","secret":"plain"}`},
		{"short secret", `{"url":"https://a.example.com","secret":"whsec_QUJD"}`},
		{"three secrets", `{"url":"https://a.example.com","secrets":["` + next + `","` + secret + `","` + next + `"]}`},
		{"same secret twice", `{"url":"https://a.example.com","secrets":["` + next + `","` + next + `"]}`},
		{"unknown event type", `{"url":"https://a.example.com","eventTypes":["PAYMENT"]}`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			res := call("PUT", hookPath, admin, tc.body)
			if res.Code != http.StatusBadRequest || strings.Contains(string(res.body), "QUJD") {
				t.Errorf("%d %s", res.Code, res.body)
			}
		})
	}
	// Only the tenant's own admin client: others see nothing or lack the scope.
	if res := call("GET", hookPath, h.clientToken("acme-admin", acmeAdminSecret), ""); res.Code != http.StatusNotFound {
		t.Errorf("another tenant's admin: %d", res.Code)
	}
	if res := call("GET", hookPath, h.clientToken("demo/partner", partnerSecret), ""); res.Code != http.StatusForbidden {
		t.Errorf("a client without the scope: %d", res.Code)
	}
	if res := call("DELETE", hookPath, admin, ""); res.Code != http.StatusOK {
		t.Fatalf("DELETE: %d", res.Code)
	}
	if res := call("GET", hookPath, admin, ""); res.Code != http.StatusNotFound {
		t.Errorf("after DELETE: %d", res.Code)
	}
	if res := call("DELETE", hookPath, admin, ""); res.Code != http.StatusNotFound {
		t.Errorf("second DELETE: %d", res.Code)
	}
}

// TestWebhookSecretShownOnlyWhenGenerated: the PUT's answer carries a
// secret only when the gateway generated it in that call; kept secrets
// and those the caller sent are shown as hints only.
func TestWebhookSecretShownOnlyWhenGenerated(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	own := "whsec_" + strings.Repeat("T1dO", 8)
	steps := []struct {
		name, body string
		secrets    int // shown in full
		hints      int
	}{
		{"new endpoint, secret generated", `{"url":"https://app.example.com/hooks"}`, 1, 1},
		{"URL changed, secret kept", `{"url":"https://app.example.com/v2/hooks"}`, 0, 1},
		{"same again", `{"url":"https://app.example.com/v2/hooks"}`, 0, 1},
		{"caller's own secret", `{"url":"https://app.example.com/v2/hooks","secret":"` + own + `"}`, 0, 1},
		{"after the caller's secret", `{"url":"https://app.example.com/v3/hooks","eventTypes":["ERROR"]}`, 0, 1},
		{"deleted", "", 0, 0},
		{"new again, generated again", `{"url":"https://app.example.com/hooks"}`, 1, 1},
	}
	var generated []string
	for _, st := range steps {
		if st.body == "" {
			if res := h.do(request{method: "DELETE", path: hookPath, header: bearer(admin)}); res.Code != http.StatusOK {
				t.Fatalf("%s: %d", st.name, res.Code)
			}
			continue
		}
		res := h.do(request{method: "PUT", path: hookPath, header: jsonHeader(bearer(admin)), body: st.body})
		var got webhookJSON
		res.json(t, &got)
		if res.Code != http.StatusOK || len(got.Secrets) != st.secrets || len(got.SecretHints) != st.hints {
			t.Errorf("%s: %d %s", st.name, res.Code, res.body)
		}
		generated = append(generated, got.Secrets...)
		if strings.Contains(string(res.body), strings.TrimPrefix(own, "whsec_")) {
			t.Errorf("%s: the caller's secret is shown again: %s", st.name, res.body)
		}
		for _, g := range generated[:len(generated)-len(got.Secrets)] {
			if strings.Contains(string(res.body), strings.TrimPrefix(g, "whsec_")) {
				t.Errorf("%s: an earlier secret is shown again: %s", st.name, res.body)
			}
		}
	}
	if len(generated) != 2 || generated[0] == generated[1] {
		t.Errorf("generated secrets %v", generated)
	}
}

func typesOf(w webhookJSON) []string {
	out := make([]string, len(w.EventTypes))
	for i, t := range w.EventTypes {
		out[i] = string(t)
	}
	return out
}

// TestWebhookLogAndDeadLetters: the log reads by serial range; a dead
// letter is listed and redelivered.
func TestWebhookLogAndDeadLetters(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	ctx := t.Context()
	for i, payee := range []string{"REWE", "Miete", "Stadtwerke"} {
		amount := decimal.RequireFromString("-1" + strings.Repeat("0", i))
		n := aggregator.Notification{ID: uuid.NewString(), Type: aggregator.NotifyTransaction, Tenant: "demo", UserID: "u1",
			AccessID: "a1", Occurred: h.clock.Now(), ProductID: "DE02", NewTransactions: []aggregator.NotifiedTransaction{{PayeeName: payee, Amount: &amount}}}
		if _, err := h.store.Sequence(ctx, n, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.store.DeadLetter(ctx, "demo", 2, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path string
		status       int
		want         string
	}{
		{"GET", hookPath + "/notifications?from=2&to=9", 200, `"payeeName":"Miete"`},
		{"GET", hookPath + "/notifications?from=3", 200, `"serial":3`},
		{"GET", hookPath + "/notifications?from=0&to=2", 400, ""},
		{"GET", hookPath + "/notifications?from=x", 400, ""},
		{"GET", hookPath + "/notifications?from=1&to=1000", 400, ""},
		{"GET", hookPath + "/dead-letters", 200, `{"serials":[2]}`},
		{"POST", hookPath + "/dead-letters/2/redeliver", 200, ""},
		{"POST", hookPath + "/dead-letters/2/redeliver", 404, ""},
		{"POST", hookPath + "/dead-letters/x/redeliver", 404, ""},
		{"GET", hookPath + "/dead-letters", 200, `{"serials":[]}`},
		{"GET", "/auth/mgmt/v1/tenants/acme/webhook/dead-letters", 404, ""},
	}
	for _, tc := range cases {
		res := h.do(request{method: tc.method, path: tc.path, header: bearer(admin)})
		if res.Code != tc.status || !strings.Contains(string(res.body), tc.want) {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, res.Code, res.body)
		}
	}
}
