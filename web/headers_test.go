package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestSecurityHeaders: every answer forbids sniffing and referrers; what
// carries bank data, user data or tokens is never cached; the public
// catalogue keeps its own caching; a 401 names the scheme the route wants.
func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	c := h.newCustomer("hedwig")
	id := uuid.NewString()
	if res := c.add(id, "demo1", "demo1", ""); res.Code != http.StatusCreated {
		t.Fatalf("add: %d %s", res.Code, res.body)
	}
	user, cust := bearer(c.token), bearer(c.token)
	cust.Set("Customer-IP-Address", "203.0.113.7")
	form := func(hdr http.Header) http.Header { return formHeader(hdr) }
	grant := url.Values{"grant_type": {"client_credentials"}}.Encode()
	const noStore, none = "no-store", ""
	tests := []struct {
		name, method, path string
		header             http.Header
		body               string
		status             int
		cache              string // Cache-Control
		authenticate       string // prefix of WWW-Authenticate
		noContract         bool
	}{
		{"customer", "GET", "/customer/v2", user, "", 200, noStore, "", false},
		{"bank accesses", "GET", "/customer/v2/bankzugaenge", user, "", 200, noStore, "", false},
		{"bank access", "GET", "/customer/v2/bankzugaenge/" + id, user, "", 200, noStore, "", false},
		{"bank access again (cached view)", "GET", "/customer/v2/bankzugaenge/" + id, user, "", 200, noStore, "", false},
		{"unknown bank access", "GET", "/customer/v2/bankzugaenge/" + uuid.NewString(), user, "", 404, noStore, "", false},
		{"add", "POST", "/customer/v2/bankzugaenge?refresh=true", jsonHeader(cust), `{"` + id + `":{}}`, 201, noStore, "", false},
		{"customer without token", "GET", "/customer/v2", nil, "", 401, noStore, "Bearer ", false},
		{"customer with a client token", "GET", "/customer/v2", bearer(admin), "", 403, noStore, "", false},
		{"customer wrong method", "PUT", "/customer/v2", user, "", 405, noStore, "", true},
		{"users", "GET", "/auth/mgmt/v1/tenants/demo/users", bearer(admin), "", 200, noStore, "", false},
		{"tenants without token", "GET", "/auth/mgmt/v1/tenants", nil, "", 401, noStore, "Bearer ", false},
		{"tenants with Basic", "GET", "/auth/mgmt/v1/tenants", basic("demo-admin", adminSecret), "", 401, noStore, "Bearer ", false},
		{"token", "POST", "/auth/oauth2/token", form(basic("demo-admin", adminSecret)), grant, 200, noStore, "", false},
		{"token refused", "POST", "/auth/oauth2/token", form(basic("demo-admin", adminSecret)), "grant_type=implicit", 400, noStore, "", false},
		{"token wrong secret", "POST", "/auth/oauth2/token", form(basic("demo-admin", "wrong")), grant, 401, noStore, "Basic ", false},
		{"token without client", "POST", "/auth/oauth2/token", form(http.Header{}), grant, 401, noStore, "Basic ", false},
		{"token with Bearer", "POST", "/auth/oauth2/token", form(bearer(admin)), grant, 401, noStore, "Basic ", false},
		{"revoke wrong secret", "POST", "/auth/oauth2/revoke", form(basic("demo-app", "wrong")), "token=x", 401, noStore, "Basic ", false},
		{"introspect without client", "GET", "/auth/oauth2/introspect?token=x", nil, "", 401, noStore, "Basic ", false},
		{"providers", "GET", "/providers/v2", user, "", 200, none, "", false},
		{"providers without token", "GET", "/providers/v2", nil, "", 401, none, "Bearer ", false},
		{"provider", "GET", "/providers/v2/" + demoProviderID, user, "", 200, none, "", false},
		{"logo", "GET", "/providers/v2/demo.svg", nil, "", 200, "public, max-age=86400", "", false},
		{"healthz", "GET", "/healthz", nil, "", 200, none, "", false},
		{"metrics", "GET", "/metrics", nil, "", 200, none, "", false},
		{"openapi", "GET", "/openapi.yaml", nil, "", 200, none, "", false},
		{"unknown route", "GET", "/nope", nil, "", 404, none, "", true},
		{"CORS preflight", "OPTIONS", "/customer/v2", http.Header{"Origin": {"https://app.example.com"},
			"Access-Control-Request-Method": {"GET"}}, "", 204, noStore, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(request{method: tt.method, path: tt.path, header: tt.header, body: tt.body, noContract: tt.noContract})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Code, tt.status, res.body)
			}
			got := res.Header()
			if got.Get("X-Content-Type-Options") != "nosniff" || got.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("X-Content-Type-Options %q, Referrer-Policy %q", got.Get("X-Content-Type-Options"), got.Get("Referrer-Policy"))
			}
			if cc := got.Get("Cache-Control"); cc != tt.cache {
				t.Errorf("Cache-Control %q, want %q", cc, tt.cache)
			}
			if wa := got.Get("WWW-Authenticate"); tt.authenticate != "" && !strings.HasPrefix(wa, tt.authenticate) ||
				tt.authenticate == "" && wa != "" {
				t.Errorf("WWW-Authenticate %q, want %q…", wa, tt.authenticate)
			}
		})
	}
}
