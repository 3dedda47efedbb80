package aggregator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"go.uber.org/zap"
)

// ThrottlePolicy slows down guessing of passwords and client secrets.
// Failures are counted per (source address, account): after FreeFailures,
// each further failure locks that pair for BaseDelay, doubling up to
// MaxDelay. A distributed guesser is capped too: once an account has
// failed AccountFailures times within AccountWindow from any sources,
// every source loses its free failures for it, so each one's first failure
// locks it. Locks bind a pair, never an account: a source that has not
// failed is never locked, so nobody can lock a user out of their own
// device, and every lock ends by itself after MaxDelay at most. A success
// clears its pair's count.
type ThrottlePolicy struct {
	FreeFailures    int
	BaseDelay       time.Duration
	MaxDelay        time.Duration
	AccountFailures int
	AccountWindow   time.Duration
}

// Delay is the lock after a pair's n-th failure when free failures are
// allowed (0 once the account is under a distributed attack).
func (p ThrottlePolicy) Delay(n, free int) time.Duration {
	if n <= free {
		return 0
	}
	d := p.BaseDelay
	for i := free + 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// ThrottleStore keeps failure counts and locks, shared by every gateway
// process. Accounts and sources are opaque digests.
//
// Errors: KindUnavailable when the backend does not answer.
type ThrottleStore interface {
	// Locked returns how long the pair is still locked.
	Locked(ctx context.Context, account, source string) (time.Duration, error)
	// Failed records a failure and returns the lock it caused (0: none),
	// which must be p.Delay of the pair's count.
	Failed(ctx context.Context, account, source string, p ThrottlePolicy) (time.Duration, error)
	// Succeeded clears the pair's failure count.
	Succeeded(ctx context.Context, account, source string) error
}

// LoginThrottle applies a ThrottlePolicy to logins. A nil *LoginThrottle,
// or one without a store, throttles nothing.
type LoginThrottle struct {
	Store  ThrottleStore
	Policy ThrottlePolicy
	Log    *zap.Logger
}

// throttleKey hashes an account or source name, so keys stay short and
// usernames do not appear in the store's key space.
func throttleKey(kind string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(kind))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// UserAccount names a user login for the throttle.
func UserAccount(tenant, username string) string { return throttleKey("user", tenant, username) }

// ClientAccount names a client-secret login for the throttle.
func ClientAccount(clientID string) string { return throttleKey("client", clientID) }

func throttleSource(source string) string { return throttleKey("source", source) }

// Check refuses an attempt while the account is locked for source. The
// password is not even looked at then, so a locked guesser learns nothing.
func (t *LoginThrottle) Check(ctx context.Context, account, source string) error {
	if t == nil || t.Store == nil {
		return nil
	}
	wait, err := t.Store.Locked(ctx, account, throttleSource(source))
	if err != nil {
		return err
	}
	if wait > 0 {
		return &Error{Kind: KindTooManyRequests, Op: "throttle.Check", OAuth: "invalid_request",
			Message: "too many failed logins", Details: "try again after Retry-After seconds", RetryAfter: wait}
	}
	return nil
}

// Failed records a failed attempt. A store failure is logged, not
// returned: the caller answers the failed login either way.
func (t *LoginThrottle) Failed(ctx context.Context, account, source string) {
	if t == nil || t.Store == nil {
		return
	}
	lock, err := t.Store.Failed(ctx, account, throttleSource(source), t.Policy)
	log := LoggerFrom(ctx, t.Log)
	switch {
	case err != nil:
		log.Warn("failed login not counted", zap.Error(err))
	case lock > 0:
		log.Warn("login locked after repeated failures", zap.String("account", account), zap.String("source", source), zap.Duration("for", lock))
	}
}

// Succeeded clears the pair's count after a successful login.
func (t *LoginThrottle) Succeeded(ctx context.Context, account, source string) {
	if t == nil || t.Store == nil {
		return
	}
	if err := t.Store.Succeeded(ctx, account, throttleSource(source)); err != nil {
		LoggerFrom(ctx, t.Log).Warn("login count not cleared", zap.Error(err))
	}
}
