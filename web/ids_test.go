package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestUUIDsIgnoreCase: a bank access, its consent and a user answer under
// any spelling of their UUIDs, and the upper-case spelling of an existing
// access refreshes that access instead of creating a second one.
func TestUUIDsIgnoreCase(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("uwe")
	id := uuid.NewString()
	upper := strings.ToUpper(id)
	if res := c.add(upper, "demo2", "demo2", ""); res.Code != http.StatusCreated ||
		res.Header().Get("Location") != testBase+"/customer/v2/bankzugaenge/"+id {
		t.Fatalf("add in upper case: %d %q %s", res.Code, res.Header().Get("Location"), res.body)
	}
	if res := c.add(id, "demo2", "demo2", ""); res.Code != http.StatusCreated {
		t.Fatalf("add in lower case: %d %s", res.Code, res.body)
	}
	var list map[string]bankAccessJSON
	c.call("GET", "/customer/v2/bankzugaenge", "").json(t, &list)
	if _, ok := list[id]; len(list) != 1 || !ok {
		t.Fatalf("one access under two spellings is listed as %d: %v", len(list), keysOf(list))
	}
	a := c.access(upper)
	if a.ID != id {
		t.Errorf("access read in upper case has id %q", a.ID)
	}
	setMethod := strings.TrimPrefix(rel(a.Relations, "set_method"), testBase)
	cid := setMethod[strings.LastIndex(setMethod, "/")+1:]
	reads := []struct{ method, path, body string }{
		{"GET", "/customer/v2/bankzugaenge/" + upper + "/issues", ""},
		{"GET", "/customer/v2/bankzugaenge/" + upper + "/consent/" + strings.ToUpper(cid), ""},
		{"GET", "/customer/v2/consent/" + strings.ToUpper(cid), ""},
		{"POST", "/customer/v2/bankzugaenge/" + id + "/consent/" + strings.ToUpper(cid), `{"chosenScaMethodId":"1"}`},
	}
	for _, r := range reads {
		if res := c.call(r.method, r.path, r.body); res.Code != http.StatusOK {
			t.Errorf("%s %s: %d %s", r.method, r.path, res.Code, res.body)
		}
	}
	// Two keys that differ only in case are the same access, twice.
	other := uuid.NewString()
	creds := encrypt(t, map[string]string{"userid": "demo1", "pin": "demo1"})
	entry := `{"providerId":"` + strings.ToUpper(demoProviderID) + `","credentials":{"userid":"` + creds["userid"] + `","pin":"` + creds["pin"] + `"}}`
	res := c.call("POST", "/customer/v2/bankzugaenge", `{"`+other+`":`+entry+`,"`+strings.ToUpper(other)+`":`+entry+`}`)
	if res.Code != http.StatusBadRequest || !strings.Contains(res.message(t).Message, "appears twice") {
		t.Errorf("the same id in two spellings: %d %s", res.Code, res.body)
	}
	if res := c.call("DELETE", "/customer/v2/bankzugaenge/"+upper, ""); res.Code != http.StatusOK {
		t.Errorf("delete in upper case: %d %s", res.Code, res.body)
	}
	list = nil
	c.call("GET", "/customer/v2/bankzugaenge", "").json(t, &list)
	if len(list) != 0 {
		t.Errorf("after the delete: %v", keysOf(list))
	}

	admin := h.adminToken()
	user := h.createUser(admin, "ulla", "ulla-pass-12")
	if res := h.do(request{method: "GET", path: "/auth/mgmt/v1/tenants/demo/users/" + strings.ToUpper(user), header: bearer(admin)}); res.Code != http.StatusOK {
		t.Errorf("user in upper case: %d %s", res.Code, res.body)
	}
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
