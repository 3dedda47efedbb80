package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

// consentBody is the Consent object as a test reads it.
type consentBody struct {
	Messages   []aggregator.Message  `json:"messages"`
	ScaMethods []scaMethodJSON       `json:"scaMethods"`
	ScaMediums []scaMediumJSON       `json:"scaMediums"`
	Challenge  *challengeJSON        `json:"challenge"`
	Relations  []aggregator.Relation `json:"relations"`
}

func (c customer) consent(method, path, body string) (response, consentBody) {
	c.h.t.Helper()
	res := c.call(method, strings.TrimPrefix(path, testBase), body)
	var got consentBody
	if res.Code == http.StatusOK {
		res.json(c.h.t, &got)
	}
	return res, got
}

// TestConsentResource drives demo2's SCA through the Consent resource
// alone: get_consent on the access leads there, every step answers the
// seed's Consent object, and once granted the access offers no consent.
func TestConsentResource(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("konrad")
	id := uuid.NewString()
	c.add(id, "demo2", "demo2", "")
	a := c.access(id)
	href := rel(a.Relations, "get_consent")
	cid := rel(a.Relations, "set_method")[strings.LastIndex(rel(a.Relations, "set_method"), "/")+1:]
	if href != testBase+"/customer/v2/consent/"+cid {
		t.Fatalf("get_consent: %q, relations %s", href, rels(a.Relations))
	}
	res, got := c.consent("GET", href, "")
	if res.Code != 200 || codes(got.Messages) != "BA3010" || len(got.ScaMethods) != 3 || got.ScaMethods[0].Code != 1 ||
		rels(got.Relations) != "self,set_method" || rel(got.Relations, "set_method") != href || rel(got.Relations, "self") != href {
		t.Fatalf("GET consent: %d %s", res.Code, res.body)
	}
	golden(t, "consent_select_method", []byte(strings.ReplaceAll(string(res.body), cid, "{consent-id}")))

	steps := []struct {
		body, codes, rels string
		media             bool
		challenge         bool
	}{
		{`{"chosenScaMethodId":"1"}`, "BA3020", "self,set_medium", true, false},
		{`{"chosenScaMedia":"Mobil"}`, "BA3030", "self,authenticate", false, true},
		{`{"scaAuthenticationData":"3"}`, "BA3030,BA1103", "self,authenticate", false, true},
		{`{"scaAuthenticationData":"4"}`, "", "self", false, false},
	}
	for _, st := range steps {
		res, got := c.consent("POST", href, st.body)
		if res.Code != 200 || codes(got.Messages) != st.codes || rels(got.Relations) != st.rels ||
			(len(got.ScaMediums) > 0) != st.media || (got.Challenge != nil) != st.challenge {
			t.Fatalf("%s: %d %s", st.body, res.Code, res.body)
		}
		if st.media && got.ScaMediums[0].MediaClass != "MOBILE" {
			t.Errorf("%s: media class %q, want the English enum", st.body, got.ScaMediums[0].MediaClass)
		}
	}
	if a := c.access(id); string(a.Status) != "VOLLSTAENDIG" || rel(a.Relations, "get_consent") != "" {
		t.Fatalf("after the TAN: %s %s", a.Status, rels(a.Relations))
	}
	// The granted consent still reads, with nothing left to do.
	if res, got := c.consent("GET", href, ""); res.Code != 200 || len(got.Messages) != 0 || rels(got.Relations) != "self" {
		t.Fatalf("granted consent: %d %s", res.Code, res.body)
	}
}

// TestConsentGetDoesNotPoll: GET on the Consent resource shows the stored
// state; only GET …/poll (authenticate_decoupled) asks the bank, which
// approves demo3 at the third poll.
func TestConsentGetDoesNotPoll(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("dagmar")
	id := uuid.NewString()
	c.add(id, "demo3", "demo3", "")
	href := rel(c.access(id).Relations, "get_consent")
	for range 5 {
		if res, got := c.consent("GET", href, ""); res.Code != 200 || codes(got.Messages) != "BA3030" || got.Challenge == nil || !got.Challenge.Decoupled {
			t.Fatalf("GET: %d %s", res.Code, res.body)
		}
	}
	_, got := c.consent("GET", href, "")
	poll := rel(got.Relations, "authenticate_decoupled")
	if poll != href+"/poll" || rel(got.Relations, "authenticate") != href {
		t.Fatalf("decoupled relations: %s", rels(got.Relations))
	}
	for i, want := range []string{"BA3030", "BA3030", ""} {
		if res, got := c.consent("GET", poll, ""); res.Code != 200 || codes(got.Messages) != want {
			t.Fatalf("poll %d: %d %s", i+1, res.Code, res.body)
		}
	}
	if a := c.access(id); string(a.Status) != "VOLLSTAENDIG" {
		t.Fatalf("after the approval: %s", a.Status)
	}
}

// TestConsentCancelAndStartByGet: cancel on the Consent resource fails
// the redirect SCA (BA3040); the access then offers start_sca, which an
// older client follows with GET.
func TestConsentCancelAndStartByGet(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("rita")
	id := uuid.NewString()
	c.add(id, "demo4", "demo4", "")
	href := rel(c.access(id).Relations, "get_consent")
	_, got := c.consent("GET", href, "")
	cancel := rel(got.Relations, "cancel")
	if cancel != href+"/cancel" || rel(got.Relations, "redirect_url") == "" || codes(got.Messages) != "BA3005" {
		t.Fatalf("redirect step: %s %s", codes(got.Messages), rels(got.Relations))
	}
	res, got := c.consent("POST", cancel, "")
	if res.Code != 200 || codes(got.Messages) != "BA3040" || rels(got.Relations) != "self" {
		t.Fatalf("cancel: %d %s", res.Code, res.body)
	}
	start := rel(c.access(id).Relations, "start_sca")
	if res := c.call("GET", strings.TrimPrefix(start, testBase), ""); res.Code != http.StatusCreated || res.Header().Get("Location") == "" {
		t.Fatalf("GET on start_sca: %d %s", res.Code, res.body)
	}
	if a := c.access(id); codes(a.Messages) != "BA3005" || rel(a.Relations, "get_consent") == href {
		t.Fatalf("after the restart: %s %s", codes(a.Messages), rels(a.Relations))
	}
}

// TestConsentWrongMethods: a wrong method on a consent path answers 405
// with its Allow header, never another route's 404.
func TestConsentWrongMethods(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("wanda")
	id, cid := uuid.NewString(), uuid.NewString()
	for _, tc := range []struct{ method, path string }{
		{"PUT", "/customer/v2/consent/" + cid},
		{"DELETE", "/customer/v2/consent/" + cid},
		{"POST", "/customer/v2/consent/" + cid + "/poll"},
		{"GET", "/customer/v2/consent/" + cid + "/cancel"},
		{"DELETE", "/customer/v2/bankzugaenge/" + id + "/consent"},
		{"PUT", "/customer/v2/bankzugaenge/" + id + "/consent/" + cid},
	} {
		res := c.h.do(request{method: tc.method, path: tc.path, header: bearer(c.token), noContract: true})
		if res.Code != http.StatusMethodNotAllowed || res.Header().Get("Allow") == "" {
			t.Errorf("%s %s: %d (Allow %q) %s", tc.method, tc.path, res.Code, res.Header().Get("Allow"), res.body)
		}
	}
	// Another user's consent is not found, on every verb.
	other := h.newCustomer("xaver")
	other.add(id, "demo2", "demo2", "")
	href := rel(other.access(id).Relations, "get_consent")
	for _, m := range []string{"GET", "POST"} {
		if res, _ := c.consent(m, href, ""); res.Code != http.StatusNotFound {
			t.Errorf("%s another user's consent: %d", m, res.Code)
		}
	}
}
