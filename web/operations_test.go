package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.uber.org/zap/zapcore"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

func TestCorrelationID(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, sent string
		echoed     bool
	}{
		{"echoed", "c129b93a-9b5c-11e6-a112-480fcfb9550f", true},
		{"any printable value", "order-4711", true},
		{"generated when absent", "", false},
		{"replaced when it has spaces", "a b", false},
		{"replaced when too long", strings.Repeat("x", 200), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := http.Header{}
			if tt.sent != "" {
				hdr.Set("X-Correlation-ID", tt.sent)
			}
			res := h.do(request{method: "GET", path: "/healthz", header: hdr})
			got := res.Header().Get("X-Correlation-ID")
			if tt.echoed && got != tt.sent {
				t.Errorf("got %q, want echo of %q", got, tt.sent)
			}
			if !tt.echoed && uuid.Validate(got) != nil {
				t.Errorf("generated id %q is not a UUID", got)
			}
		})
	}
	// Every log line of the request carries the id.
	h.logs.TakeAll()
	hdr := formHeader(basic("demo-app", appSecret))
	hdr.Set("X-Correlation-ID", "trace-me")
	h.do(request{method: "POST", path: "/auth/oauth2/token", header: hdr, body: "grant_type=client_credentials"})
	lines := h.logs.All()
	if h.logs.FilterMessage("token issued").Len() != 1 || h.logs.FilterMessage("request").Len() != 1 {
		t.Fatalf("want the use case's and the access log's lines, got %d lines", len(lines))
	}
	for _, l := range lines {
		if l.ContextMap()["correlationId"] != "trace-me" {
			t.Errorf("log line %q without the correlation id: %v", l.Message, l.ContextMap())
		}
	}
}

func TestRoutingEdges(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, method, path string
		status             int
		code               aggregator.MessageCode
		allow              string
	}{
		{"unknown route", "GET", "/nothing/here", 404, aggregator.CodeNotFound, ""},
		{"wrong method", "DELETE", "/providers/v2", 405, aggregator.CodeMethodNotAllowed, "GET"},
		{"wrong method on token", "GET", "/auth/oauth2/token", 405, aggregator.CodeMethodNotAllowed, "POST"},
		{"trailing slash", "GET", "/healthz/", 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(request{method: tt.method, path: tt.path, noContract: tt.status != 200})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d", res.Code, tt.status)
			}
			if tt.code != "" {
				if got := res.message(t); got.Code != tt.code || got.Level != aggregator.LevelError {
					t.Errorf("message %+v, want code %s", got, tt.code)
				}
				if ct := res.Header().Get("Content-Type"); ct != contentTypeJSON {
					t.Errorf("Content-Type %q", ct)
				}
			}
			if tt.allow != "" && res.Header().Get("Allow") != tt.allow {
				t.Errorf("Allow %q, want %q", res.Header().Get("Allow"), tt.allow)
			}
		})
	}
}

func TestPanicIsLogged500(t *testing.T) {
	h := newHarness(t)
	h.srv.engine.GET("/test/panic", func(*gin.Context) { panic("boom") })
	res := h.do(request{method: "GET", path: "/test/panic", noContract: true})
	if res.Code != 500 {
		t.Fatalf("status %d", res.Code)
	}
	m := res.message(t)
	if m.Code != aggregator.CodeInternal || m.Message != "internal error" || strings.Contains(string(res.body), "boom") {
		t.Errorf("body %s must be BA999 without the panic text", res.body)
	}
	if h.logs.FilterMessage("panic").Len() != 1 {
		t.Error("the panic was not logged")
	}
}

func TestCORS(t *testing.T) {
	h := newHarness(t)
	hdr := http.Header{"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {"POST"},
		"Access-Control-Request-Headers": {"authorization,content-type"}}
	res := h.do(request{method: "OPTIONS", path: "/auth/oauth2/token", header: hdr, noContract: true})
	if res.Code != http.StatusNoContent || res.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("preflight: %d %v", res.Code, res.Header())
	}
	hdr = http.Header{"Origin": {"https://evil.example.com"}, "Access-Control-Request-Method": {"POST"}}
	if res := h.do(request{method: "OPTIONS", path: "/auth/oauth2/token", header: hdr, noContract: true}); res.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", res.Header())
	}
	res = h.do(request{method: "GET", path: "/healthz", header: http.Header{"Origin": {"https://app.example.com"}}})
	if !strings.Contains(res.Header().Get("Access-Control-Expose-Headers"), "Location") {
		t.Errorf("Location must be exposed to browsers: %v", res.Header())
	}
}

func TestHealthReadyMetricsOpenAPI(t *testing.T) {
	h := newHarness(t)
	if res := h.do(request{method: "GET", path: "/healthz"}); res.Code != 200 || string(res.body) != `{"status":"ok"}` {
		t.Errorf("healthz: %d %s", res.Code, res.body)
	}
	if res := h.do(request{method: "GET", path: "/readyz"}); res.Code != 200 {
		t.Errorf("readyz: %d %s", res.Code, res.body)
	}
	h.do(request{method: "GET", path: "/providers/v2"})
	res := h.do(request{method: "GET", path: "/metrics"})
	for _, want := range []string{
		`zugang_http_requests_total{method="GET",route="/providers/v2",status="401"} 1`,
		`zugang_http_request_duration_seconds_bucket{method="GET",route="/readyz"`,
	} {
		if !strings.Contains(string(res.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if res := h.do(request{method: "GET", path: "/openapi.yaml"}); res.Code != 200 || !strings.HasPrefix(string(res.body), "openapi: 3") {
		t.Errorf("openapi.yaml: %d", res.Code)
	}

	h.srv.ready = failingPinger{}
	if res := h.do(request{method: "GET", path: "/readyz"}); res.Code != http.StatusServiceUnavailable || strings.Contains(string(res.body), "refused") {
		t.Errorf("readyz with a failing store: %d %s", res.Code, res.body)
	}
	h.srv.ready = nil
	h.srv.Drain()
	if res := h.do(request{method: "GET", path: "/readyz"}); res.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %d", res.Code)
	}
}

// TestSecretsNeverLogged runs the walkthrough with debug logging and looks
// for every secret in every log field.
func TestSecretsNeverLogged(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	id := h.createUser(admin, "erika", "erika-pass-42")
	user := h.userToken("erika", "erika-pass-42")
	h.do(request{method: "GET", path: "/providers/v2", header: bearer(user)})
	h.do(request{method: "GET", path: "/auth/oauth2/introspect?token=" + user, header: basic("demo-app", appSecret)})
	h.do(request{method: "POST", path: "/auth/oauth2/token", header: formHeader(basic("demo-app", "wrong-secret-99")),
		body: "grant_type=client_credentials"})
	h.do(request{method: "POST", path: "/auth/oauth2/token", header: formHeader(basic("demo-app", appSecret)),
		body: url.Values{"grant_type": {"password"}, "username": {"erika"}, "password": {"wrong-pass-77"}}.Encode()})
	h.do(request{method: "POST", path: "/auth/oauth2/revoke", header: formHeader(http.Header{}), body: "token=" + user})

	secrets := []string{appSecret, adminSecret, "wrong-secret-99", "erika-pass-42", "wrong-pass-77", admin, user}
	entries := h.logs.All()
	if len(entries) < 5 {
		t.Fatalf("expected request logs, got %d entries", len(entries))
	}
	for _, e := range entries {
		line, _ := json.Marshal(struct {
			M string
			F map[string]any
		}{e.Message, e.ContextMap()})
		for _, s := range secrets {
			if strings.Contains(string(line), s) {
				t.Errorf("log line leaks a secret: %s", line)
			}
		}
		if e.Level == zapcore.InfoLevel && e.Message == "request" && e.ContextMap()["route"] == nil {
			t.Errorf("request log without route: %v", e.ContextMap())
		}
	}
	_ = id
}

// TestCredentialsNeverStoredOrLogged adds a bank access with credentials
// that appear nowhere else, answers its SCA with a TAN, and then searches
// every Redis key and value of the test and every log line for them.
func TestCredentialsNeverStoredOrLogged(t *testing.T) {
	h := newHarness(t)
	c := h.newCustomer("nora")
	id := uuid.NewString()
	c.add(id, secretLogin["userid"], secretLogin["pin"], "")
	href := rel(c.access(id).Relations, "set_method")
	c.follow(href, `{"chosenScaMethodId":"1"}`)
	c.follow(href, `{"chosenScaMedia":"Mobil"}`)
	const tan = "860402"
	if res := c.follow(href, `{"scaAuthenticationData":"`+tan+`"}`); res.Code != 200 {
		t.Fatalf("TAN: %d %s", res.Code, res.body)
	}
	if a := c.access(id); a.Status != "VOLLSTAENDIG" {
		t.Fatalf("access not complete: %s", codes(a.Messages))
	}
	secrets := []string{secretLogin["userid"], secretLogin["pin"], tan, c.token}
	ctx := t.Context()
	for _, key := range storetest.Keys(t, h.store) {
		values := []string{key}
		switch typ := h.store.Client().Type(ctx, key).Val(); typ {
		case "string":
			values = append(values, h.store.Client().Get(ctx, key).Val())
		case "hash":
			for f, v := range h.store.Client().HGetAll(ctx, key).Val() {
				values = append(values, f, v)
			}
		case "set":
			values = append(values, h.store.Client().SMembers(ctx, key).Val()...)
		case "zset":
			values = append(values, h.store.Client().ZRange(ctx, key, 0, -1).Val()...)
		}
		for _, v := range values {
			for _, s := range secrets {
				if strings.Contains(v, s) {
					t.Errorf("Redis key %s holds a secret in plaintext", key)
				}
			}
		}
	}
	for _, e := range h.logs.All() {
		line, _ := json.Marshal(e.ContextMap())
		for _, s := range secrets {
			if strings.Contains(e.Message+string(line), s) {
				t.Errorf("log line %q leaks a secret", e.Message)
			}
		}
	}
}
