package aggregator_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/zugang/zugang/aggregator"
)

// countingLimiter answers from a table of remaining capacity per key and
// records which keys were counted under which rule.
type countingLimiter struct {
	mu      sync.Mutex
	left    map[string]int
	counted map[string]aggregator.RateRule
}

func (l *countingLimiter) Allow(_ context.Context, k aggregator.RateKey, r aggregator.RateRule) (aggregator.RateDecision, error) {
	key := k.String()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counted[key] = r
	left, ok := l.left[key]
	if !ok {
		left = r.Capacity()
	}
	if left == 0 {
		return aggregator.RateDecision{Limit: r.Capacity(), RetryAfter: time.Duration(len(key)) * time.Second}, nil
	}
	l.left[key] = left - 1
	return aggregator.RateDecision{Allowed: true, Limit: r.Capacity(), Remaining: left - 1}, nil
}

func TestRateLimitsCheck(t *testing.T) {
	client := aggregator.RateRule{Requests: 100, Period: time.Minute}
	user := aggregator.RateRule{Requests: 10, Period: time.Minute}
	own := aggregator.RateRule{Requests: 5, Period: time.Second, Burst: 7}
	userTok := aggregator.Principal{Tenant: "demo", Client: "app", UserID: "u1"}
	clientTok := aggregator.Principal{Tenant: "demo", Client: "app"}
	for _, tc := range []struct {
		name      string
		p         aggregator.Principal
		overrides map[string]aggregator.ClientRateRules
		left      map[string]int
		counted   []string
		allowed   bool
		limit     int
		remaining int
	}{
		{name: "user token counts both, user binds", p: userTok, counted: []string{"c:app", "u:demo:u1"}, allowed: true, limit: 10, remaining: 9},
		{name: "client token counts the client only", p: clientTok, counted: []string{"c:app"}, allowed: true, limit: 100, remaining: 99},
		{name: "the client binds when it has less left", p: userTok, left: map[string]int{"c:app": 3}, counted: []string{"c:app", "u:demo:u1"}, allowed: true, limit: 100, remaining: 2},
		{name: "an exhausted user is refused", p: userTok, left: map[string]int{"u:demo:u1": 0}, counted: []string{"c:app", "u:demo:u1"}, limit: 10},
		{name: "an exhausted client is refused, the user not counted", p: userTok, left: map[string]int{"c:app": 0}, counted: []string{"c:app"}, limit: 100},
		{name: "a client's own rule", p: userTok, overrides: map[string]aggregator.ClientRateRules{"app": {PerUser: &own}},
			counted: []string{"c:app", "u:demo:u1"}, allowed: true, limit: 7, remaining: 6},
		{name: "an unlimited user rule leaves the client's", p: userTok, overrides: map[string]aggregator.ClientRateRules{"app": {PerUser: &aggregator.RateRule{}}},
			counted: []string{"c:app"}, allowed: true, limit: 100, remaining: 99},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := &countingLimiter{left: map[string]int{}, counted: map[string]aggregator.RateRule{}}
			for k, v := range tc.left {
				lim.left[k] = v
			}
			rl := &aggregator.RateLimits{Limiter: lim, PerClient: client, PerUser: user, Clients: tc.overrides}
			d, err := rl.Check(context.Background(), tc.p)
			if len(lim.counted) != len(tc.counted) {
				t.Fatalf("counted %v, want %v", lim.counted, tc.counted)
			}
			for _, k := range tc.counted {
				if _, ok := lim.counted[k]; !ok {
					t.Fatalf("counted %v, want %v", lim.counted, tc.counted)
				}
			}
			if d.Allowed != tc.allowed || d.Limit != tc.limit || d.Remaining != tc.remaining {
				t.Fatalf("decision %+v, want allowed=%v limit=%d remaining=%d", d, tc.allowed, tc.limit, tc.remaining)
			}
			if tc.allowed != (err == nil) {
				t.Fatalf("err = %v with allowed=%v", err, tc.allowed)
			}
			if err != nil {
				e := aggregator.AsError(err)
				if e.Kind != aggregator.KindTooManyRequests || e.RetryAfter <= 0 {
					t.Fatalf("refusal %+v, want KindTooManyRequests with RetryAfter", e)
				}
			}
		})
	}
}

func TestThrottlePolicyDelay(t *testing.T) {
	p := aggregator.ThrottlePolicy{FreeFailures: 5, BaseDelay: time.Second, MaxDelay: 10 * time.Second}
	for _, tc := range []struct {
		n, free int
		want    time.Duration
	}{
		{1, 5, 0}, {5, 5, 0}, {6, 5, time.Second}, {7, 5, 2 * time.Second}, {9, 5, 8 * time.Second},
		{10, 5, 10 * time.Second}, {500, 5, 10 * time.Second}, {1, 0, time.Second}, {2, 0, 2 * time.Second},
	} {
		if got := p.Delay(tc.n, tc.free); got != tc.want {
			t.Errorf("Delay(%d, %d) = %v, want %v", tc.n, tc.free, got, tc.want)
		}
	}
}
