package store

import (
	"context"
	"strings"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

// RateLimiter implements aggregator.RateLimiter with go-redis/redis_rate
// (a generic cell rate algorithm in one Lua script on Redis's clock), so
// every gateway process on the same Redis counts against the same limits.
// A key lives under the store's prefix as "rl:<key>" and expires once its
// capacity is whole again.
type RateLimiter struct {
	limiter *redis_rate.Limiter
}

// RateLimiter returns the store's limiter. It rides the hot-path client,
// so the checks of concurrent requests share round trips.
func (s *Store) RateLimiter() *RateLimiter {
	return &RateLimiter{limiter: redis_rate.NewLimiter(prefixedScripts{Cmdable: s.reads, prefix: s.prefix + "rl:"})}
}

var _ aggregator.RateLimiter = (*RateLimiter)(nil)

// Allow counts one request under key.
func (l *RateLimiter) Allow(ctx context.Context, key string, r aggregator.RateRule) (aggregator.RateDecision, error) {
	limit := redis_rate.Limit{Rate: r.Requests, Period: r.Period, Burst: r.Capacity()}
	res, err := l.limiter.Allow(ctx, esc(key), limit)
	if err != nil {
		return aggregator.RateDecision{}, unavailable("store.RateLimiter.Allow", err)
	}
	return aggregator.RateDecision{Allowed: res.Allowed > 0, Limit: limit.Burst, Remaining: res.Remaining,
		RetryAfter: max(res.RetryAfter, 0), ResetAfter: max(res.ResetAfter, 0)}, nil
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
