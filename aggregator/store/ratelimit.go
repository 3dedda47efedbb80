package store

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
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
// (at most 512) from Redis at once and lets them through from memory; a
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
	leases  sync.Map // aggregator.RateKey → *lease
	count   atomic.Int64
	now     func() time.Time
}

// Lease bounds.
const (
	leaseShare = 50 // a lease takes at most capacity/leaseShare requests
	leaseMax   = 512
	leaseTTL   = time.Second
	leaseKeys  = 1 << 16 // beyond this many keys, aged leases are swept
)

// lease is the requests a process took from a key's allowance in Redis.
// The fast path takes a token with a compare-and-swap and never lets the
// count below zero, so every request let through used a leased token.
type lease struct {
	tokens    atomic.Int64 // taken, not yet used
	until     atomic.Int64 // unix nanoseconds; unused tokens are dropped then
	remaining atomic.Int64 // what Redis had left after the last lease
	reset     atomic.Int64 // Redis's reset after the last lease, nanoseconds

	mu       sync.Mutex
	inflight chan struct{} // closed when the running lease ends; nil: none
}

// take uses one leased token if there is a fresh one.
func (le *lease) take(now int64) (left int64, ok bool) {
	for now < le.until.Load() {
		n := le.tokens.Load()
		if n <= 0 {
			return 0, false
		}
		if le.tokens.CompareAndSwap(n, n-1) {
			return n - 1, true
		}
	}
	return 0, false
}

// start marks a lease in flight if want and none is.
func (le *lease) start(want bool) chan struct{} {
	if !want {
		return nil
	}
	le.mu.Lock()
	defer le.mu.Unlock()
	if le.inflight != nil {
		return nil
	}
	le.inflight = make(chan struct{})
	return le.inflight
}

// RateLimiter returns the store's limiter. It rides the hot-path client,
// so the checks of concurrent requests share round trips.
func (s *Store) RateLimiter() *RateLimiter {
	return &RateLimiter{limiter: redis_rate.NewLimiter(prefixedScripts{Cmdable: s.reads, prefix: s.prefix + "rl:"}), now: time.Now}
}

var _ aggregator.RateLimiter = (*RateLimiter)(nil)

// leaseSize is how many requests one round trip takes for a capacity.
func leaseSize(capacity int) int { return min(max(capacity/leaseShare, 1), leaseMax) }

const opAllow = "store.RateLimiter.Allow"

// Allow counts one request under key.
func (l *RateLimiter) Allow(ctx context.Context, key aggregator.RateKey, r aggregator.RateRule) (aggregator.RateDecision, error) {
	limit := redis_rate.Limit{Rate: r.Requests, Period: r.Period, Burst: r.Capacity()}
	size := leaseSize(limit.Burst)
	if size == 1 {
		res, err := l.limiter.Allow(ctx, esc(key.String()), limit)
		if err != nil {
			return aggregator.RateDecision{}, unavailable(opAllow, err)
		}
		return decision(limit, res, 0), nil
	}
	le := l.leaseOf(key)
	for {
		if left, ok := le.take(l.now().UnixNano()); ok {
			d := aggregator.RateDecision{Allowed: true, Limit: limit.Burst, Remaining: int(le.remaining.Load() + left),
				ResetAfter: time.Duration(le.reset.Load())}
			if done := le.start(left < int64(size/2)); done != nil {
				// This request has its token; it fetches the next lease
				// while the others go on with the rest.
				_, _ = l.lease(ctx, key, limit, size, le, done)
			}
			return d, nil
		}
		le.mu.Lock()
		wait := le.inflight
		le.mu.Unlock()
		if wait != nil {
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return aggregator.RateDecision{}, unavailable(opAllow, ctx.Err())
			}
		}
		done := le.start(true)
		if done == nil {
			continue // another request started one just now
		}
		res, err := l.lease(ctx, key, limit, size, le, done)
		if err != nil {
			return aggregator.RateDecision{}, unavailable(opAllow, err)
		}
		if res.Allowed == 0 {
			return decision(limit, res, 0), nil
		}
	}
}

// leaseOf returns key's lease, making one; past leaseKeys keys it first
// sweeps the aged ones.
func (l *RateLimiter) leaseOf(key aggregator.RateKey) *lease {
	if le, ok := l.leases.Load(key); ok {
		return le.(*lease)
	}
	if l.count.Load() >= leaseKeys {
		now := l.now().UnixNano()
		l.leases.Range(func(k, v any) bool {
			if now >= v.(*lease).until.Load() && l.leases.CompareAndDelete(k, v) {
				l.count.Add(-1)
			}
			return true
		})
	}
	le, loaded := l.leases.LoadOrStore(key, &lease{})
	if !loaded {
		l.count.Add(1)
	}
	return le.(*lease)
}

// lease takes up to size requests from Redis into le and ends the lease
// in flight (done).
func (l *RateLimiter) lease(ctx context.Context, key aggregator.RateKey, limit redis_rate.Limit, size int, le *lease, done chan struct{}) (*redis_rate.Result, error) {
	res, err := l.limiter.AllowAtMost(ctx, esc(key.String()), limit, size)
	if err == nil {
		now := l.now()
		if now.UnixNano() >= le.until.Load() {
			le.tokens.Store(0) // aged: a concurrent take has failed its swap
		}
		le.remaining.Store(int64(res.Remaining))
		le.reset.Store(int64(max(res.ResetAfter, 0)))
		le.tokens.Add(int64(res.Allowed))
		le.until.Store(now.Add(leaseTTL).UnixNano())
	}
	le.mu.Lock()
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
