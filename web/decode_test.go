package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

// The default body limits (limits.jsonBodyBytes, limits.formBodyBytes).
const (
	jsonLimit = 1 << 20
	formLimit = 64 << 10
)

// TestJSONBodies: a JSON route takes exactly one JSON value of at most
// limits.jsonBodyBytes, declared as JSON; an empty body is fine for the
// routes whose body is optional, whatever its Content-Type.
func TestJSONBodies(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	c := h.newCustomer("dieter")
	withType := func(ct string) http.Header {
		hdr := bearer(admin)
		if ct != "" {
			hdr.Set("Content-Type", ct)
		}
		return hdr
	}
	user := func(name string) string { return `{"username":"` + name + `","password":"` + name + `-pass-12"}` }
	users := "/auth/mgmt/v1/tenants/demo/users"
	tests := []struct {
		name, contentType, body string
		status                  int
		code                    aggregator.MessageCode
	}{
		{"trailing garbage", "application/json", user("garbage") + "garbage", 400, "BA400"},
		{"a second value", "application/json", user("second") + user("second2"), 400, "BA400"},
		{"trailing whitespace", "application/json", user("spaces") + " \r\n\t ", 201, ""},
		{"charset", "application/json; charset=utf-8", user("charset"), 201, ""},
		{"upper-case type", "Application/JSON", user("uppercase"), 201, ""},
		{"structured suffix", "application/vnd.zugang+json", user("suffix"), 201, ""},
		{"text/plain", "text/plain", user("plain"), 415, "BA415"},
		{"form type", "application/x-www-form-urlencoded", user("form"), 415, "BA415"},
		{"no type", "", user("notype"), 415, "BA415"},
		{"malformed type", "application/", user("malformed"), 415, "BA415"},
		{"json prefix is not json", "application/jsonx", user("jsonx"), 415, "BA415"},
		{"over the limit", "application/json", `{"username":"big","password":"big-pass-123","firstname":"` +
			strings.Repeat("x", 20<<20) + `"}`, 413, "BA413"},
		{"just over the limit", "application/json", user("edge") + strings.Repeat(" ", jsonLimit), 413, "BA413"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(request{method: "POST", path: users, header: withType(tt.contentType), body: tt.body})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %.300s", res.Code, tt.status, res.body)
			}
			if tt.code != "" {
				if m := res.message(t); m.Code != tt.code {
					t.Errorf("code %s, want %s", m.Code, tt.code)
				}
			}
		})
	}
	var names []string
	var list []userJSON
	h.do(request{method: "GET", path: users, header: bearer(admin)}).json(t, &list)
	for _, u := range list {
		names = append(names, u.Username)
	}
	slices.Sort(names)
	if got := strings.Join(names, ","); got != "charset,dieter,spaces,suffix,uppercase" {
		t.Errorf("users stored: %s", got)
	}

	// Every JSON route refuses trailing data and foreign types, and stores nothing.
	id := uuid.NewString()
	creds := encrypt(t, map[string]string{"userid": "demo3", "pin": "demo3"})
	access := `{"` + id + `":{"providerId":"` + demoProviderID + `","credentials":{"userid":"` + creds["userid"] + `","pin":"` + creds["pin"] + `"}}}`
	routes := []struct {
		name, method, path, token, body string
	}{
		{"reactivate", "POST", users + "/" + uuid.NewString() + "/reactivate", admin, user("re")},
		{"webhook", "PUT", "/auth/mgmt/v1/tenants/demo/webhook", admin, `{"url":"https://app.example.com/hooks"}`},
		{"add access", "POST", "/customer/v2/bankzugaenge", c.token, access},
		{"start SCA", "POST", "/customer/v2/bankzugaenge/" + id + "/consent", c.token, `{}`},
	}
	for _, r := range routes {
		for _, bad := range []struct {
			what, contentType, suffix string
			status                    int
		}{
			{"trailing data", "application/json", `}`, 400},
			{"trailing object", "application/json", `{}`, 400},
			{"text/plain", "text/plain", "", 415},
		} {
			t.Run(r.name+" "+bad.what, func(t *testing.T) {
				hdr := bearer(r.token)
				hdr.Set("Content-Type", bad.contentType)
				hdr.Set("Customer-IP-Address", "203.0.113.7")
				res := h.do(request{method: r.method, path: r.path, header: hdr, body: r.body + bad.suffix})
				if res.Code != bad.status {
					t.Errorf("status %d, want %d: %.300s", res.Code, bad.status, res.body)
				}
			})
		}
	}
	if res := h.do(request{method: "GET", path: "/auth/mgmt/v1/tenants/demo/webhook", header: bearer(admin)}); res.Code != http.StatusNotFound {
		t.Errorf("a refused webhook PUT stored the endpoint: %d", res.Code)
	}
	if res := c.call("GET", "/customer/v2/bankzugaenge/"+id, ""); res.Code != http.StatusNotFound {
		t.Errorf("a refused add stored the access: %d", res.Code)
	}

	// Bodiless requests pass with any Content-Type or none: the decoupled
	// confirmation and a new SCA without a body.
	if res := c.add(id, "demo3", "demo3", ""); res.Code != http.StatusCreated {
		t.Fatalf("add: %d %s", res.Code, res.body)
	}
	for _, ct := range []string{"", "application/json", "text/plain", "application/x-www-form-urlencoded"} {
		hdr := bearer(c.token)
		if ct != "" {
			hdr.Set("Content-Type", ct)
		}
		if res := h.do(request{method: "POST", path: "/customer/v2/bankzugaenge/" + id + "/consent", header: hdr}); res.Code != http.StatusCreated {
			t.Errorf("start SCA without a body, Content-Type %q: %d %.300s", ct, res.Code, res.body)
		}
		poll := strings.TrimPrefix(rel(c.access(id).Relations, "authenticate_decoupled"), testBase)
		if res := h.do(request{method: "POST", path: poll, header: hdr}); res.Code != http.StatusOK {
			t.Errorf("decoupled confirmation without a body, Content-Type %q: %d %.300s", ct, res.Code, res.body)
		}
		if res := h.do(request{method: "POST", path: poll, header: jsonHeader(bearer(c.token)), body: "{}\n"}); res.Code != http.StatusOK {
			t.Errorf("decoupled confirmation {}: %d %.300s", res.Code, res.body)
		}
		if res := h.do(request{method: "POST", path: poll, header: jsonHeader(bearer(c.token)), body: `{}x`}); res.Code != http.StatusBadRequest {
			t.Errorf("decoupled confirmation with trailing data: %d %.300s", res.Code, res.body)
		}
	}
}

// countingReader is an endless body that counts what was read of it.
type countingReader struct{ n int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	r.n += int64(len(p))
	return len(p), nil
}

// TestBodyReadingStopsAtLimit: a body of unknown length is read no
// further than the limit before the 413.
func TestBodyReadingStopsAtLimit(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	for _, tc := range []struct {
		name, path, contentType string
		header                  http.Header
		limit                   int64
	}{
		{"json", "/auth/mgmt/v1/tenants/demo/users", "application/json", bearer(admin), jsonLimit},
		{"form", "/auth/oauth2/token", "application/x-www-form-urlencoded", basic("demo-app", appSecret), formLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &countingReader{}
			req := httptest.NewRequest("POST", "http://gw.example.com"+tc.path, io.NopCloser(body))
			req.ContentLength = -1
			for k, v := range tc.header {
				req.Header[k] = v
			}
			req.Header.Set("Content-Type", tc.contentType)
			rec := httptest.NewRecorder()
			h.srv.ServeHTTP(rec, req)
			checkContract(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
			if rec.Code != http.StatusRequestEntityTooLarge || body.n > tc.limit+1 {
				t.Errorf("status %d after reading %d bytes (limit %d): %s", rec.Code, body.n, tc.limit, rec.Body)
			}
		})
	}
}

// TestFormBodies: the OAuth2 endpoints want a form of at most
// limits.formBodyBytes; their errors keep RFC 6749's fields.
func TestFormBodies(t *testing.T) {
	h := newHarness(t)
	grant := url.Values{"grant_type": {"client_credentials"}}.Encode()
	tests := []struct {
		name, path, contentType, body string
		status                        int
		code                          aggregator.MessageCode
	}{
		{"token as text", "/auth/oauth2/token", "text/plain", grant, 415, "BA415"},
		{"token without type", "/auth/oauth2/token", "", grant, 415, "BA415"},
		{"token too large", "/auth/oauth2/token", "application/x-www-form-urlencoded", grant + "&pad=" + strings.Repeat("x", 100<<10), 413, "BA413"},
		{"token of 20 MB", "/auth/oauth2/token", "application/x-www-form-urlencoded", grant + "&pad=" + strings.Repeat("x", 20<<20), 413, "BA413"},
		{"token form with charset", "/auth/oauth2/token", "application/x-www-form-urlencoded; charset=utf-8", grant, 200, ""},
		{"revoke as JSON", "/auth/oauth2/revoke", "application/json", `{"token":"x"}`, 415, "BA415"},
		{"revoke too large", "/auth/oauth2/revoke", "application/x-www-form-urlencoded", "token=" + strings.Repeat("x", 100<<10), 413, "BA413"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := basic("demo-app", appSecret)
			if tt.contentType != "" {
				hdr.Set("Content-Type", tt.contentType)
			}
			res := h.do(request{method: "POST", path: tt.path, header: hdr, body: tt.body})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %.300s", res.Code, tt.status, res.body)
			}
			if tt.code == "" {
				return
			}
			var b errorBody
			res.json(t, &b)
			if b.Messages[0].Code != tt.code || b.Error != "invalid_request" || b.ErrorDescription == "" {
				t.Errorf("body %s", res.body)
			}
		})
	}
}
