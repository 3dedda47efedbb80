package store

import (
	"context"
	"errors"

	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

// Throttle implements aggregator.ThrottleStore. Each (account, source)
// pair has a failure counter and a lock key whose TTL is the lock, so
// locks end on Redis's clock whichever process set them; each account has
// a failure counter over the policy's window. All keys of one account
// share the hash tag {lt:<account>}, so the script runs on one slot of a
// cluster.
type Throttle struct{ s *Store }

// Throttle returns the store's login throttle.
func (s *Store) Throttle() *Throttle { return &Throttle{s: s} }

var _ aggregator.ThrottleStore = (*Throttle)(nil)

func (t *Throttle) keys(account, source string) (pairCount, pairLock, accountCount string) {
	base := t.s.prefix + "{lt:" + esc(account) + "}:"
	return base + "f:" + esc(source), base + "l:" + esc(source), base + "f"
}

// Locked returns the pair's remaining lock.
func (t *Throttle) Locked(ctx context.Context, account, source string) (time.Duration, error) {
	_, lock, _ := t.keys(account, source)
	d, err := t.s.reads.PTTL(ctx, lock).Result()
	if err != nil {
		return 0, unavailable("store.Throttle.Locked", err)
	}
	return max(d, 0), nil // -2: no lock
}

// recordFailure counts a failure. KEYS[1] the pair's count, KEYS[2] the
// pair's lock, KEYS[3] the account's count; ARGV[1] free failures, ARGV[2]
// base delay ms, ARGV[3] max delay ms, ARGV[4] account failures that end
// the free ones, ARGV[5] the account window ms. The pair's count lives as
// long as the window after its last failure. Returns the lock in ms.
var recordFailure = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local m = redis.call('INCR', KEYS[3])
if m == 1 then
	redis.call('PEXPIRE', KEYS[3], ARGV[5])
end
local free = tonumber(ARGV[1])
if m > tonumber(ARGV[4]) then
	free = 0
end
if n <= free then
	return 0
end
local lock = tonumber(ARGV[2])
local maxLock = tonumber(ARGV[3])
for i = free + 2, n do
	if lock >= maxLock then
		break
	end
	lock = lock * 2
end
if lock > maxLock then
	lock = maxLock
end
redis.call('SET', KEYS[2], '1', 'PX', lock)
return lock
`)

// Failed records a failure of the pair.
func (t *Throttle) Failed(ctx context.Context, account, source string, p aggregator.ThrottlePolicy) (time.Duration, error) {
	count, lock, acct := t.keys(account, source)
	ms, err := recordFailure.Run(ctx, t.s.client, []string{count, lock, acct},
		p.FreeFailures, p.BaseDelay.Milliseconds(), p.MaxDelay.Milliseconds(), p.AccountFailures, p.AccountWindow.Milliseconds()).Int64()
	if err != nil {
		return 0, unavailable("store.Throttle.Failed", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Succeeded forgets the pair's failures (a lock cannot be cleared: a
// locked pair never gets to succeed).
func (t *Throttle) Succeeded(ctx context.Context, account, source string) error {
	count, _, _ := t.keys(account, source)
	if err := t.s.reads.Del(ctx, count).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return unavailable("store.Throttle.Succeeded", err)
	}
	return nil
}
