package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

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
