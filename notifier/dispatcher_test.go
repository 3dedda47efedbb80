package notifier_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/aggregator/store/storetest"
	"github.com/zugang/zugang/notifier"
)

// receiver is a tenant's webhook endpoint that fails its first answers.
type receiver struct {
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	fail   int           // answers still to fail
	ok     map[int64]int // serial → accepted deliveries
	bodies map[int64][]byte
	tries  int
}

func newReceiver(t *testing.T, secret string, fail int) *receiver {
	r := &receiver{secret: secret, fail: fail, ok: map[int64]int{}, bodies: map[int64][]byte{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		// The dispatcher's clock is the test's, far from the library's
		// now: check the signature without the replay window.
		wh, _ := standardwebhooks.NewWebhook(r.secret)
		if err := wh.VerifyIgnoringTimestamp(body, req.Header); err != nil {
			t.Errorf("signature: %v", err)
		}
		var n struct{ Serial int64 }
		_ = json.Unmarshal(body, &n)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.tries++
		if r.fail != 0 {
			if r.fail > 0 {
				r.fail--
			}
			http.Error(w, "not now", http.StatusServiceUnavailable)
			return
		}
		r.ok[n.Serial]++
		r.bodies[n.Serial] = body
	}))
	t.Cleanup(r.srv.Close)
	return r
}

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

type setup struct {
	st    *store.Store
	hooks *aggregator.Webhooks
	clk   *clock
	d     *notifier.Dispatcher
	acc   *aggregator.BankAccess
}

func newSetup(t testing.TB, tenant string, ep aggregator.WebhookEndpoint) setup {
	t.Helper()
	st := storetest.New(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sealer, err := aggregator.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	hooks := &aggregator.Webhooks{Store: st, Sealer: sealer, Now: clk.Now}
	ep.Tenant = tenant
	if err := hooks.EnsureEndpoint(t.Context(), ep); err != nil {
		t.Fatal(err)
	}
	d := &notifier.Dispatcher{Store: st, Endpoints: hooks, Tenants: func() []string { return []string{tenant} }, Now: clk.Now,
		Schedule: notifier.Schedule{Initial: time.Second, Max: 4 * time.Second, Window: time.Minute}, Timeout: 5 * time.Second}
	acc := &aggregator.BankAccess{ID: uuid.NewString(), Tenant: tenant, UserID: uuid.NewString(), ProviderID: "p", Created: clk.now}
	if err := st.SaveAccess(t.Context(), acc, nil, nil); err != nil {
		t.Fatal(err)
	}
	return setup{st: st, hooks: hooks, clk: clk, d: d, acc: acc}
}

// change saves a data change that tells the tenant about it.
func (s setup) change(t *testing.T, notes ...aggregator.Notification) {
	t.Helper()
	for i := range notes {
		notes[i].ID, notes[i].Tenant, notes[i].UserID, notes[i].AccessID, notes[i].Occurred = uuid.NewString(), s.acc.Tenant, s.acc.UserID, s.acc.ID, s.clk.now
	}
	if err := s.st.SaveAccess(t.Context(), s.acc, nil, notes); err != nil {
		t.Fatal(err)
	}
}

// rounds runs the dispatcher's work n times, the clock moving on between.
func (s setup) rounds(t *testing.T, n int, step time.Duration) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		if _, err := s.d.SequenceTenant(ctx, s.acc.Tenant); err != nil {
			t.Fatal(err)
		}
		if _, err := s.d.DeliverTenant(ctx, s.acc.Tenant); err != nil {
			t.Fatal(err)
		}
		s.clk.now = s.clk.now.Add(step)
	}
}

func payment(payee, amount string) aggregator.Notification {
	a := decimal.RequireFromString(amount)
	return aggregator.Notification{Type: aggregator.NotifyTransaction, ProductID: "DE02120300000000202051",
		NewTransactions: []aggregator.NotifiedTransaction{{PayeeName: payee, Amount: &a}}}
}

// TestDeliveryRetriesUntilAccepted: a receiver that fails its first
// answers gets every notification exactly once, serials 1..N.
func TestDeliveryRetriesUntilAccepted(t *testing.T) {
	secret := aggregator.NewWebhookSecret()
	r := newReceiver(t, secret, 3)
	s := newSetup(t, "t-"+uuid.NewString()[:8], aggregator.WebhookEndpoint{URL: r.srv.URL, Secrets: []string{secret}})
	s.change(t, payment("REWE", "-12.50"), payment("Miete", "-950"))
	s.change(t, aggregator.Notification{Type: aggregator.NotifyError, Level: aggregator.LevelError, Code: "BA1051", Message: "Bankzugang nicht verfügbar"})
	s.rounds(t, 10, 5*time.Second)
	if len(r.ok) != 3 || r.ok[1] != 1 || r.ok[2] != 1 || r.ok[3] != 1 || r.tries < 6 {
		t.Fatalf("accepted %v after %d tries, want serials 1..3 once each", r.ok, r.tries)
	}
	var first struct {
		Tenant, NotificationType, Occurred, AccountID string
		NewTransactions                               []struct {
			PayeeName string
			Amount    json.Number
		}
	}
	_ = json.Unmarshal(r.bodies[1], &first)
	if first.NotificationType != "TRANSACTION" || first.NewTransactions[0].PayeeName != "REWE" || first.NewTransactions[0].Amount != "-12.5" ||
		first.AccountID != s.acc.ID || first.Occurred != "2026-11-21 10:00:00" {
		t.Errorf("first notification %s", r.bodies[1])
	}
	// Missed notifications can be read again by serial range.
	logged, err := s.st.Notifications(t.Context(), s.acc.Tenant, 2, 9)
	if err != nil || len(logged) != 2 || logged[1].Code != "BA1051" {
		t.Errorf("log 2..9 = %+v, %v", logged, err)
	}
}

// TestDeadLetterAndRedeliver: past the retry window a delivery is
// dead-lettered; redelivered by hand it arrives.
func TestDeadLetterAndRedeliver(t *testing.T) {
	secret := aggregator.NewWebhookSecret()
	r := newReceiver(t, secret, -1) // fails until told otherwise
	s := newSetup(t, "t-"+uuid.NewString()[:8], aggregator.WebhookEndpoint{URL: r.srv.URL, Secrets: []string{secret}})
	s.change(t, payment("Stadtwerke", "-61.20"))
	s.rounds(t, 20, 5*time.Second) // 100 s > the one-minute window
	dead, err := s.st.DeadLetters(t.Context(), s.acc.Tenant)
	if err != nil || len(dead) != 1 || dead[0] != 1 || len(r.ok) != 0 {
		t.Fatalf("dead letters %v, %v; accepted %v", dead, err, r.ok)
	}
	tries := r.tries
	s.rounds(t, 3, time.Minute)
	if r.tries != tries {
		t.Errorf("a dead letter was tried again")
	}
	r.mu.Lock()
	r.fail = 0
	r.mu.Unlock()
	if err := s.st.Redeliver(t.Context(), s.acc.Tenant, 1, s.clk.now); err != nil {
		t.Fatal(err)
	}
	s.rounds(t, 1, time.Second)
	if r.ok[1] != 1 {
		t.Errorf("redelivery: %v", r.ok)
	}
}

// TestUnsubscribedTypesAreNotNumbered: the serials count what is sent.
func TestUnsubscribedTypesAreNotNumbered(t *testing.T) {
	secret := aggregator.NewWebhookSecret()
	r := newReceiver(t, secret, 0)
	s := newSetup(t, "t-"+uuid.NewString()[:8], aggregator.WebhookEndpoint{URL: r.srv.URL, Secrets: []string{secret},
		EventTypes: []aggregator.NotificationType{aggregator.NotifyError}})
	s.change(t, payment("REWE", "-1"), aggregator.Notification{Type: aggregator.NotifyError, Level: aggregator.LevelError, Code: "BA1010", Message: "Zugang gesperrt"})
	s.rounds(t, 2, time.Second)
	if len(r.ok) != 1 || r.ok[1] != 1 {
		t.Errorf("accepted %v, want only the error as serial 1", r.ok)
	}
	if users, _ := s.st.OutboxUsers(t.Context(), s.acc.Tenant); len(users) != 0 {
		t.Errorf("outbox users left: %v", users)
	}
}
