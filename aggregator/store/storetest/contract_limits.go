package storetest

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
)

// testThrottleGrowsPerPair: free failures, then locks doubling up to the
// cap; a lock binds only its (account, source) pair.
func testThrottleGrowsPerPair(t *testing.T, open Opener) {
	th := open(t).Throttle()
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

// testThrottleAccountCap: once the account failed AccountFailures times
// from anywhere, a new source's first failure locks it; a source that
// never failed stays unlocked.
func testThrottleAccountCap(t *testing.T, open Opener) {
	th := open(t).Throttle()
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

// testThrottleSuccessClearsCount: a success forgets the pair's failures.
func testThrottleSuccessClearsCount(t *testing.T, open Opener) {
	th := open(t).Throttle()
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

// testRateLimiter: the burst passes, the next is refused with a retry
// time, keys are separate, and every key lives under the store's prefix.
func testRateLimiter(t *testing.T, open Opener) {
	s := open(t)
	l := s.RateLimiter()
	ctx := context.Background()
	rule := aggregator.RateRule{Requests: 3, Period: time.Hour}
	for i := range 3 {
		d, err := l.Allow(ctx, aggregator.RateKey{Client: "demo-app"}, rule)
		if err != nil || !d.Allowed || d.Limit != 3 || d.Remaining != 2-i {
			t.Fatalf("request %d: %+v, %v; want allowed with %d left", i+1, d, err, 2-i)
		}
	}
	d, err := l.Allow(ctx, aggregator.RateKey{Client: "demo-app"}, rule)
	if err != nil || d.Allowed || d.Remaining != 0 || d.RetryAfter <= 19*time.Minute || d.RetryAfter > 20*time.Minute {
		t.Fatalf("request 4: %+v, %v; want refused, retry after about 20m", d, err)
	}
	if d, _ := l.Allow(ctx, aggregator.RateKey{Client: "other"}, rule); !d.Allowed {
		t.Fatal("another key is limited too")
	}
	keys := Keys(t, s)
	if len(keys) != 2 {
		t.Fatalf("keys under the prefix: %v; want the two limiter keys", keys)
	}
	for _, k := range keys {
		if !strings.Contains(k, ":rl:") {
			t.Errorf("unexpected key %s", k)
		}
	}
}

// testRateLimiterLeasesConcurrently: 32 goroutines in each of two
// processes never let more through than the limit.
func testRateLimiterLeasesConcurrently(t *testing.T, open Opener) {
	s := open(t)
	rule := aggregator.RateRule{Requests: 1000, Period: time.Hour} // leases of 20
	key := aggregator.RateKey{Client: "busy"}
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for _, l := range []*store.RateLimiter{s.RateLimiter(), s.RateLimiter()} {
		for range 32 {
			wg.Go(func() {
				for range 40 {
					d, err := l.Allow(context.Background(), key, rule)
					if err != nil {
						t.Error(err)
						return
					}
					if d.Allowed {
						allowed.Add(1)
					}
				}
			})
		}
	}
	wg.Wait()
	if n := allowed.Load(); n > 1000 || n < 1000-3*20*2 {
		t.Fatalf("%d of 2,560 requests let through, want at most 1,000 and at least 880", n)
	}
}
