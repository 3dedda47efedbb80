package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zugang/zugang/aggregator"
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
		d, err := l.Allow(ctx, "c:demo-app", rule)
		if err != nil || !d.Allowed || d.Limit != 3 || d.Remaining != 2-i {
			t.Fatalf("request %d: %+v, %v; want allowed with %d left", i+1, d, err, 2-i)
		}
	}
	d, err := l.Allow(ctx, "c:demo-app", rule)
	if err != nil || d.Allowed || d.Remaining != 0 || d.RetryAfter <= 19*time.Minute || d.RetryAfter > 20*time.Minute {
		t.Fatalf("request 4: %+v, %v; want refused, retry after about 20m", d, err)
	}
	if d, _ := l.Allow(ctx, "c:other", rule); !d.Allowed {
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
