package storetest

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

func testWebFormSessions(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	user := uuid.NewString()
	now := time.Now()
	ws := aggregator.WebFormSession{ID: uuid.NewString(), Tenant: "demo", UserID: user, Client: "rp",
		UseCase: aggregator.UseCaseCreateAccount, AccessID: uuid.NewString(), Created: now, Expires: now.Add(time.Minute)}
	if err := s.CreateWebFormSession(ctx, ws, time.Minute); err != nil {
		t.Fatal(err)
	}
	got, err := s.WebFormSession(ctx, ws.ID)
	if err != nil || got.AccessID != ws.AccessID || got.ID != ws.ID || got.Opened {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	// The id is a capability: it appears in no key and no value.
	for _, k := range Keys(t, s) {
		v, _ := s.Client().Get(ctx, k).Result()
		if strings.Contains(k, ws.ID) || strings.Contains(v, ws.ID) {
			t.Errorf("session id stored in plaintext in %s", k)
		}
	}
	got.Opened, got.BrowserDigest, got.CallbackURL = true, "d1", "https://rp.example.com/back"
	if err := s.OpenWebFormSession(ctx, got); err != nil {
		t.Fatal(err)
	}
	second := got
	second.BrowserDigest = "d2"
	WantKind(t, s.OpenWebFormSession(ctx, second), aggregator.KindConflict)
	if again, _ := s.WebFormSession(ctx, ws.ID); again.BrowserDigest != "d1" {
		t.Errorf("a second open changed the session: %q", again.BrowserDigest)
	}
	if ttl := s.Client().PTTL(ctx, Keys(t, s)[0]).Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("TTL after saves = %v", ttl)
	}
	// Ending all of the user's sessions removes them; saving one then fails.
	if err := s.DeleteWebFormSessions(ctx, "demo", user); err != nil {
		t.Fatal(err)
	}
	_, err = s.WebFormSession(ctx, ws.ID)
	WantKind(t, err, aggregator.KindNotFound)
	WantKind(t, s.SaveWebFormSession(ctx, got), aggregator.KindNotFound)
	_, err = s.WebFormSession(ctx, uuid.NewString())
	WantKind(t, err, aggregator.KindNotFound)
}

func testTermsAcceptedOncePerUser(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	user := uuid.NewString()
	if ok, err := s.TermsAccepted(ctx, "demo", user); ok || err != nil {
		t.Fatalf("before: %v, %v", ok, err)
	}
	if err := s.AcceptTerms(ctx, "demo", user, time.Now()); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.TermsAccepted(ctx, "demo", user); !ok {
		t.Error("acceptance not kept")
	}
	if ok, _ := s.TermsAccepted(ctx, "demo", uuid.NewString()); ok {
		t.Error("another user accepted too")
	}
}

// testWebhookEndpoints: one endpoint per tenant, stored only with sealed
// secrets, replaced by a save and gone after a delete.
func testWebhookEndpoints(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	tenant := "hooks-" + uuid.NewString()[:8]
	_, err := s.Endpoint(ctx, tenant)
	WantKind(t, err, aggregator.KindNotFound)
	plain := aggregator.WebhookEndpoint{Tenant: tenant, URL: "https://rp.example.com/hook", Secrets: []string{"whsec_x"}}
	WantKind(t, s.SaveEndpoint(ctx, plain), aggregator.KindInternal)
	e := aggregator.WebhookEndpoint{Tenant: tenant, URL: "https://rp.example.com/hook", SealedSecrets: []byte{1, 2, 3},
		EventTypes: []aggregator.NotificationType{aggregator.NotifyBalance}, Updated: Base}
	if err := s.SaveEndpoint(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err := s.Endpoint(ctx, tenant)
	if err != nil || !reflect.DeepEqual(got, e) {
		t.Fatalf("Endpoint = %+v, %v; want %+v", got, err, e)
	}
	e.URL, e.EventTypes = "https://rp.example.com/v2", nil
	if err := s.SaveEndpoint(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Endpoint(ctx, tenant); got.URL != e.URL || got.EventTypes != nil {
		t.Errorf("after the replacement: %+v", got)
	}
	if _, err := s.Endpoint(ctx, tenant+"-other"); !aggregator.IsNotFound(err) {
		t.Errorf("another tenant's endpoint: %v", err)
	}
	if err := s.DeleteEndpoint(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	_, err = s.Endpoint(ctx, tenant)
	WantKind(t, err, aggregator.KindNotFound)
}
