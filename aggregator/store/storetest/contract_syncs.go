package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

// testSyncQueue: a refresh is claimed once it is due, by one worker per
// lease, comes back when the lease runs out, moves when rescheduled and
// is gone when unscheduled. Names that need escaping survive the trip.
func testSyncQueue(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	t0 := time.UnixMilli(1_800_000_000_000)
	early := aggregator.SyncRef{Tenant: "demo", UserID: uuid.NewString(), AccessID: uuid.NewString()}
	odd := aggregator.SyncRef{Tenant: "de|mo", UserID: "a b/{c}", AccessID: "x|y%z"}
	late := aggregator.SyncRef{Tenant: "demo", UserID: uuid.NewString(), AccessID: uuid.NewString()}
	for ref, at := range map[aggregator.SyncRef]time.Time{early: t0, odd: t0, late: t0.Add(time.Hour)} {
		if err := s.ScheduleSync(ctx, ref, at); err != nil {
			t.Fatal(err)
		}
	}
	claim := func(now time.Time) []aggregator.SyncRef {
		t.Helper()
		refs, err := s.ClaimSyncs(ctx, now, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(refs, func(a, b aggregator.SyncRef) int { return compareRefs(a, b) })
		return refs
	}
	due := []aggregator.SyncRef{early, odd}
	slices.SortFunc(due, compareRefs)
	if got := claim(t0); !slices.Equal(got, due) {
		t.Fatalf("due at t0: %+v, want %+v", got, due)
	}
	if got := claim(t0.Add(30 * time.Second)); len(got) != 0 {
		t.Fatalf("claimed again within the lease: %+v", got)
	}
	if got := claim(t0.Add(time.Minute)); !slices.Equal(got, due) {
		t.Fatalf("after the lease ran out: %+v, want %+v", got, due)
	}
	// A limit is honoured across buckets.
	if err := s.ScheduleSync(ctx, early, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.ScheduleSync(ctx, odd, t0); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ClaimSyncs(ctx, t0.Add(2*time.Minute), time.Minute, 1); err != nil || len(got) != 1 {
		t.Fatalf("ClaimSyncs(n=1) = %+v, %v", got, err)
	}
	// Rescheduling replaces the plan; unscheduling ends it.
	if err := s.ScheduleSync(ctx, late, t0.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.UnscheduleSync(ctx, early); err != nil {
		t.Fatal(err)
	}
	if err := s.UnscheduleSync(ctx, odd); err != nil {
		t.Fatal(err)
	}
	if got := claim(t0.Add(10 * time.Minute)); !slices.Equal(got, []aggregator.SyncRef{late}) {
		t.Fatalf("after rescheduling and unscheduling: %+v, want only %+v", got, late)
	}
}

func compareRefs(a, b aggregator.SyncRef) int {
	switch {
	case a.Tenant+a.UserID+a.AccessID < b.Tenant+b.UserID+b.AccessID:
		return -1
	case a == b:
		return 0
	}
	return 1
}

// testUserActivity: a user's last activity is kept per user, to the
// millisecond; never seen is the zero time.
func testUserActivity(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	user := uuid.NewString()
	if seen, err := s.UserSeen(ctx, "demo", user); err != nil || !seen.IsZero() {
		t.Fatalf("never seen: %v, %v", seen, err)
	}
	at := time.UnixMilli(1_800_000_000_123)
	if err := s.TouchUser(ctx, "demo", user, at.Add(456*time.Microsecond)); err != nil {
		t.Fatal(err)
	}
	if seen, err := s.UserSeen(ctx, "demo", user); err != nil || !seen.Equal(at) {
		t.Errorf("UserSeen = %v, %v; want %v", seen, err, at)
	}
	if seen, _ := s.UserSeen(ctx, "demo", uuid.NewString()); !seen.IsZero() {
		t.Errorf("another user seen at %v", seen)
	}
}
