package store

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

// RateLimiter implements aggregator.RateLimiter with go-redis/redis_rate
// (a generic cell rate algorithm in one Lua script on Redis's clock), so
// every gateway process on the same Redis counts against the same limits.
// A key lives under the store's prefix as "rl:<key>" and expires once its
// capacity is whole again.
//
// Leases: a key whose capacity is large takes up to capacity/50 requests
// (at most 64) from Redis at once and lets them through from memory; a
// lease half used takes the next one while the rest are served, so
// requests seldom wait for Redis. Small capacities count every request in
// Redis. Every request let through has been counted in Redis, so a limit
// is never exceeded, across processes too; a process holding unused leased
// requests can make another refuse slightly early (about 3 % of the
// capacity per process at most), and leased requests are dropped a second
// after their lease. Without leases every request of a generous limit
// would cost a script run in Redis.
type RateLimiter struct {
	limiter *redis_rate.Limiter
	leases  *lru.Cache[string, *lease]
	now     func() time.Time
}

// Lease bounds.
const (
	leaseShare = 50 // a lease takes at most capacity/leaseShare requests
	leaseMax   = 64
	leaseTTL   = time.Second
	leaseKeys  = 1 << 16 // keys with a lease kept per process
)

// lease is the requests a process took from a key's allowance in Redis.
type lease struct {
	mu        sync.Mutex
	tokens    int           // taken, not yet used
	remaining int           // what Redis had left after the last lease
	reset     time.Duration // Redis's reset after the last lease
	until     time.Time     // unused tokens are dropped then
	inflight  chan struct{} // closed when the running lease ends; nil: none
}

// RateLimiter returns the store's limiter. It rides the hot-path client,
// so the checks of concurrent requests share round trips.
func (s *Store) RateLimiter() *RateLimiter {
	leases, _ := lru.New[string, *lease](leaseKeys)
	return &RateLimiter{limiter: redis_rate.NewLimiter(prefixedScripts{Cmdable: s.reads, prefix: s.prefix + "rl:"}),
		leases: leases, now: time.Now}
}

var _ aggregator.RateLimiter = (*RateLimiter)(nil)

// leaseSize is how many requests one round trip takes for a capacity.
func leaseSize(capacity int) int { return min(max(capacity/leaseShare, 1), leaseMax) }

const opAllow = "store.RateLimiter.Allow"

// Allow counts one request under key.
func (l *RateLimiter) Allow(ctx context.Context, key string, r aggregator.RateRule) (aggregator.RateDecision, error) {
	limit := redis_rate.Limit{Rate: r.Requests, Period: r.Period, Burst: r.Capacity()}
	size := leaseSize(limit.Burst)
	if size == 1 {
		res, err := l.limiter.Allow(ctx, esc(key), limit)
		if err != nil {
			return aggregator.RateDecision{}, unavailable(opAllow, err)
		}
		return decision(limit, res, 0), nil
	}
	le, ok := l.leases.Get(key)
	if !ok {
		le = &lease{}
		if prev, ok, _ := l.leases.PeekOrAdd(key, le); ok {
			le = prev
		}
	}
	for {
		le.mu.Lock()
		if le.tokens > 0 && l.now().Before(le.until) {
			le.tokens--
			d := aggregator.RateDecision{Allowed: true, Limit: limit.Burst, Remaining: le.remaining + le.tokens, ResetAfter: le.reset}
			done := le.start(le.tokens < size/2)
			le.mu.Unlock()
			if done != nil { // this request has its token; it fetches the next lease for the others
				_, _ = l.lease(ctx, key, limit, size, le, done)
			}
			return d, nil
		}
		if wait := le.inflight; wait != nil {
			le.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return aggregator.RateDecision{}, unavailable(opAllow, ctx.Err())
			}
		}
		done := le.start(true)
		le.mu.Unlock()
		res, err := l.lease(ctx, key, limit, size, le, done)
		if err != nil {
			return aggregator.RateDecision{}, unavailable(opAllow, err)
		}
		if res.Allowed == 0 {
			return decision(limit, res, 0), nil
		}
	}
}

// start marks a lease in flight if want and none is; le.mu is held.
func (le *lease) start(want bool) chan struct{} {
	if !want || le.inflight != nil {
		return nil
	}
	le.inflight = make(chan struct{})
	return le.inflight
}

// lease takes up to size requests from Redis into le and ends the lease
// in flight (done).
func (l *RateLimiter) lease(ctx context.Context, key string, limit redis_rate.Limit, size int, le *lease, done chan struct{}) (*redis_rate.Result, error) {
	res, err := l.limiter.AllowAtMost(ctx, esc(key), limit, size)
	le.mu.Lock()
	if err == nil {
		now := l.now()
		if !now.Before(le.until) {
			le.tokens = 0 // aged
		}
		le.tokens += res.Allowed
		le.remaining, le.reset, le.until = res.Remaining, max(res.ResetAfter, 0), now.Add(leaseTTL)
	}
	le.inflight = nil
	le.mu.Unlock()
	close(done)
	return res, err
}

// decision is Redis's answer as the domain's, with held tokens counted as
// remaining.
func decision(limit redis_rate.Limit, res *redis_rate.Result, held int) aggregator.RateDecision {
	return aggregator.RateDecision{Allowed: res.Allowed > 0, Limit: limit.Burst, Remaining: res.Remaining + held,
		RetryAfter: max(res.RetryAfter, 0), ResetAfter: max(res.ResetAfter, 0)}
}

// redisRatePrefix is what redis_rate puts before every key.
const redisRatePrefix = "rate:"

// prefixedScripts moves redis_rate's keys under the store's prefix, so
// that every key of the gateway shares it (ACLs, cleanup, key counts).
type prefixedScripts struct {
	redis.Cmdable
	prefix string
}

func (p prefixedScripts) keys(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = p.prefix + strings.TrimPrefix(k, redisRatePrefix)
	}
	return out
}

func (p prefixedScripts) Eval(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	return p.Cmdable.Eval(ctx, script, p.keys(keys), args...)
}

func (p prefixedScripts) EvalSha(ctx context.Context, sha1 string, keys []string, args ...any) *redis.Cmd {
	return p.Cmdable.EvalSha(ctx, sha1, p.keys(keys), args...)
}

func (p prefixedScripts) EvalRO(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	return p.Cmdable.EvalRO(ctx, script, p.keys(keys), args...)
}

func (p prefixedScripts) EvalShaRO(ctx context.Context, sha1 string, keys []string, args ...any) *redis.Cmd {
	return p.Cmdable.EvalShaRO(ctx, sha1, p.keys(keys), args...)
}

func (p prefixedScripts) Del(ctx context.Context, keys ...string) *redis.IntCmd {
	return p.Cmdable.Del(ctx, p.keys(keys)...)
}
