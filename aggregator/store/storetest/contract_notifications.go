package storetest

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

// testOutboxIsAtomicWithTheData: a save writes its notifications with its
// data or, when it loses the version race, neither.
func testOutboxIsAtomicWithTheData(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	a := NewAccess(uuid.NewString())
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	stale := *a
	snap := &aggregator.Snapshot{Transactions: []aggregator.Transaction{Tx("DE89370400440532013000", 1, "-12.5")}}
	if err := s.SaveAccess(ctx, a, snap, []aggregator.Notification{Note(a, "REWE")}); err != nil {
		t.Fatal(err)
	}
	lost := &aggregator.Snapshot{Transactions: []aggregator.Transaction{Tx("DE89370400440532013000", 2, "-99")}}
	WantKind(t, s.SaveAccess(ctx, &stale, lost, []aggregator.Notification{Note(a, "EDEKA")}), aggregator.KindConflict)
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

// testSequenceAndDeliveries: serials count up once per notification, and
// deliveries move through lease, retry, dead letter and redelivery.
func testSequenceAndDeliveries(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	a := NewAccess(uuid.NewString())
	a.Tenant = "seq-" + uuid.NewString()[:8]
	now := time.UnixMilli(1_800_000_000_000)
	n1, n2 := Note(a, "A"), Note(a, "B")
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
	WantKind(t, s.Redeliver(ctx, a.Tenant, 2, now), aggregator.KindNotFound)
	if back, _ := s.ClaimDue(ctx, a.Tenant, now, time.Minute, 10); len(back) != 1 || back[0].Serial != 2 {
		t.Errorf("redelivered = %+v", back)
	}
}

// testTrimLogKeepsWhatIsStillDue: old notifications leave the log unless
// their delivery is pending; dead letters that old are given up.
func testTrimLogKeepsWhatIsStillDue(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	a := NewAccess(uuid.NewString())
	a.Tenant = "trim-" + uuid.NewString()[:8]
	t0 := time.UnixMilli(1_800_000_000_000)
	for _, payee := range []string{"delivered", "pending", "dead", "recent"} {
		at := t0
		if payee == "recent" {
			at = t0.Add(time.Hour)
		}
		if _, err := s.Sequence(ctx, Note(a, payee), at); err != nil {
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

// testOutboxOrderAndDrop: the outbox keeps the saves' order, hands out the
// oldest first, survives a drop repeated by a second sequencer, and leaves
// the index of outboxes once empty.
func testOutboxOrderAndDrop(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	a := NewAccess(uuid.NewString())
	a.Tenant = "outbox-" + uuid.NewString()[:8]
	n1, n2, n3 := Note(a, "A"), Note(a, "B"), Note(a, "C")
	if err := s.SaveAccess(ctx, a, nil, []aggregator.Notification{n1, n2}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAccess(ctx, a, nil, []aggregator.Notification{n3}); err != nil {
		t.Fatal(err)
	}
	if users, err := s.OutboxUsers(ctx, a.Tenant); err != nil || len(users) != 1 || users[0] != a.UserID {
		t.Fatalf("OutboxUsers = %v, %v", users, err)
	}
	head, err := s.Outbox(ctx, a.Tenant, a.UserID, 2)
	if err != nil || len(head) != 2 || head[0].ID != n1.ID || head[1].ID != n2.ID {
		t.Fatalf("Outbox(2) = %+v, %v; want n1, n2", head, err)
	}
	if got := head[0]; got.Type != n1.Type || got.AccessID != a.ID || !got.Occurred.Equal(n1.Occurred) ||
		got.NewTransactions[0].PayeeName != "A" || !got.NewTransactions[0].Amount.Equal(*n1.NewTransactions[0].Amount) {
		t.Errorf("notification read back as %+v, want %+v", got, n1)
	}
	for range 2 { // two sequencers drop the same entries
		if err := s.DropOutbox(ctx, a.Tenant, a.UserID, []string{n1.ID, n2.ID}); err != nil {
			t.Fatal(err)
		}
	}
	rest, err := s.Outbox(ctx, a.Tenant, a.UserID, 10)
	if err != nil || len(rest) != 1 || rest[0].ID != n3.ID {
		t.Fatalf("after the drop: %+v, %v; want n3", rest, err)
	}
	if err := s.DropOutbox(ctx, a.Tenant, a.UserID, []string{n3.ID}); err != nil {
		t.Fatal(err)
	}
	if empty, err := s.Outbox(ctx, a.Tenant, a.UserID, 10); err != nil || len(empty) != 0 {
		t.Fatalf("emptied outbox = %+v, %v", empty, err)
	}
	if users, _ := s.OutboxUsers(ctx, a.Tenant); len(users) != 0 {
		t.Errorf("an empty outbox is still indexed: %v", users)
	}
}
