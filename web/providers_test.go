package web

import (
	"net/http"
	"testing"
)

func TestProviders(t *testing.T) {
	h := newHarness(t)
	tok := h.clientToken("demo-app", appSecret)
	tests := []struct {
		name   string
		path   string
		status int
		golden string
	}{
		{"list", "/providers/v2", 200, "providers"},
		{"query by name", "/providers/v2?q=spark", 200, "providers_q_spark"},
		{"query by bic", "/providers/v2?q=demo12", 200, "providers_q_demo"},
		{"query without match", "/providers/v2?q=zzz", 200, "providers_q_none"},
		{"one", "/providers/v2/" + demoProviderID, 200, "provider_demo"},
		{"trailing slash", "/providers/v2/" + demoProviderID + "/", 200, "provider_demo"},
		{"unknown", "/providers/v2/11111111-2222-4333-8444-555555555555", 404, "provider_unknown"},
		{"malformed", "/providers/v2/not-a-uuid", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(request{method: "GET", path: tt.path, header: bearer(tok)})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Code, tt.status, res.body)
			}
			if tt.golden != "" {
				golden(t, tt.golden, res.body)
			}
		})
	}
}

func TestProviderLogoIsPublic(t *testing.T) {
	h := newHarness(t)
	res := h.do(request{method: "GET", path: "/providers/v2/demo.svg"})
	if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "image/svg+xml" || string(res.body) != `<svg xmlns="http://www.w3.org/2000/svg"/>` {
		t.Fatalf("logo: %d %q %s", res.Code, res.Header().Get("Content-Type"), res.body)
	}
	if res := h.do(request{method: "GET", path: "/providers/v2/ghost.svg"}); res.Code != http.StatusNotFound {
		t.Errorf("unknown logo: %d", res.Code)
	}
	// The provider itself still needs a token.
	if res := h.do(request{method: "GET", path: "/providers/v2/" + demoProviderID}); res.Code != http.StatusUnauthorized {
		t.Errorf("provider without token: %d", res.Code)
	}
}

func TestProvidersNeedProviderScope(t *testing.T) {
	h := newHarness(t)
	// acme-admin has provider/read, so narrow a demo-admin token to a scope without it.
	tok := h.token("demo-admin", adminSecret, map[string][]string{"grant_type": {"client_credentials"}, "scope": {"auth/tenants/read"}}).AccessToken
	for _, path := range []string{"/providers/v2", "/providers/v2/" + demoProviderID} {
		res := h.do(request{method: "GET", path: path, header: bearer(tok)})
		if res.Code != http.StatusForbidden || res.message(t).Message != "missing scope http://banksapi.io/provider/read" {
			t.Errorf("GET %s: %d %s", path, res.Code, res.body)
		}
	}
}
