package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// redirectForm opens the bank page a redirect_url points to and returns
// the form values it carries.
func (c customer) redirectForm(redirectURL string) url.Values {
	c.h.t.Helper()
	if !strings.HasPrefix(redirectURL, testBase+"/demo-bank/authorize?") {
		c.h.t.Fatalf("redirect_url %q does not lead to the demo bank's page", redirectURL)
	}
	res := c.h.do(request{method: "GET", path: strings.TrimPrefix(redirectURL, testBase)})
	if res.Code != http.StatusOK || !strings.Contains(string(res.body), "Freigeben") {
		c.h.t.Fatalf("bank page: %d %s", res.Code, res.body)
	}
	form := url.Values{}
	for _, m := range regexp.MustCompile(`name="(token|state)" value="([^"]*)"`).FindAllStringSubmatch(string(res.body), -1) {
		form.Set(m[1], m[2])
	}
	return form
}

func (h *harness) answerBankPage(form url.Values, result string) response {
	h.t.Helper()
	form.Set("result", result)
	return h.do(request{method: "POST", path: "/demo-bank/authorize", header: formHeader(http.Header{}), body: form.Encode()})
}

func TestDemo4RedirectApproved(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("lena")
	id := uuid.NewString()
	c.add(id, "demo4", "demo4", "")
	a := c.access(id)
	redirect := rel(a.Relations, "redirect_url")
	if codes(a.Messages) != "BA3005" || redirect == "" || rel(a.Relations, "cancel") == "" || a.Challenge == nil || !a.Challenge.Redirect {
		t.Fatalf("redirect step: %s %s %+v", codes(a.Messages), rels(a.Relations), a.Challenge)
	}
	form := c.redirectForm(redirect)
	res := h.answerBankPage(form, "approved")
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "https://app.example.com/back" {
		t.Fatalf("answer: %d %v %s", res.Code, res.Header(), res.body)
	}
	if a := c.access(id); a.Status != "VOLLSTAENDIG" || len(a.Bankprodukte) != 5 {
		t.Errorf("after the bank page: %s %s", a.Status, codes(a.Messages))
	}
	if res := h.answerBankPage(form, "approved"); res.Code != http.StatusNotFound {
		t.Errorf("a used token must not work again: %d", res.Code)
	}
}

func TestDemo4RedirectDeniedAndCancelled(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("max")
	denied := uuid.NewString()
	c.add(denied, "demo4", "demo4", "")
	h.answerBankPage(c.redirectForm(rel(c.access(denied).Relations, "redirect_url")), "denied")
	if a := c.access(denied); !strings.HasPrefix(codes(a.Messages), "BA3040") || rel(a.Relations, "start_sca") == "" {
		t.Errorf("denied: %s %s", codes(a.Messages), rels(a.Relations))
	}

	cancelled := uuid.NewString()
	c.add(cancelled, "demo4", "demo4", "")
	a := c.access(cancelled)
	res := c.follow(rel(a.Relations, "cancel"), "")
	if res.Code != http.StatusOK {
		t.Fatalf("cancel: %d %s", res.Code, res.body)
	}
	var got bankAccessJSON
	res.json(t, &got)
	if codes(got.Messages) != "BA3040,BA3000" || got.Messages[0].Details != "Redirect-SCA wurde abgebrochen" ||
		got.Sync || rels(got.Relations) != "self,delete_bankzugang,get_issues,refresh_bankzugang,start_sca" {
		t.Errorf("cancelled: %s %+v %s sync=%v", codes(got.Messages), got.Messages, rels(got.Relations), got.Sync)
	}
	if res := c.follow(rel(a.Relations, "cancel"), ""); res.Code != http.StatusConflict {
		t.Errorf("cancelling twice: %d", res.Code)
	}
	// The bank page of a cancelled SCA no longer completes anything.
	if res := h.answerBankPage(c.redirectForm(rel(a.Relations, "redirect_url")), "approved"); res.Code != http.StatusConflict {
		t.Errorf("answer after cancel: %d %s", res.Code, res.body)
	}
	// Only a redirect SCA can be cancelled.
	other := uuid.NewString()
	c.add(other, "demo2", "demo2", "")
	consent := rel(c.access(other).Relations, "set_method")
	if res := c.follow(consent+"/cancel", ""); res.Code != http.StatusConflict {
		t.Errorf("cancel of an embedded SCA: %d", res.Code)
	}
}
