package store_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

func note(a *aggregator.BankAccess, payee string) aggregator.Notification {
	amount := decimal.RequireFromString("-12.5")
	return aggregator.Notification{ID: uuid.NewString(), Type: aggregator.NotifyTransaction, Tenant: a.Tenant, UserID: a.UserID,
		AccessID: a.ID, Occurred: base, ProductID: "DE89370400440532013000",
		NewTransactions: []aggregator.NotifiedTransaction{{PayeeName: payee, Amount: &amount}}}
}

// TestOutboxIsAtomicWithTheData: a save writes its notifications with its
// data or, when it loses the version race, neither.
func TestOutboxIsAtomicWithTheData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := newAccess(uuid.NewString())
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	stale := *a
	snap := &aggregator.Snapshot{Transactions: []aggregator.Transaction{tx("DE89370400440532013000", 1, "-12.5")}}
	if err := s.SaveAccess(ctx, a, snap, []aggregator.Notification{note(a, "REWE")}); err != nil {
		t.Fatal(err)
	}
	lost := &aggregator.Snapshot{Transactions: []aggregator.Transaction{tx("DE89370400440532013000", 2, "-99")}}
	wantKind(t, s.SaveAccess(ctx, &stale, lost, []aggregator.Notification{note(a, "EDEKA")}), aggregator.KindConflict)
	out, err := s.Outbox(ctx, a.Tenant, a.UserID, 10)
	if err != nil || len(out) != 1 || out[0].NewTransactions[0].PayeeName != "REWE" {
		t.Fatalf("outbox = %+v, %v", out, err)
	}
	txs, _ := s.Transactions(ctx, a.Tenant, a.UserID, a.ID, "DE89370400440532013000", time.Time{}, time.Time{})
	if len(txs) != 1 {
		t.Errorf("transactions = %d, want only the winner's", len(txs))
	}
	if users, _ := s.OutboxUsers(ctx, a.Tenant); len(users) != 1 || users[0] != a.UserID {
		t.Errorf("outbox users = %v", users)
	}
}

// TestSequenceAndDeliveries: serials count up once per notification, and
// deliveries move through lease, retry, dead letter and redelivery.
func TestSequenceAndDeliveries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := newAccess(uuid.NewString())
	a.Tenant = "seq-" + uuid.NewString()[:8]
	now := time.UnixMilli(1_800_000_000_000)
	n1, n2 := note(a, "A"), note(a, "B")
	for i, n := range []aggregator.Notification{n1, n2, n1} { // n1 again: a retried sequencing step
		serial, err := s.Sequence(ctx, n, now)
		if err != nil || serial != []int64{1, 2, 1}[i] {
			t.Fatalf("Sequence %d = %d, %v", i, serial, err)
		}
	}
	got, err := s.Notifications(ctx, a.Tenant, 1, 5)
	if err != nil || len(got) != 2 || got[0].Serial != 1 || got[1].NewTransactions[0].PayeeName != "B" {
		t.Fatalf("Notifications = %+v, %v", got, err)
	}
	// Ranges at the end of int64 (found by fuzzing: the loop overflowed).
	for _, r := range [][2]int64{{math.MaxInt64, math.MaxInt64}, {1, math.MaxInt64}, {math.MaxInt64 - 1, math.MaxInt64}} {
		if got, err := s.Notifications(ctx, a.Tenant, r[0], r[1]); err != nil || len(got) > 2 {
			t.Fatalf("Notifications(%d, %d) = %d, %v", r[0], r[1], len(got), err)
		}
	}
	claimed, err := s.ClaimDue(ctx, a.Tenant, now, time.Minute, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("ClaimDue = %d, %v", len(claimed), err)
	}
	if again, _ := s.ClaimDue(ctx, a.Tenant, now.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
		t.Errorf("a leased delivery was claimed twice: %d", len(again))
	}
	if err := s.Delivered(ctx, a.Tenant, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Retry(ctx, a.Tenant, 2, 1, now, now.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	retried, _ := s.ClaimDue(ctx, a.Tenant, now.Add(10*time.Second), time.Minute, 10)
	if len(retried) != 1 || retried[0].Serial != 2 || retried[0].Attempts != 1 || !retried[0].FirstAttempt.Equal(now) {
		t.Fatalf("retried = %+v", retried)
	}
	if err := s.DeadLetter(ctx, a.Tenant, 2, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if dead, _ := s.DeadLetters(ctx, a.Tenant); len(dead) != 1 || dead[0] != 2 {
		t.Errorf("dead letters = %v", dead)
	}
	if late, _ := s.ClaimDue(ctx, a.Tenant, now.Add(48*time.Hour), time.Minute, 10); len(late) != 0 {
		t.Errorf("a delivered or dead delivery came back: %+v", late)
	}
	if err := s.Redeliver(ctx, a.Tenant, 2, now); err != nil {
		t.Fatal(err)
	}
	wantKind(t, s.Redeliver(ctx, a.Tenant, 2, now), aggregator.KindNotFound)
	if back, _ := s.ClaimDue(ctx, a.Tenant, now, time.Minute, 10); len(back) != 1 || back[0].Serial != 2 {
		t.Errorf("redelivered = %+v", back)
	}
}

// TestCrashBetweenDataAndOutbox: a save that fails after queueing its data
// and before queueing its notifications writes neither.
func TestCrashBetweenDataAndOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := newAccess(uuid.NewString())
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	store.FailBeforeOutbox(s, func() error { return errors.New("crash") })
	snap := &aggregator.Snapshot{Products: a.Products, Transactions: []aggregator.Transaction{tx("DE89370400440532013000", 3, "-7")}}
	notes := []aggregator.Notification{note(a, "Kiosk")}
	before := *a
	if err := s.SaveAccess(ctx, a, snap, notes); err == nil {
		t.Fatal("the injected failure did not fail the save")
	}
	got, _ := s.Access(ctx, a.Tenant, a.UserID, a.ID)
	txs, _ := s.Transactions(ctx, a.Tenant, a.UserID, a.ID, "DE89370400440532013000", time.Time{}, time.Time{})
	out, _ := s.Outbox(ctx, a.Tenant, a.UserID, 10)
	if got.Version != before.Version || len(txs) != 0 || len(out) != 0 {
		t.Fatalf("after the crash: version %d (was %d), %d transactions, %d notifications: want nothing written",
			got.Version, before.Version, len(txs), len(out))
	}
	// Without the failure the same save writes both.
	store.FailBeforeOutbox(s, nil)
	if err := s.SaveAccess(ctx, a, snap, notes); err != nil {
		t.Fatal(err)
	}
	txs, _ = s.Transactions(ctx, a.Tenant, a.UserID, a.ID, "DE89370400440532013000", time.Time{}, time.Time{})
	out, _ = s.Outbox(ctx, a.Tenant, a.UserID, 10)
	if len(txs) != 1 || len(out) != 1 {
		t.Errorf("after the save: %d transactions, %d notifications", len(txs), len(out))
	}
}

// TestSweepFindsUnindexedOutboxes: a process that died between a save and
// the outbox's index entry loses nothing; the sweep at start indexes it.
func TestSweepFindsUnindexedOutboxes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := newAccess(uuid.NewString())
	a.Tenant = "sweep-" + uuid.NewString()[:8]
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAccess(ctx, a, nil, []aggregator.Notification{note(a, "Kiosk")}); err != nil {
		t.Fatal(err)
	}
	for _, k := range storetest.Keys(t, s) {
		if strings.HasSuffix(k, ":notify:outbox-users") {
			s.Client().Del(ctx, k) // the crash: the index entry never came
		}
	}
	if users, _ := s.OutboxUsers(ctx, a.Tenant); len(users) != 0 {
		t.Fatalf("index not removed: %v", users)
	}
	if err := s.SweepOutboxes(ctx); err != nil {
		t.Fatal(err)
	}
	if users, _ := s.OutboxUsers(ctx, a.Tenant); len(users) != 1 || users[0] != a.UserID {
		t.Errorf("after the sweep: %v", users)
	}
}

// TestTrimLogKeepsWhatIsStillDue: old notifications leave the log unless
// their delivery is pending; dead letters that old are given up.
func TestTrimLogKeepsWhatIsStillDue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := newAccess(uuid.NewString())
	a.Tenant = "trim-" + uuid.NewString()[:8]
	t0 := time.UnixMilli(1_800_000_000_000)
	for _, payee := range []string{"delivered", "pending", "dead", "recent"} {
		at := t0
		if payee == "recent" {
			at = t0.Add(time.Hour)
		}
		if _, err := s.Sequence(ctx, note(a, payee), at); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delivered(ctx, a.Tenant, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.DeadLetter(ctx, a.Tenant, 3, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.TrimLog(ctx, a.Tenant, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Notifications(ctx, a.Tenant, 1, 4)
	var serials []int64
	for _, n := range got {
		serials = append(serials, n.Serial)
	}
	if len(serials) != 2 || serials[0] != 2 || serials[1] != 4 {
		t.Errorf("log after the trim: %v, want [2 4]", serials)
	}
	if dead, _ := s.DeadLetters(ctx, a.Tenant); len(dead) != 0 {
		t.Errorf("dead letters after the trim: %v", dead)
	}
}
