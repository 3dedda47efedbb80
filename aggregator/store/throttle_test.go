package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

var policy = aggregator.ThrottlePolicy{FreeFailures: 3, BaseDelay: 10 * time.Second, MaxDelay: 40 * time.Second,
	AccountFailures: 6, AccountWindow: time.Hour}

// TestThrottleGrowsPerPair: free failures, then locks doubling up to the
// cap; a lock binds only its (account, source) pair.
func TestThrottleGrowsPerPair(t *testing.T) {
	th := storetest.New(t).Throttle()
	ctx := context.Background()
	want := []time.Duration{0, 0, 0, 10 * time.Second, 20 * time.Second, 40 * time.Second, 40 * time.Second}
	for i, w := range want {
		got, err := th.Failed(ctx, "acct", "src-a", policy)
		if err != nil || got != w || got != policy.Delay(i+1, policy.FreeFailures) {
			t.Fatalf("failure %d: lock %v, %v; want %v (and the policy's Delay)", i+1, got, err, w)
		}
	}
	if got, err := th.Locked(ctx, "acct", "src-a"); err != nil || got <= 30*time.Second || got > 40*time.Second {
		t.Fatalf("Locked(src-a) = %v, %v; want about 40s", got, err)
	}
	if got, _ := th.Locked(ctx, "acct", "src-b"); got != 0 {
		t.Fatalf("another source is locked for %v", got)
	}
	if got, _ := th.Locked(ctx, "other", "src-a"); got != 0 {
		t.Fatalf("another account is locked for %v", got)
	}
}

// TestThrottleAccountCap: once the account failed AccountFailures times
// from anywhere, a new source's first failure locks it; a source that
// never failed stays unlocked.
func TestThrottleAccountCap(t *testing.T) {
	th := storetest.New(t).Throttle()
	ctx := context.Background()
	for i := range policy.AccountFailures {
		src := string(rune('a' + i%2)) // two sources, three failures each: all free
		if got, err := th.Failed(ctx, "acct", src, policy); err != nil || got != 0 {
			t.Fatalf("failure %d from %s: lock %v, %v; want none", i+1, src, got, err)
		}
	}
	if got, _ := th.Failed(ctx, "acct", "c", policy); got != policy.BaseDelay {
		t.Fatalf("first failure of a new source after the cap: lock %v, want %v", got, policy.BaseDelay)
	}
	if got, _ := th.Locked(ctx, "acct", "d"); got != 0 {
		t.Fatalf("a source that never failed is locked for %v", got)
	}
}

// TestThrottleSuccessClearsCount: a success forgets the pair's failures.
func TestThrottleSuccessClearsCount(t *testing.T) {
	th := storetest.New(t).Throttle()
	ctx := context.Background()
	for range policy.FreeFailures {
		_, _ = th.Failed(ctx, "acct", "src", policy)
	}
	if err := th.Succeeded(ctx, "acct", "src"); err != nil {
		t.Fatal(err)
	}
	if got, _ := th.Failed(ctx, "acct", "src", policy); got != 0 {
		t.Fatalf("failure after a success: lock %v, want none", got)
	}
}
