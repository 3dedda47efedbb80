package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

// productionConfig writes a configuration file without an egress section,
// as an operator's would be: only public addresses may be called.
func productionConfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zugang.yaml")
	if err := os.WriteFile(path, []byte("# no egress section: loopback and private networks are refused\nlog:\n  format: console\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWebhookURLRefusedWithoutLoopback: a tenant admin cannot point the
// webhook at the gateway's host, its network or the gateway itself.
func TestWebhookURLRefusedWithoutLoopback(t *testing.T) {
	m, _, _ := startMainConfig(t, productionConfig(t), testEnv(t))
	c := client{t: t, base: m.URL()}
	admin := c.token("demo-admin", "demo-admin-secret", url.Values{"grant_type": {"client_credentials"}})
	hdr := http.Header{"Authorization": {"Bearer " + admin}, "Content-Type": {"application/json"}}
	cases := []struct {
		url   string
		class string // "" when the URL is accepted
	}{
		{"http://127.0.0.1:6379/", "loopback"},
		{"http://[::1]:22/", "loopback"},
		{"http://localhost:8080/hooks", "loopback"},
		{m.URL() + "/auth/oauth2/token", "loopback"}, // the gateway itself
		{"http://[::ffff:127.0.0.1]:6379/", "loopback"},
		{"http://169.254.169.254/latest/meta-data/", "link-local"},
		{"http://10.0.0.1/hooks", "private"},
		{"http://0.0.0.0:6379/", "unspecified"},
		{"https://hooks.example.com/zugang", ""},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"url": tc.url})
			res, out := c.call("PUT", "/auth/mgmt/v1/tenants/demo/webhook", hdr, string(body))
			if tc.class == "" {
				if res.StatusCode != http.StatusOK {
					t.Errorf("a public name was refused: %d %s", res.StatusCode, out)
				}
				return
			}
			want := "the URL points to "
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(out), want) || !strings.Contains(string(out), tc.class) {
				t.Errorf("%d %s, want 400 naming the %s class", res.StatusCode, out, tc.class)
			}
		})
	}
}

// receiver counts the connections it accepted and the requests it answered.
type receiver struct {
	srv            *httptest.Server
	conns, answers atomic.Int32
}

func newReceiver(t *testing.T, h http.HandlerFunc) *receiver {
	t.Helper()
	r := &receiver{}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.answers.Add(1)
		if h != nil {
			h(w, req)
		}
	}))
	r.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			r.conns.Add(1)
		}
	}
	r.srv.Start()
	t.Cleanup(r.srv.Close)
	return r
}

// TestDeliveryChecksTheDialledAddress drives one delivery by hand. The
// endpoint was stored before the URL check existed (an older version, or
// while loopback was allowed), so only delivery time can stop it: a name
// that resolves to loopback is refused when the connection is made, and a
// redirect is never followed. Either way the receiver hears nothing, the
// delivery is retried and the log says why, without the secret.
func TestDeliveryChecksTheDialledAddress(t *testing.T) {
	cases := []struct {
		name   string
		config func(t *testing.T) string // "": the development defaults (loopback allowed)
		// endpoint returns the URL to store and the receiver that must hear nothing.
		endpoint func(t *testing.T) (string, *receiver)
		logged   string
	}{
		{"name resolving to loopback, loopback not allowed", productionConfig, func(t *testing.T) (string, *receiver) {
			r := newReceiver(t, nil)
			_, port, _ := net.SplitHostPort(r.srv.Listener.Addr().String())
			return "http://localhost:" + port + "/hooks", r
		}, "loopback address, which this gateway does not call"},
		{"redirect, loopback allowed", func(*testing.T) string { return "" }, func(t *testing.T) (string, *receiver) {
			b := newReceiver(t, nil)
			a := newReceiver(t, func(w http.ResponseWriter, req *http.Request) {
				http.Redirect(w, req, b.srv.URL+"/stolen", http.StatusTemporaryRedirect)
			})
			return a.srv.URL + "/hooks", b
		}, "the endpoint answered 307"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			env := testEnv(t)
			env["ZUGANG_LOG_LEVEL"] = "info"
			logs := &lockedBuffer{}
			m, err := Open(ctx, tc.config(t), lookup(env), logs)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			t.Cleanup(m.close)
			if env["ZUGANG_REDIS_KEY_PREFIX"] != "" {
				t.Cleanup(func() {
					for _, k := range storetest.Keys(t, m.Store) {
						m.Store.Client().Del(context.Background(), k)
					}
				})
			}
			endpoint, silent := tc.endpoint(t)
			secret := aggregator.NewWebhookSecret()
			earlier := &aggregator.Webhooks{Store: m.Store, Notes: m.Store, Sealer: m.Webhooks.Sealer, Now: m.Now}
			if err := earlier.EnsureEndpoint(ctx, aggregator.WebhookEndpoint{Tenant: "demo", URL: endpoint, Secrets: []string{secret}}); err != nil {
				t.Fatal(err)
			}
			amount := decimal.RequireFromString("-12.50")
			now := m.Now()
			n := aggregator.Notification{ID: uuid.NewString(), Type: aggregator.NotifyTransaction, Tenant: "demo", UserID: "u1",
				AccessID: "a1", Occurred: now, ProductID: "DE02", NewTransactions: []aggregator.NotifiedTransaction{{PayeeName: "REWE", Amount: &amount}}}
			if _, err := m.Store.Sequence(ctx, n, now); err != nil {
				t.Fatal(err)
			}

			accepted, err := m.Dispatcher.DeliverTenant(ctx, "demo")
			if err != nil || accepted != 0 {
				t.Fatalf("DeliverTenant = %d, %v; want nothing accepted", accepted, err)
			}
			if c, a := silent.conns.Load(), silent.answers.Load(); c != 0 || a != 0 {
				t.Errorf("the receiver saw %d connections and %d requests", c, a)
			}
			// Failed, not given up on: due again later, one failure counted.
			if dead, err := m.Store.DeadLetters(ctx, "demo"); err != nil || len(dead) != 0 {
				t.Errorf("dead letters %v, %v", dead, err)
			}
			due, err := m.Store.ClaimDue(ctx, "demo", now.Add(2*time.Hour), time.Minute, 10)
			if err != nil || len(due) != 1 || due[0].Serial != 1 || due[0].Attempts != 1 {
				t.Errorf("due later: %+v, %v; want serial 1 after one failure", due, err)
			}
			out := logs.String()
			if !strings.Contains(out, "webhook delivery failed; retrying") || !strings.Contains(out, tc.logged) {
				t.Errorf("the log does not say why (%q):\n%s", tc.logged, out)
			}
			if strings.Contains(out, strings.TrimPrefix(secret, "whsec_")) {
				t.Error("the webhook secret was logged")
			}
		})
	}
}
