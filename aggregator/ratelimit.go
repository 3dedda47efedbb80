package aggregator

import (
	"context"
	"time"
)

// RateRule allows Requests per Period with bursts of up to Burst: a
// generic cell rate, so a client that waited may send Burst requests at
// once and then one every Period/Requests. Requests 0 limits nothing.
type RateRule struct {
	Requests int
	Period   time.Duration
	Burst    int // 0: Requests
}

// Unlimited reports whether the rule limits nothing.
func (r RateRule) Unlimited() bool { return r.Requests <= 0 || r.Period <= 0 }

// Capacity is how many requests may come at once.
func (r RateRule) Capacity() int {
	if r.Burst > 0 {
		return r.Burst
	}
	return r.Requests
}

// RateDecision is a limiter's answer for one request.
type RateDecision struct {
	Allowed    bool
	Limit      int           // the rule's capacity
	Remaining  int           // requests that may still come at once
	RetryAfter time.Duration // when refused: until one more is allowed
	ResetAfter time.Duration // until the whole capacity is back
}

// RateKey names what a limit counts: a client (Client set) or a user of
// a tenant (Tenant and User set). A struct, not a string, so that a
// request that is let through from memory builds no key.
type RateKey struct {
	Client string
	Tenant string
	User   string
}

// String is the key's stable name: "c:<client>" or "u:<tenant>:<user>".
func (k RateKey) String() string {
	if k.User != "" {
		return "u:" + k.Tenant + ":" + k.User
	}
	return "c:" + k.Client
}

// RateLimiter counts requests against a rule under a key. Implementations
// share their counts between gateway processes (the store's is in Redis).
//
// Errors: KindUnavailable when the backend does not answer.
type RateLimiter interface {
	Allow(ctx context.Context, key RateKey, r RateRule) (RateDecision, error)
}

// RequestLimiter decides whether the caller may make one more request.
// Errors: KindTooManyRequests (with RetryAfter) when it may not;
// KindUnavailable when the limits cannot be read.
type RequestLimiter interface {
	Check(ctx context.Context, p Principal) (RateDecision, error)
}

var _ RequestLimiter = (*RateLimits)(nil)

// ClientRateRules are the rules for one client: its own requests and each
// of its users'. An unset rule falls back to the default.
type ClientRateRules struct {
	PerClient *RateRule
	PerUser   *RateRule
}

// RateLimits is the use case behind the API's request limits: every
// authenticated request counts against its client's rule and, with a user
// token, against its user's rule. A request is let through when both
// allow it; the answer reports the tighter of the two.
type RateLimits struct {
	Limiter   RateLimiter
	PerClient RateRule
	PerUser   RateRule
	Clients   map[string]ClientRateRules // overrides by client id
}

// rules returns the client's and the user's rule for p.
func (l *RateLimits) rules(p Principal) (client, user RateRule) {
	client, user = l.PerClient, l.PerUser
	if o, ok := l.Clients[p.Client]; ok {
		if o.PerClient != nil {
			client = *o.PerClient
		}
		if o.PerUser != nil {
			user = *o.PerUser
		}
	}
	if !p.IsUser() {
		user = RateRule{}
	}
	return client, user
}

// Check counts one request of p. A refused request is KindTooManyRequests
// with RetryAfter; the decision is returned either way so the caller can
// report the remaining allowance. When no rule applies the decision has
// Limit 0.
func (l *RateLimits) Check(ctx context.Context, p Principal) (RateDecision, error) {
	const op = "ratelimits.Check"
	if l == nil || l.Limiter == nil {
		return RateDecision{Allowed: true}, nil
	}
	cr, ur := l.rules(p)
	cd, ud := RateDecision{Allowed: true}, RateDecision{Allowed: true}
	var cerr, uerr error
	if !cr.Unlimited() {
		cd, cerr = l.Limiter.Allow(ctx, RateKey{Client: p.Client}, cr)
	}
	if !ur.Unlimited() && cerr == nil && cd.Allowed { // a refused request costs the user nothing
		ud, uerr = l.Limiter.Allow(ctx, RateKey{Tenant: p.Tenant, User: p.UserID}, ur)
	}
	if cerr != nil {
		return RateDecision{}, cerr
	}
	if uerr != nil {
		return RateDecision{}, uerr
	}
	d := tighter(cd, ud)
	if !d.Allowed {
		return d, &Error{Kind: KindTooManyRequests, Op: op, Message: "rate limit exceeded",
			Details: "too many requests; see the X-RateLimit-* headers and retry after Retry-After seconds", RetryAfter: d.RetryAfter}
	}
	return d, nil
}

// tighter picks the decision that binds: a refusal, else the one with
// fewer requests left. A decision with Limit 0 (no rule) never binds.
func tighter(a, b RateDecision) RateDecision {
	switch {
	case a.Limit == 0:
		return b
	case b.Limit == 0:
		return a
	case !a.Allowed && !b.Allowed:
		if b.RetryAfter > a.RetryAfter {
			return b
		}
		return a
	case !a.Allowed:
		return a
	case !b.Allowed:
		return b
	case b.Remaining < a.Remaining:
		return b
	}
	return a
}
