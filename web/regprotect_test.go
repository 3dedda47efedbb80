package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

// rpCustomer is a user of the client without a licence (REG/Protect).
func (h *harness) rpCustomer(name string) customer {
	h.t.Helper()
	userSeq.Lock()
	defer userSeq.Unlock()
	h.createUser(h.adminToken(), name, name+"-pass-12")
	tok := h.token("demo-rp", rpSecret, url.Values{"grant_type": {"password"}, "username": {name}, "password": {name + "-pass-12"}})
	return customer{h: h, token: tok.AccessToken}
}

var webFormLocation = regexp.MustCompile(`^` + regexp.QuoteMeta(testBase) +
	`/customer/v2/webform\?session=[0-9a-f-]{36}&useCase=(CREATE_ACCOUNT|AUTHENTICATE_ACCOUNT)$`)

// TestRegProtectAnswers451: where a licensed client would act itself, a
// REG/Protect client gets 451, an empty body and the web form's Location,
// and nothing is stored; bad requests are still 400.
func TestRegProtectAnswers451(t *testing.T) {
	h := newHarness(t)
	c := h.rpCustomer("rita")
	id := uuid.NewString()
	cases := []struct {
		name, path, body string
		status           int
		useCase          string
	}{
		{"create with an empty object", "/customer/v2/bankzugaenge", `{"` + id + `":{}}`, 451, "CREATE_ACCOUNT"},
		{"create with a preset provider", "/customer/v2/bankzugaenge", `{"` + id + `":{"providerId":"` + demoProviderID + `"}}`, 451, "CREATE_ACCOUNT"},
		{"credentials are not the client's to send", "/customer/v2/bankzugaenge", `{"` + id + `":{"providerId":"` + demoProviderID + `","credentials":{"userid":"x"}}}`, 400, ""},
		{"one access per request", "/customer/v2/bankzugaenge", `{"` + id + `":{},"` + uuid.NewString() + `":{}}`, 400, ""},
		{"unknown provider", "/customer/v2/bankzugaenge", `{"` + id + `":{"providerId":"` + uuid.NewString() + `"}}`, 400, ""},
		{"not a UUID", "/customer/v2/bankzugaenge", `{"nope":{}}`, 400, ""},
		{"start SCA of a missing access", "/customer/v2/bankzugaenge/" + id + "/consent", `{}`, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := c.call("POST", tc.path, tc.body)
			if res.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", res.Code, tc.status, res.body)
			}
			if tc.status != 451 {
				return
			}
			loc := res.Header().Get("Location")
			if !webFormLocation.MatchString(loc) || !strings.HasSuffix(loc, "useCase="+tc.useCase) || len(res.body) != 0 {
				t.Errorf("Location %q, body %q", loc, res.body)
			}
		})
	}
	if res := c.call("GET", "/customer/v2/bankzugaenge/"+id, ""); res.Code != http.StatusNotFound {
		t.Errorf("a 451 stored the access: %d", res.Code)
	}
}

// TestRegProtectExistingAccess: an access the user made in the form is
// refreshed without the form while its consent lasts; a new SCA or a
// re-add needs the form (AUTHENTICATE_ACCOUNT).
func TestRegProtectExistingAccess(t *testing.T) {
	h := newHarness(t)
	c := h.rpCustomer("rosa")
	p, err := h.auth.Authenticate(t.Context(), c.token)
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	req := map[string]aggregator.AccessRequest{id: {ProviderID: demoProviderID,
		Plain: aggregator.Credentials{"userid": "demo1", "pin": "demo1"}}}
	if _, err := h.srv.accesses.Add(t.Context(), p, req, []string{id}, aggregator.AccessOptions{WebForm: true}); err != nil {
		t.Fatal(err)
	}
	if a := c.access(id); a.Status != "VOLLSTAENDIG" || len(a.Bankprodukte) == 0 {
		t.Fatalf("made in the form: %s, %d products", a.Status, len(a.Bankprodukte))
	}
	if res := c.call("POST", "/customer/v2/bankzugaenge?refresh=true", `{"`+id+`":{}}`); res.Code != http.StatusCreated {
		t.Errorf("refresh under a valid consent: %d %s", res.Code, res.body)
	}
	for _, path := range []string{"/customer/v2/bankzugaenge", "/customer/v2/bankzugaenge/" + id + "/consent"} {
		res := c.call("POST", path, `{"`+id+`":{}}`)
		if loc := res.Header().Get("Location"); res.Code != 451 || !strings.HasSuffix(loc, "useCase=AUTHENTICATE_ACCOUNT") {
			t.Errorf("POST %s: %d %q", path, res.Code, loc)
		}
	}
	h.clock.Advance(91 * 24 * time.Hour) // the demo provider's consent lasts 90 days
	c.token = h.token("demo-rp", rpSecret, url.Values{"grant_type": {"password"}, "username": {"rosa"}, "password": {"rosa-pass-12"}}).AccessToken
	res := c.call("POST", "/customer/v2/bankzugaenge?refresh=true", `{"`+id+`":{}}`)
	if res.Code != 451 || !strings.HasSuffix(res.Header().Get("Location"), "useCase=AUTHENTICATE_ACCOUNT") {
		t.Errorf("refresh after the consent ran out: %d %q", res.Code, res.Header().Get("Location"))
	}
	// A licensed client's user is never sent to the form.
	if res := h.newCustomer("lena").add(uuid.NewString(), "demo1", "demo1", ""); res.Code != http.StatusCreated {
		t.Errorf("licensed client: %d", res.Code)
	}
	if res := c.call("DELETE", "/customer/v2/regprotect/sessions", ""); res.Code != http.StatusOK {
		t.Errorf("DELETE sessions: %d %s", res.Code, res.body)
	}
}
