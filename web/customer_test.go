package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestDemo1WithoutSCA(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("anna")
	id := uuid.NewString()
	res := c.add(id, "demo1", "demo1", "")
	if res.Code != http.StatusCreated || res.Header().Get("Location") != testBase+"/customer/v2/bankzugaenge/"+id {
		t.Fatalf("add: %d %v %s", res.Code, res.Header(), res.body)
	}
	a := c.access(id)
	if a.Status != "VOLLSTAENDIG" || a.ProviderID != demoProviderID || len(a.Bankprodukte) != 5 || !a.Sync {
		t.Fatalf("access = %+v", a)
	}
	if got := rels(a.Relations); got != "self,delete_bankzugang,get_issues,refresh_bankzugang" {
		t.Errorf("relations %s", got)
	}
	var giro, depot productJSON
	for _, p := range a.Bankprodukte {
		switch p.Kategorie {
		case "GIROKONTO":
			giro = p
		case "DEPOT":
			depot = p
		}
		if p.Status != "VOLLSTAENDIG" {
			t.Errorf("product %s status %s", p.ID, p.Status)
		}
	}
	if giro.ID == "" || giro.Saldo == nil || giro.Ueberziehungslimit == nil || rel(giro.Relations, "get_kontoumsaetze") == "" {
		t.Fatalf("Girokonto = %+v", giro)
	}
	var txs []transactionJSON
	c.call("GET", strings.TrimPrefix(rel(giro.Relations, "get_kontoumsaetze"), testBase), "").json(t, &txs)
	if len(txs) < 20 {
		t.Fatalf("%d transactions in the last 90 days", len(txs))
	}
	var one transactionJSON
	c.call("GET", "/customer/v2/bankzugaenge/"+id+"/"+giro.ID+"/kontoumsaetze/"+txs[0].ID, "").json(t, &one)
	if one != txs[0] {
		t.Errorf("one transaction %+v, want %+v", one, txs[0])
	}
	if res := c.call("GET", "/customer/v2/bankzugaenge/"+id+"/"+giro.ID+"/kontoumsaetze/"+uuid.NewString(), ""); res.Code != 404 {
		t.Errorf("unknown transaction: %d", res.Code)
	}
	var positions []investmentJSON
	c.call("GET", strings.TrimPrefix(rel(depot.Relations, "get_depotpositionen"), testBase), "").json(t, &positions)
	if len(positions) < 4 || positions[0].ISIN == "" {
		t.Errorf("positions = %+v", positions)
	}
	if res := c.call("GET", "/customer/v2/bankzugaenge/"+id+"/"+giro.ID, ""); res.Code != 200 {
		t.Errorf("product: %d", res.Code)
	}

	// Fetching again never duplicates a transaction.
	all := func() int {
		var list []transactionJSON
		c.call("GET", "/customer/v2/bankzugaenge/"+id+"/"+giro.ID+"/kontoumsaetze?from=2000-01-01", "").json(t, &list)
		return len(list)
	}
	before := all()
	if res := c.call("POST", "/customer/v2/bankzugaenge?refresh=true", `{"`+id+`":{}}`); res.Code != http.StatusCreated {
		t.Fatalf("refresh: %d %s", res.Code, res.body)
	}
	if res := c.add(id, "demo1", "demo1", ""); res.Code != http.StatusCreated {
		t.Fatalf("re-add: %d %s", res.Code, res.body)
	}
	if after := all(); after != before || before < 300 {
		t.Errorf("transactions before %d, after two more fetches %d", before, after)
	}
}

func TestDemo2MethodMediumTAN(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("bert")
	id := uuid.NewString()
	c.add(id, "demo2", "demo2", "")
	a := c.access(id)
	if a.Status != "INTERAKTION" || codes(a.Messages) != "BA3010" || len(a.Sicherheitsverfahren) != 3 {
		t.Fatalf("after add: %+v", a)
	}
	setMethod := rel(a.Relations, "set_method")
	if setMethod == "" || !strings.Contains(setMethod, "/customer/v2/bankzugaenge/"+id+"/consent/") {
		t.Fatalf("set_method relation: %s", rels(a.Relations))
	}
	steps := []struct {
		body, status, codes, next string
		http                      int
	}{
		{`{"chosenScaMethodId":"77"}`, "", "BA1101", "", 400},
		{`{"scaAuthenticationData":"4"}`, "", "BA409", "", 409},
		{`{"chosenScaMethodId":1}`, "INTERAKTION", "BA3020", "set_medium", 200},
		{`{"chosenScaMedia":"Faxgerät"}`, "", "BA1102", "", 400},
		{`{"chosenScaMedia":"Mobil"}`, "INTERAKTION", "BA3030", "authenticate", 200},
		{`{"scaAuthenticationData":"3"}`, "INTERAKTION", "BA3030,BA1103", "authenticate", 200},
		{`{"scaAuthenticationData":"4"}`, "VOLLSTAENDIG", "", "", 200},
	}
	for _, st := range steps {
		res := c.follow(setMethod, st.body)
		if res.Code != st.http {
			t.Fatalf("%s: %d %s", st.body, res.Code, res.body)
		}
		if st.http != 200 {
			if m := res.message(t); string(m.Code) != st.codes {
				t.Errorf("%s: code %s, want %s", st.body, m.Code, st.codes)
			}
			continue
		}
		var got bankAccessJSON
		res.json(t, &got)
		if string(got.Status) != st.status || codes(got.Messages) != st.codes || (st.next != "" && rel(got.Relations, st.next) == "") {
			t.Fatalf("%s: status %s, messages %s, relations %s", st.body, got.Status, codes(got.Messages), rels(got.Relations))
		}
		if st.next == "authenticate" && (got.Challenge == nil || got.AktivesSicherheitsverfahren == nil) {
			t.Errorf("challenge step without challenge or active method: %+v", got)
		}
	}
	if a := c.access(id); len(a.Bankprodukte) != 5 || rel(a.Relations, "authenticate") != "" {
		t.Errorf("after TAN: %s, %d products", rels(a.Relations), len(a.Bankprodukte))
	}
}

// failDemo2SCA adds a demo2 access and fails its SCA with three wrong
// TANs; it returns the consent's href.
func (c customer) failDemo2SCA(id string) string {
	c.h.t.Helper()
	c.add(id, "demo2", "demo2", "")
	href := rel(c.access(id).Relations, "set_method")
	c.follow(href, `{"chosenScaMethodId":"1"}`)
	c.follow(href, `{"chosenScaMedia":"Mobil"}`)
	for i := 0; i < 3; i++ {
		c.follow(href, `{"scaAuthenticationData":"1"}`)
	}
	return href
}

func TestDemo2ThreeWrongTANsThenRestart(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("carla")
	id := uuid.NewString()
	href := c.failDemo2SCA(id)
	a := c.access(id)
	if codes(a.Messages) != "BA3040,BA3000" || rel(a.Relations, "start_sca") == "" || rel(a.Relations, "authenticate") != "" {
		t.Fatalf("after three wrong TANs: %s %s", codes(a.Messages), rels(a.Relations))
	}
	if res := c.follow(href, `{"scaAuthenticationData":"2"}`); res.Code != http.StatusConflict {
		t.Errorf("TAN on a failed consent: %d", res.Code)
	}
	res := c.follow(rel(a.Relations, "start_sca"), `{}`)
	if res.Code != http.StatusCreated {
		t.Fatalf("start_sca: %d %s", res.Code, res.body)
	}
	again := c.access(id)
	if codes(again.Messages) != "BA3010" || rel(again.Relations, "set_method") == href {
		t.Errorf("restart must open a new consent: %s %s", codes(again.Messages), rels(again.Relations))
	}
	if res := c.follow(href, `{"chosenScaMethodId":"1"}`); res.Code != http.StatusConflict {
		t.Errorf("the old consent must be retired: %d", res.Code)
	}
}

func TestDemo3DecoupledAfterTwoPolls(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("dora")
	id := uuid.NewString()
	c.add(id, "demo3", "demo3", "")
	a := c.access(id)
	poll := rel(a.Relations, "authenticate_decoupled")
	if poll == "" || rel(a.Relations, "authenticate") == "" || a.Challenge == nil || !a.Challenge.Decoupled {
		t.Fatalf("decoupled step: %s %+v", rels(a.Relations), a.Challenge)
	}
	for i, want := range []string{"INTERAKTION", "INTERAKTION", "VOLLSTAENDIG"} {
		res := c.call("GET", strings.TrimPrefix(poll, testBase), "")
		var got bankAccessJSON
		res.json(t, &got)
		if string(got.Status) != want {
			t.Fatalf("poll %d: %s %s", i+1, got.Status, codes(got.Messages))
		}
	}
	// The generic consent route shows the same access.
	cid := poll[strings.LastIndex(poll, "/")+1:]
	if res := c.call("GET", "/customer/v2/consent/"+cid, ""); res.Code != 200 {
		t.Errorf("generic consent route: %d", res.Code)
	}
}

func TestDemo5TwoSCAs(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("emil")
	id := uuid.NewString()
	c.add(id, "demo5", "demo5", "")
	a := c.access(id)
	first := rel(a.Relations, "authenticate")
	if first == "" {
		t.Fatalf("first SCA: %s %s", codes(a.Messages), rels(a.Relations))
	}
	res := c.follow(first, `{"scaAuthenticationData":"8"}`)
	var second bankAccessJSON
	res.json(t, &second)
	poll := rel(second.Relations, "authenticate_decoupled")
	if second.Status != "INTERAKTION" || poll == "" || poll == first {
		t.Fatalf("second SCA: %s %s", codes(second.Messages), rels(second.Relations))
	}
	for i := 0; i < 3; i++ {
		c.call("GET", strings.TrimPrefix(poll, testBase), "")
	}
	if a := c.access(id); a.Status != "VOLLSTAENDIG" || len(a.Bankprodukte) == 0 {
		t.Errorf("after both SCAs: %s %d products", a.Status, len(a.Bankprodukte))
	}
}

func TestBankRefusals(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("fred")
	tests := []struct {
		name, userid, pin, want string
	}{
		{"wrong pin", "demo1", "wrong", "BA1011"},
		{"wrong pin again", "demo1", "wrong", "BA1011"},
		{"third wrong pin blocks", "demo1", "wrong", "BA1010"},
		{"maintenance", "maintenance", "maintenance", "BA1051"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := uuid.NewString()
			if res := c.add(id, tt.userid, tt.pin, ""); res.Code != http.StatusCreated {
				t.Fatalf("add: %d %s", res.Code, res.body)
			}
			a := c.access(id)
			if codes(a.Messages) != tt.want || len(a.Bankprodukte) != 0 {
				t.Errorf("messages %s, %d products", codes(a.Messages), len(a.Bankprodukte))
			}
			var issues struct {
				Messages []struct{ Code string }
			}
			c.call("GET", "/customer/v2/bankzugaenge/"+id+"/issues", "").json(t, &issues)
			if len(issues.Messages) == 0 || issues.Messages[0].Code != tt.want {
				t.Errorf("issues %+v", issues)
			}
		})
	}
}

func TestExpiringConsentNeedsSCA(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("gina")
	id := uuid.NewString()
	c.add(id, "expiring", "expiring", "")
	if a := c.access(id); a.Status != "VOLLSTAENDIG" || rel(a.Relations, "start_sca") != "" {
		t.Fatalf("fresh: %s %s", a.Status, rels(a.Relations))
	}
	h.clock.Advance(2 * time.Minute)
	a := c.access(id)
	if codes(a.Messages) != "BA3000" || rel(a.Relations, "start_sca") == "" || len(a.Bankprodukte) != 5 {
		t.Fatalf("expired: %s %s, %d products", codes(a.Messages), rels(a.Relations), len(a.Bankprodukte))
	}
	if res := c.call("POST", "/customer/v2/bankzugaenge?refresh=true", `{"`+id+`":{}}`); res.Code != http.StatusCreated {
		t.Fatalf("refresh: %d %s", res.Code, res.body)
	}
	if a := c.access(id); rel(a.Relations, "start_sca") == "" {
		t.Errorf("refresh on an expired consent must ask for SCA: %s", rels(a.Relations))
	}
	if res := c.follow(rel(a.Relations, "start_sca"), `{}`); res.Code != http.StatusCreated {
		t.Fatalf("start_sca: %d %s", res.Code, res.body)
	}
	if a := c.access(id); a.Status != "VOLLSTAENDIG" || rel(a.Relations, "start_sca") != "" {
		t.Errorf("after renewal: %s %s", codes(a.Messages), rels(a.Relations))
	}
}

func TestAddRejectsBadInput(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("hans")
	id := uuid.NewString()
	good := encrypt(t, map[string]string{"userid": "demo1", "pin": "demo1"})
	tests := []struct {
		name, body, code, msg string
	}{
		{"empty map", `{}`, "BA400", "at least one"},
		{"not an object", `[]`, "BA400", "JSON object"},
		{"id not a uuid", `{"abc":{"providerId":"` + demoProviderID + `"}}`, "BA400", "not a UUID"},
		{"unknown provider", `{"` + id + `":{"providerId":"11111111-1111-4111-8111-111111111111","credentials":{"userid":"` + good["userid"] + `","pin":"` + good["pin"] + `"}}}`, "BA400", "unknown providerId"},
		{"no credentials", `{"` + id + `":{"providerId":"` + demoProviderID + `"}}`, "BA1012", "Zugangsdaten"},
		{"pin missing", `{"` + id + `":{"providerId":"` + demoProviderID + `","credentials":{"userid":"` + good["userid"] + `"}}}`, "BA1012", ""},
		{"not base64", `{"` + id + `":{"providerId":"` + demoProviderID + `","credentials":{"userid":"%%%","pin":"` + good["pin"] + `"}}}`, "BA1012", ""},
		{"plaintext", `{"` + id + `":{"providerId":"` + demoProviderID + `","credentials":{"userid":"ZGVtbzE=","pin":"ZGVtbzE="}}}`, "BA1012", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.call("POST", "/customer/v2/bankzugaenge", tt.body)
			if res.Code != http.StatusBadRequest {
				t.Fatalf("status %d: %s", res.Code, res.body)
			}
			m := res.message(t)
			if string(m.Code) != tt.code || !strings.Contains(m.Message+m.Details, tt.msg) {
				t.Errorf("message %+v, want %s containing %q", m, tt.code, tt.msg)
			}
			if strings.Contains(string(res.body), "demo1") {
				t.Error("an error must never echo a credential")
			}
		})
	}
	if res := c.call("GET", "/customer/v2/bankzugaenge/"+id, ""); res.Code != http.StatusNotFound {
		t.Errorf("a refused add must store nothing: %d", res.Code)
	}
	if res := c.call("POST", "/customer/v2/bankzugaenge?maxTransactions=some", `{}`); res.Code != 400 {
		t.Errorf("bad maxTransactions: %d", res.Code)
	}
	withSync := `{"` + id + `":{"providerId":"` + demoProviderID + `","sync":true,"credentials":{"userid":"` + good["userid"] + `","pin":"` + good["pin"] + `"}}}`
	if res := c.call("POST", "/customer/v2/bankzugaenge?headOnly=true", withSync); res.Code != 400 {
		t.Errorf("headOnly with sync true: %d", res.Code)
	}
	// headOnly: the products without balances, and no background sync.
	headOnly := uuid.NewString()
	noSync := `{"` + headOnly + `":{"providerId":"` + demoProviderID + `","credentials":{"userid":"` + good["userid"] + `","pin":"` + good["pin"] + `"}}}`
	if res := c.call("POST", "/customer/v2/bankzugaenge?headOnly=true", noSync); res.Code != http.StatusCreated {
		t.Fatalf("headOnly add: %d %s", res.Code, res.body)
	}
	if a := c.access(headOnly); a.Sync || len(a.Bankprodukte) != 5 || a.Bankprodukte[0].Saldo != nil {
		t.Errorf("headOnly access: sync=%v, %d products, saldo %v", a.Sync, len(a.Bankprodukte), a.Bankprodukte[0].Saldo)
	}
}

func TestCustomerIsolation(t *testing.T) {
	h := newHarness(t)
	owner := h.newCustomer("ida")
	other := h.newCustomer("jan")
	id := uuid.NewString()
	owner.add(id, "demo2", "demo2", "")
	a := owner.access(id)
	consent := strings.TrimPrefix(rel(a.Relations, "set_method"), testBase)
	cid := consent[strings.LastIndex(consent, "/")+1:]
	for _, tt := range []struct{ method, path, body string }{
		{"GET", "/customer/v2/bankzugaenge/" + id, ""},
		{"GET", "/customer/v2/bankzugaenge/" + id + "/issues", ""},
		{"DELETE", "/customer/v2/bankzugaenge/" + id, ""},
		{"GET", consent, ""},
		{"POST", consent, `{"chosenScaMethodId":"1"}`},
		{"GET", "/customer/v2/consent/" + cid, ""},
		{"POST", "/customer/v2/bankzugaenge/" + id + "/consent", `{}`},
	} {
		if res := other.call(tt.method, tt.path, tt.body); res.Code != http.StatusNotFound {
			t.Errorf("%s %s by another user: %d", tt.method, tt.path, res.Code)
		}
	}
	var list map[string]bankAccessJSON
	other.call("GET", "/customer/v2/bankzugaenge", "").json(t, &list)
	if len(list) != 0 {
		t.Errorf("another user's list has %d accesses", len(list))
	}
	// A client token does not reach customer data.
	if res := h.do(request{method: "GET", path: "/customer/v2", header: bearer(h.clientToken("demo-app", appSecret))}); res.Code != http.StatusForbidden {
		t.Errorf("client token on /customer/v2: %d", res.Code)
	}
}

func TestCustomerAndDelete(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("karl")
	a1, a2 := uuid.NewString(), uuid.NewString()
	c.add(a1, "demo1", "demo1", "")
	c.add(a2, "demo2", "demo2", "")
	var cust struct {
		Bankzugaenge map[string]struct {
			Messages  []struct{ Code string }
			Relations []struct{ Rel, Href string }
		}
		Relations []struct{ Rel, Href string }
	}
	c.call("GET", "/customer/v2", "").json(t, &cust)
	if len(cust.Bankzugaenge) != 2 || len(cust.Bankzugaenge[a2].Messages) != 1 || cust.Bankzugaenge[a2].Messages[0].Code != "BA3010" {
		t.Fatalf("customer = %+v", cust)
	}
	var rels []string
	for _, r := range cust.Relations {
		rels = append(rels, r.Rel)
	}
	if got := strings.Join(rels, ","); got != "self,get_bankzugaenge,add_bankzugaenge,delete_bankzugaenge,delete_regprotect_sessions" {
		t.Errorf("customer relations: %s", got)
	}
	if res := c.call("DELETE", "/customer/v2/bankzugaenge/"+a1, ""); res.Code != 200 {
		t.Fatalf("delete: %d", res.Code)
	}
	if res := c.call("GET", "/customer/v2/bankzugaenge/"+a1, ""); res.Code != 404 {
		t.Errorf("deleted access: %d", res.Code)
	}
	if res := c.call("DELETE", "/customer/v2/bankzugaenge", ""); res.Code != 200 {
		t.Fatalf("delete all: %d", res.Code)
	}
	var list map[string]bankAccessJSON
	c.call("GET", "/customer/v2/bankzugaenge", "").json(t, &list)
	if len(list) != 0 {
		t.Errorf("after delete all: %d", len(list))
	}
}

// TestConsentValidityPerProvider: the demo bank grants 180 days, the test
// catalogue allows 90; the gateway asks for SCA again after 90.
func TestConsentValidityPerProvider(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("olga")
	id := uuid.NewString()
	c.add(id, "demo1", "demo1", "")
	h.clock.Advance(89 * 24 * time.Hour)
	c.token = h.userToken("olga", "olga-pass-12") // tokens last a day
	if a := c.access(id); rel(a.Relations, "start_sca") != "" {
		t.Fatalf("day 89: %s", codes(a.Messages))
	}
	h.clock.Advance(2 * 24 * time.Hour)
	c.token = h.userToken("olga", "olga-pass-12")
	if a := c.access(id); codes(a.Messages) != "BA3000" || rel(a.Relations, "start_sca") == "" {
		t.Errorf("day 91: %s %s", codes(a.Messages), rels(a.Relations))
	}
}

func TestChallengePDF(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("paul")
	id := uuid.NewString()
	creds := encrypt(t, map[string]string{"userid": "someone"})
	res := c.call("POST", "/customer/v2/bankzugaenge", `{"`+id+`":{"providerId":"`+pdfBankID+`","credentials":{"userid":"`+creds["userid"]+`"}}}`)
	if res.Code != http.StatusCreated {
		t.Fatalf("add: %d %s", res.Code, res.body)
	}
	a := c.access(id)
	pdf := rel(a.Relations, "get_challenge_pdf")
	if pdf == "" || a.Challenge == nil || !strings.HasPrefix(a.Challenge.Content.PDF, "data:application/pdf;base64,") {
		t.Fatalf("challenge %+v, relations %s", a.Challenge, rels(a.Relations))
	}
	got := c.call("GET", strings.TrimPrefix(pdf, testBase), "")
	if got.Code != 200 || got.Header().Get("Content-Type") != "application/pdf" || string(got.body) != string(challengePDF) {
		t.Fatalf("PDF: %d %q %d bytes", got.Code, got.Header().Get("Content-Type"), len(got.body))
	}
	c.follow(rel(a.Relations, "authenticate"), `{"scaAuthenticationData":"1"}`)
	if res := c.call("GET", strings.TrimPrefix(pdf, testBase), ""); res.Code != http.StatusNotFound {
		t.Errorf("PDF after the SCA: %d", res.Code)
	}
}

// TestSavedTANSettings: the method and medium of a granted SCA answer the
// next SCA's questions; queryTanSettings=true shows the bank's offer again.
func TestSavedTANSettings(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("tessa")
	id := uuid.NewString()
	// A failed SCA saves nothing: the next login asks for the method again.
	c.failDemo2SCA(id)
	c.add(id, "demo2", "demo2", "")
	a := c.access(id)
	if codes(a.Messages) != "BA3010" {
		t.Fatalf("after a failed SCA: %s, want the method question", codes(a.Messages))
	}
	// A granted SCA saves its choices.
	href := rel(a.Relations, "set_method")
	c.follow(href, `{"chosenScaMethodId":"1"}`)
	c.follow(href, `{"chosenScaMedia":"Mobil"}`)
	if res := c.follow(href, `{"scaAuthenticationData":"2"}`); res.Code != http.StatusOK {
		t.Fatalf("TAN: %d %s", res.Code, res.body)
	}
	cases := []struct {
		query, codes, next string
	}{
		{"", "BA3030", "authenticate"},
		{"queryTanSettings=true", "BA3010", "set_method"},
	}
	for _, tc := range cases {
		t.Run("query="+tc.query, func(t *testing.T) {
			if res := c.add(id, "demo2", "demo2", tc.query); res.Code != http.StatusCreated {
				t.Fatalf("add: %d %s", res.Code, res.body)
			}
			a := c.access(id)
			if codes(a.Messages) != tc.codes || rel(a.Relations, tc.next) == "" {
				t.Fatalf("messages %s, relations %s", codes(a.Messages), rels(a.Relations))
			}
			if tc.query == "" && (a.AktivesSicherheitsverfahren == nil || a.AktivesSicherheitsverfahren.Kodierung != 1 ||
				len(a.Sicherheitsverfahren) == 0 || a.Challenge == nil) {
				t.Errorf("saved method not applied or offer hidden: %+v", a)
			}
			// Finish the SCA, so the next case starts from saved settings.
			href := rel(a.Relations, tc.next)
			if tc.next == "set_method" {
				c.follow(href, `{"chosenScaMethodId":"1"}`)
				c.follow(href, `{"chosenScaMedia":"Mobil"}`)
			}
			if res := c.follow(href, `{"scaAuthenticationData":"2"}`); res.Code != http.StatusOK {
				t.Fatalf("TAN: %d %s", res.Code, res.body)
			}
		})
	}
}
