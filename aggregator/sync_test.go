package aggregator_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/aggregator/store/storetest"
	"github.com/zugang/zugang/sca"
)

// scriptedBank answers Fetch from a script: one snapshot or error per call.
type scriptedBank struct {
	fetches []func() (aggregator.Snapshot, error)
	calls   int
}

func (b *scriptedBank) Connect(context.Context, aggregator.ConnectRequest) (aggregator.Outcome, error) {
	return aggregator.Outcome{Step: aggregator.EventDone, ConsentValidUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}, nil
}

func (b *scriptedBank) Fetch(context.Context, aggregator.FetchRequest) (aggregator.Snapshot, error) {
	f := b.fetches[min(b.calls, len(b.fetches)-1)]
	b.calls++
	return f()
}

func giro(balance string, txs ...string) func() (aggregator.Snapshot, error) {
	return func() (aggregator.Snapshot, error) {
		saldo := decimal.RequireFromString(balance)
		snap := aggregator.Snapshot{Products: []aggregator.Product{{ID: "DE02", Kategorie: "GIROKONTO", Saldo: &saldo}}}
		for _, payee := range txs {
			snap.Transactions = append(snap.Transactions, aggregator.Transaction{ID: "tx-" + payee, ProductID: "DE02",
				Betrag: decimal.RequireFromString("-5"), GegenkontoInhaber: payee, Buchungsdatum: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)})
		}
		return snap, nil
	}
}

type syncFixture struct {
	st    *store.Store
	clk   *fixedClock
	s     *aggregator.Syncer
	acc   *aggregator.Accesses
	p     aggregator.Principal
	id    string
	ref   aggregator.SyncRef
	bank  *scriptedBank
	ctx   context.Context
	t     *testing.T
	after int // notifications read so far
}

type fixedClock struct{ now time.Time }

func (c *fixedClock) Now() time.Time { return c.now }

func newSyncFixture(t *testing.T, fetches ...func() (aggregator.Snapshot, error)) *syncFixture {
	t.Helper()
	st := storetest.New(t)
	sealer, _ := aggregator.NewSealer(make([]byte, 32))
	dir, _ := aggregator.NewDirectory(nil)
	clk := &fixedClock{now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	bank := &scriptedBank{fetches: fetches}
	info := aggregator.ProviderInfo{ID: "00000000-0000-0000-0000-000000000009", Fields: []aggregator.LoginField{{Key: "userid"}}}
	acc := &aggregator.Accesses{Store: st, Providers: oneProvider{bank, info}, Sealer: sealer, SCA: sca.Machine{}, Directory: dir, Now: clk.Now}
	planner := &aggregator.SyncPlanner{Queue: st, Policy: aggregator.SyncPolicy{Interval: time.Hour, Jitter: 10 * time.Minute, UnattendedPerDay: 4},
		Now: clk.Now, Rand: func() float64 { return 0.5 }}
	s := &aggregator.Syncer{Accesses: acc, Planner: planner, Now: clk.Now}
	acc.Scheduler = planner
	f := &syncFixture{st: st, clk: clk, s: s, acc: acc, bank: bank, ctx: context.Background(), t: t,
		p: aggregator.Principal{Tenant: "demo", Client: "app", UserID: uuid.NewString()}, id: uuid.NewString()}
	f.ref = aggregator.SyncRef{Tenant: "demo", UserID: f.p.UserID, AccessID: f.id}
	if err := st.TouchUser(f.ctx, "demo", f.p.UserID, clk.now); err != nil {
		t.Fatal(err)
	}
	req := map[string]aggregator.AccessRequest{f.id: {ProviderID: info.ID, Plain: aggregator.Credentials{"userid": "u"}}}
	if _, err := acc.Add(f.ctx, f.p, req, []string{f.id}, aggregator.AccessOptions{}); err != nil {
		t.Fatal(err)
	}
	return f
}

// due claims what the queue has due at the fixture's clock.
func (f *syncFixture) due() []aggregator.SyncRef {
	f.t.Helper()
	refs, err := f.st.ClaimSyncs(f.ctx, f.clk.now, time.Second, 10)
	if err != nil {
		f.t.Fatal(err)
	}
	return refs
}

// notes returns the outbox's notifications added since the last call.
func (f *syncFixture) notes() []aggregator.Notification {
	f.t.Helper()
	out, err := f.st.Outbox(f.ctx, "demo", f.p.UserID, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	fresh := out[f.after:]
	f.after = len(out)
	return fresh
}

func TestRefreshTurnsChangesIntoNotifications(t *testing.T) {
	f := newSyncFixture(t, giro("100", "REWE"), giro("90", "REWE", "Kiosk"), giro("90", "REWE", "Kiosk"))
	if got := f.notes(); len(got) != 0 {
		t.Fatalf("the user's own add notified: %+v", got)
	}
	if refs := f.due(); len(refs) != 0 {
		t.Fatalf("due before the interval: %v", refs)
	}
	f.clk.now = f.clk.now.Add(time.Hour)
	if refs := f.due(); len(refs) != 1 || refs[0] != f.ref {
		t.Fatalf("due after the interval: %v", refs)
	}
	if err := f.s.Refresh(f.ctx, f.ref); err != nil {
		t.Fatal(err)
	}
	got := f.notes()
	if len(got) != 2 || got[0].Type != aggregator.NotifyBalance || got[0].OldBalance.String() != "100" || got[0].NewBalance.String() != "90" ||
		got[1].Type != aggregator.NotifyTransaction || len(got[1].NewTransactions) != 1 || got[1].NewTransactions[0].PayeeName != "Kiosk" {
		t.Fatalf("notifications %+v", got)
	}
	if err := f.s.Refresh(f.ctx, f.ref); err != nil {
		t.Fatal(err)
	}
	if got := f.notes(); len(got) != 0 {
		t.Errorf("a refresh without news notified: %+v", got)
	}
}

func TestRefreshFailureKeepsTheData(t *testing.T) {
	f := newSyncFixture(t, giro("100", "REWE"), func() (aggregator.Snapshot, error) {
		return aggregator.Snapshot{}, &aggregator.Error{Kind: aggregator.KindUnavailable, Code: aggregator.CodeAccessUnavailable, Message: "Bankzugang nicht verfügbar"}
	})
	f.clk.now = f.clk.now.Add(time.Hour)
	if err := f.s.Refresh(f.ctx, f.ref); err != nil {
		t.Fatal(err)
	}
	acc, _ := f.acc.Access(f.ctx, f.p, f.id)
	if len(acc.Products) != 1 || acc.Products[0].Saldo.String() != "100" || len(acc.Issues) != 1 || acc.Issues[0].Code != aggregator.CodeAccessUnavailable {
		t.Fatalf("after a failed refresh: %+v, issues %+v", acc.Products, acc.Issues)
	}
	if got := f.notes(); len(got) != 1 || got[0].Type != aggregator.NotifyError || got[0].Code != aggregator.CodeAccessUnavailable {
		t.Errorf("notifications %+v", got)
	}
	f.clk.now = f.clk.now.Add(time.Hour)
	if refs := f.due(); len(refs) != 1 {
		t.Errorf("a failed refresh must stay scheduled: %v", refs)
	}
}

func TestExpiredConsentStopsRefreshing(t *testing.T) {
	f := newSyncFixture(t, giro("100"))
	f.clk.now = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) // past the consent
	if err := f.s.Refresh(f.ctx, f.ref); err != nil {
		t.Fatal(err)
	}
	acc, _ := f.acc.Access(f.ctx, f.p, f.id)
	if cur := acc.CurrentSCA(); cur.State != aggregator.SCARequired || f.bank.calls != 1 {
		t.Fatalf("state %s after %d bank calls", cur.State, f.bank.calls)
	}
	if got := f.notes(); len(got) != 1 || got[0].Code != aggregator.CodeSCARequired {
		t.Errorf("notifications %+v", got)
	}
	f.clk.now = f.clk.now.Add(48 * time.Hour)
	if refs := f.due(); len(refs) != 0 {
		t.Errorf("still scheduled after the consent ran out: %v", refs)
	}
}

func TestSyncPolicy(t *testing.T) {
	f := newSyncFixture(t, giro("100"))
	base := f.clk.now
	cases := []struct {
		name       string
		seenAgo    time.Duration
		unattended []time.Duration // bank calls this long ago
		want       time.Duration
	}{
		{"active this week", 0, nil, time.Hour},
		{"active this month", 10 * 24 * time.Hour, nil, 2 * time.Hour},
		{"inactive", 40 * 24 * time.Hour, nil, 4 * time.Hour},
		{"budget spent", 0, []time.Duration{20 * time.Hour, 10 * time.Hour, 5 * time.Hour, time.Hour}, 4 * time.Hour},
		{"budget not spent", 0, []time.Duration{25 * time.Hour, 10 * time.Hour, 5 * time.Hour, time.Hour}, time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := f.st.TouchUser(f.ctx, "demo", f.p.UserID, base.Add(-tc.seenAgo)); err != nil {
				t.Fatal(err)
			}
			acc, _ := f.acc.Access(f.ctx, f.p, f.id)
			acc.Unattended = nil
			for _, ago := range tc.unattended {
				acc.Unattended = append(acc.Unattended, base.Add(-ago))
			}
			if err := f.s.Planner.Schedule(f.ctx, &acc); err != nil {
				t.Fatal(err)
			}
			if refs, _ := f.st.ClaimSyncs(f.ctx, base.Add(tc.want-time.Second), time.Second, 10); len(refs) != 0 {
				t.Errorf("due before %v", tc.want)
			}
			if refs, _ := f.st.ClaimSyncs(f.ctx, base.Add(tc.want), time.Second, 10); len(refs) != 1 {
				t.Errorf("not due at %v", tc.want)
			}
		})
	}
}
