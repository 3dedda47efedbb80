package aggregator_test

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

// TestWebhookURLHook: PutEndpoint and EnsureEndpoint refuse what CheckURL
// refuses, as KindInvalid, and store nothing.
func TestWebhookURLHook(t *testing.T) {
	refusal := &aggregator.Error{Kind: aggregator.KindInvalid, Op: "egress.CheckURL",
		Message: "the URL points to a loopback address, which this gateway does not call"}
	cases := []struct {
		name    string
		hook    func(string) error
		message string // "" when the endpoint is stored
	}{
		{"no hook", nil, ""},
		{"hook passes", func(string) error { return nil }, ""},
		{"hook refuses with an *Error", func(string) error { return refusal }, refusal.Message},
		{"hook refuses with a plain error", func(string) error { return errors.New("dial 10.1.2.3: internal detail") },
			"the gateway does not call this URL"},
	}
	st := storetest.New(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sealer, err := aggregator.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var seen []string
			hooks := &aggregator.Webhooks{Store: st, Notes: st, Sealer: sealer, Now: now}
			if tc.hook != nil {
				hooks.CheckURL = func(u string) error { seen = append(seen, u); return tc.hook(u) }
			}
			const url = "http://127.0.0.1:6379/"
			tenants := []string{"t-" + uuid.NewString()[:8], "t-" + uuid.NewString()[:8]}
			p := aggregator.Principal{Tenant: tenants[0], Client: "admin"}
			_, putErr := hooks.PutEndpoint(t.Context(), p, tenants[0], aggregator.WebhookEndpoint{URL: url})
			ensureErr := hooks.EnsureEndpoint(t.Context(), aggregator.WebhookEndpoint{Tenant: tenants[1], URL: url})
			for i, err := range []error{putErr, ensureErr} {
				_, getErr := hooks.ActiveEndpoint(t.Context(), tenants[i])
				if tc.message == "" {
					if err != nil || getErr != nil {
						t.Errorf("call %d: %v; stored: %v", i, err, getErr)
					}
					continue
				}
				var e *aggregator.Error
				if !errors.As(err, &e) || e.Kind != aggregator.KindInvalid || e.Message != tc.message || strings.Contains(e.Message, "10.1.2.3") {
					t.Errorf("call %d: %v, want KindInvalid %q", i, err, tc.message)
				}
				if !aggregator.IsNotFound(getErr) {
					t.Errorf("call %d: a refused endpoint was stored (%v)", i, getErr)
				}
			}
			if tc.hook != nil && len(seen) != 2 {
				t.Errorf("the hook saw %v, want the URL twice", seen)
			}
		})
	}
}
