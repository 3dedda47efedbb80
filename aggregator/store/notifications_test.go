package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

// TestCrashBetweenDataAndOutbox: a save that fails after queueing its data
// and before queueing its notifications writes neither.
func TestCrashBetweenDataAndOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := storetest.NewAccess(uuid.NewString())
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	store.FailBeforeOutbox(s, func() error { return errors.New("crash") })
	snap := &aggregator.Snapshot{Products: a.Products, Transactions: []aggregator.Transaction{storetest.Tx("DE89370400440532013000", 3, "-7")}}
	notes := []aggregator.Notification{storetest.Note(a, "Kiosk")}
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
	a := storetest.NewAccess(uuid.NewString())
	a.Tenant = "sweep-" + uuid.NewString()[:8]
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAccess(ctx, a, nil, []aggregator.Notification{storetest.Note(a, "Kiosk")}); err != nil {
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
