package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

func TestClientCredentialsToken(t *testing.T) {
	h := newHarness(t)
	for _, scheme := range []string{"Basic", "basic", "BASIC"} {
		hdr := basic("demo-app", appSecret)
		hdr.Set("Authorization", strings.Replace(hdr.Get("Authorization"), "Basic", scheme, 1))
		res := h.do(request{method: "POST", path: "/auth/oauth2/token", header: formHeader(hdr), body: "grant_type=client_credentials"})
		if res.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", scheme, res.Code, res.body)
		}
		var tok tokenJSON
		res.json(t, &tok)
		if id, err := uuid.Parse(tok.AccessToken); err != nil || id.Version() != 4 {
			t.Errorf("access_token %q is not a version-4 UUID", tok.AccessToken)
		}
		want := tokenJSON{Scope: "http://banksapi.io/provider/read http://banksapi.io/customer/read http://banksapi.io/customer/modify",
			Tenant: "demo", Client: "demo-app", AdditionalData: map[string]string{}, ValidTo: "2026-03-02 10:30:00",
			AccessToken: tok.AccessToken, TokenType: "Bearer"}
		if tok.Scope != want.Scope || tok.Tenant != want.Tenant || tok.Client != want.Client || tok.User != "" ||
			len(tok.AdditionalData) != 0 || tok.ValidTo != want.ValidTo || tok.TokenType != "Bearer" {
			t.Errorf("token = %+v, want %+v", tok, want)
		}
		if !strings.Contains(string(res.body), `"additionalData":{}`) {
			t.Errorf("client token must carry additionalData {} like the seed: %s", res.body)
		}
		if res.Header().Get("Cache-Control") != "no-store" {
			t.Error("token responses must not be cached")
		}
	}
}

func TestTokenGolden(t *testing.T) {
	h := newHarness(t)
	h.createUser(h.adminToken(), "golden-user", "golden-pass-1")
	tok := h.token("demo-app", appSecret, url.Values{"grant_type": {"password"}, "username": {"golden-user"},
		"password": {"golden-pass-1"}, "scope": {"http://banksapi.io/customer/read http://banksapi.io/customer/modify"}})
	res := h.do(request{method: "GET", path: "/auth/oauth2/introspect?token=" + tok.AccessToken, header: basic("demo-app", appSecret)})
	body := strings.ReplaceAll(string(res.body), tok.AccessToken, "ACCESS-TOKEN")
	body = strings.ReplaceAll(body, tok.User, "USER-ID")
	golden(t, "token_user", []byte(body))
}

func TestTokenGrants(t *testing.T) {
	h := newHarness(t)
	h.createUser(h.adminToken(), "erika", "erika-pass-42")
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	tests := []struct {
		name      string
		header    http.Header
		body      string
		status    int
		oauth     string
		inMessage string
	}{
		{"no authorization", formHeader(http.Header{}), form("grant_type", "client_credentials"), 401, "invalid_client", "basic authorization header"},
		{"bearer instead of basic", formHeader(bearer("x")), form("grant_type", "client_credentials"), 401, "invalid_client", "basic authorization header"},
		{"garbage base64", formHeader(http.Header{"Authorization": {"Basic !!!"}}), form("grant_type", "client_credentials"), 401, "invalid_client", ""},
		{"wrong secret", formHeader(basic("demo-app", "nope")), form("grant_type", "client_credentials"), 401, "invalid_client", "client authentication failed"},
		{"unknown client", formHeader(basic("ghost", appSecret)), form("grant_type", "client_credentials"), 401, "invalid_client", "client authentication failed"},
		{"missing grant", formHeader(basic("demo-app", appSecret)), form(), 400, "invalid_request", "grant_type is required"},
		{"unknown grant", formHeader(basic("demo-app", appSecret)), form("grant_type", "implicit"), 400, "unsupported_grant_type", `"implicit"`},
		{"scope not granted", formHeader(basic("demo-app", appSecret)), form("grant_type", "client_credentials", "scope", "auth/tenants/users/create"), 400, "invalid_scope", "auth/tenants/users/create"},
		{"password missing", formHeader(basic("demo-app", appSecret)), form("grant_type", "password", "username", "erika"), 400, "invalid_request", "username and password are required"},
		{"wrong password", formHeader(basic("demo-app", appSecret)), form("grant_type", "password", "username", "erika", "password", "wrong-pass-1"), 400, "invalid_grant", "username or password incorrect"},
		{"unknown user", formHeader(basic("demo-app", appSecret)), form("grant_type", "password", "username", "nobody", "password", "erika-pass-42"), 400, "invalid_grant", "username or password incorrect"},
		{"refresh without token", formHeader(basic("demo-app", appSecret)), form("grant_type", "refresh_token"), 400, "invalid_request", "refresh_token is required"},
		{"refresh unknown token", formHeader(basic("demo-app", appSecret)), form("grant_type", "refresh_token", "refresh_token", uuid.NewString()), 400, "invalid_grant", "refresh_token is not valid"},
		{"json body", jsonHeader(basic("demo-app", appSecret)), `{"grant_type":"client_credentials"}`, 415, "invalid_request", "must be a form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(request{method: "POST", path: "/auth/oauth2/token", header: tt.header, body: tt.body})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Code, tt.status, res.body)
			}
			var b errorBody
			res.json(t, &b)
			if b.Error != tt.oauth || !strings.Contains(b.Messages[0].Message, tt.inMessage) {
				t.Errorf("body %s: want error %q and message containing %q", res.body, tt.oauth, tt.inMessage)
			}
			if tt.status == 401 && res.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

func TestPasswordGrantAndScopeNarrowing(t *testing.T) {
	h := newHarness(t)
	id := h.createUser(h.adminToken(), "erika", "erika-pass-42")
	tok := h.token("demo-app", appSecret, url.Values{"grant_type": {"password"}, "username": {"erika"},
		"password": {"erika-pass-42"}, "scope": {"http://banksapi.io/provider/read"}})
	if tok.User != id || tok.AdditionalData["username"] != "erika" || tok.Scope != "http://banksapi.io/provider/read" {
		t.Errorf("user token = %+v", tok)
	}
	// The narrowed token reaches providers but not what it was not given.
	if res := h.do(request{method: "GET", path: "/providers/v2", header: bearer(tok.AccessToken)}); res.Code != 200 {
		t.Errorf("providers with narrowed token: %d", res.Code)
	}
}

func TestClientIDWithSlashAndFormEncodedCredentials(t *testing.T) {
	h := newHarness(t)
	// Raw, as most clients send it.
	h.clientToken("demo/partner", partnerSecret)
	// Form-encoded before Base64, as RFC 6749 §2.3.1 asks.
	h.clientToken(url.QueryEscape("demo/partner"), url.QueryEscape(partnerSecret))
}

func TestRefreshTokenGrant(t *testing.T) {
	h := newHarness(t)
	h.createUser(h.adminToken(), "erika", "erika-pass-42")
	old := h.userToken("erika", "erika-pass-42")
	h.clock.Advance(23 * time.Hour)
	fresh := h.token("demo-app", appSecret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {old}})
	if fresh.AdditionalData["username"] != "erika" || fresh.ValidTo != "2026-03-03 09:30:00" {
		t.Errorf("refreshed token = %+v", fresh)
	}
	if res := h.do(request{method: "GET", path: "/providers/v2", header: bearer(old)}); res.Code != http.StatusForbidden {
		t.Errorf("the refreshed token must be retired, got %d", res.Code)
	}
	if res := h.do(request{method: "GET", path: "/providers/v2", header: bearer(fresh.AccessToken)}); res.Code != 200 {
		t.Errorf("fresh token: %d", res.Code)
	}
	// Another client cannot refresh demo-app's token.
	res := h.do(request{method: "POST", path: "/auth/oauth2/token", header: formHeader(basic("demo-admin", adminSecret)),
		body: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {fresh.AccessToken}}.Encode()})
	if res.Code != http.StatusBadRequest {
		t.Errorf("cross-client refresh: %d %s", res.Code, res.body)
	}
}

func TestBearerAuthentication(t *testing.T) {
	h := newHarness(t)
	app := h.clientToken("demo-app", appSecret)
	revoked := h.clientToken("demo-app", appSecret)
	if res := h.do(request{method: "POST", path: "/auth/oauth2/revoke", header: formHeader(http.Header{}), body: "token=" + revoked}); res.Code != 200 || len(res.body) != 0 {
		t.Fatalf("revoke: %d %s", res.Code, res.body)
	}
	tests := []struct {
		name   string
		header http.Header
		status int
		code   aggregator.MessageCode
	}{
		{"no header", nil, 401, aggregator.CodeUnauthorized},
		{"empty bearer", http.Header{"Authorization": {"Bearer "}}, 401, aggregator.CodeUnauthorized},
		{"other scheme", http.Header{"Authorization": {"Token " + app}}, 401, aggregator.CodeUnauthorized},
		{"lower-case scheme", http.Header{"Authorization": {"bearer " + app}}, 200, ""},
		{"unknown token", bearer(uuid.NewString()), 403, aggregator.CodeForbidden},
		{"revoked token", bearer(revoked), 403, aggregator.CodeForbidden},
		{"valid", bearer(app), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(request{method: "GET", path: "/providers/v2", header: tt.header})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Code, tt.status, res.body)
			}
			if tt.code != "" && res.message(t).Code != tt.code {
				t.Errorf("code %s, want %s", res.message(t).Code, tt.code)
			}
		})
	}
	h.clock.Advance(24 * time.Hour)
	if res := h.do(request{method: "GET", path: "/providers/v2", header: bearer(app)}); res.Code != http.StatusForbidden {
		t.Errorf("expired token: %d", res.Code)
	}
}

func TestRevokeAndIntrospect(t *testing.T) {
	h := newHarness(t)
	tok := h.clientToken("demo-app", appSecret)
	acme := h.clientToken("acme-admin", acmeAdminSecret)
	tests := []struct {
		name   string
		method string
		path   string
		header http.Header
		body   string
		status int
	}{
		{"introspect own tenant", "GET", "/auth/oauth2/introspect?token=" + tok, basic("demo-admin", adminSecret), "", 200},
		{"introspect without token", "GET", "/auth/oauth2/introspect", basic("demo-app", appSecret), "", 400},
		{"introspect without basic", "GET", "/auth/oauth2/introspect?token=" + tok, nil, "", 401},
		{"introspect other tenant's token", "GET", "/auth/oauth2/introspect?token=" + acme, basic("demo-app", appSecret), "", 403},
		{"introspect unknown token", "GET", "/auth/oauth2/introspect?token=" + uuid.NewString(), basic("demo-app", appSecret), "", 403},
		{"revoke without token", "POST", "/auth/oauth2/revoke", formHeader(http.Header{}), "", 400},
		{"revoke with wrong basic", "POST", "/auth/oauth2/revoke", formHeader(basic("demo-app", "bad")), "token=" + tok, 401},
		{"revoke unknown token is fine", "POST", "/auth/oauth2/revoke", formHeader(http.Header{}), "token=" + uuid.NewString(), 200},
		{"revoke", "POST", "/auth/oauth2/revoke", formHeader(basic("demo-app", appSecret)), "token=" + tok, 200},
		{"introspect revoked", "GET", "/auth/oauth2/introspect?token=" + tok, basic("demo-app", appSecret), "", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(request{method: tt.method, path: tt.path, header: tt.header, body: tt.body})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Code, tt.status, res.body)
			}
			if tt.status == 200 && tt.method == "GET" {
				var got tokenJSON
				res.json(t, &got)
				if got.AccessToken != tok || got.Client != "demo-app" || got.Tenant != "demo" {
					t.Errorf("introspection = %+v", got)
				}
			}
		})
	}
}
