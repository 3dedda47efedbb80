package store_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

// TestRateLimiter: the burst passes, the next is refused with a retry
// time, keys are separate, and every key lives under the store's prefix.
func TestRateLimiter(t *testing.T) {
	s := storetest.New(t)
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
	keys := storetest.Keys(t, s)
	if len(keys) != 2 {
		t.Fatalf("keys under the prefix: %v; want the two limiter keys", keys)
	}
	for _, k := range keys {
		if !strings.Contains(k, ":rl:") {
			t.Errorf("unexpected key %s", k)
		}
	}
}

// TestRateLimiterLeases: a generous limit is taken from Redis in leases.
// Two processes sharing a key never let more through than the limit, and
// hardly fewer; a lease's unused requests are dropped after a second.
func TestRateLimiterLeases(t *testing.T) {
	s := storetest.New(t)
	rule := aggregator.RateRule{Requests: 500, Period: time.Hour} // leases of 10
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	a, b := s.RateLimiter(), s.RateLimiter()
	a.SetClock(clock)
	b.SetClock(clock)
	ctx := context.Background()
	allowed := 0
	for i := range 600 {
		l := a
		if i%3 == 0 {
			l = b
		}
		d, err := l.Allow(ctx, aggregator.RateKey{Tenant: "demo", User: "lease"}, rule)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed {
			allowed++
		}
		if d.Limit != 500 || d.Remaining < 0 || d.Remaining > 500 {
			t.Fatalf("request %d: %+v", i+1, d)
		}
	}
	if allowed > 500 || allowed < 500-2*10 {
		t.Fatalf("%d of 600 requests let through by two processes, want at most 500 and at least 480", allowed)
	}

	// A fresh key: one request takes a lease of 10; after a second the
	// other 9 are gone, so the next request takes a new lease from Redis.
	d1, _ := a.Allow(ctx, aggregator.RateKey{Tenant: "demo", User: "aged"}, rule)
	if !d1.Allowed || d1.Remaining != 499 {
		t.Fatalf("first request: %+v, want allowed with 499 remaining (490 in Redis, 9 leased)", d1)
	}
	now = now.Add(2 * time.Second)
	d2, _ := a.Allow(ctx, aggregator.RateKey{Tenant: "demo", User: "aged"}, rule)
	if !d2.Allowed || d2.Remaining > 490 {
		t.Fatalf("after the lease aged: %+v, want a new lease (at most 490 remaining)", d2)
	}
}

// TestRateLimiterLeasesConcurrently: 32 goroutines in each of two
// processes never let more through than the limit.
func TestRateLimiterLeasesConcurrently(t *testing.T) {
	s := storetest.New(t)
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
