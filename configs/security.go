package configs

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/zugang/zugang/aggregator"
)

// Limits bound the work one request or one user can cause. Exceeding one
// answers a 4xx naming the limit and stores nothing.
type Limits struct {
	// AccessesPerRequest bounds the bank-access ids in one
	// POST /customer/v2/bankzugaenge (each one is a bank login).
	AccessesPerRequest int `yaml:"accessesPerRequest" env:"ACCESSES_PER_REQUEST"`
	// AccessesPerUser bounds the bank accesses one user may have.
	AccessesPerUser int `yaml:"accessesPerUser" env:"ACCESSES_PER_USER"`
	// UsersPerTenant bounds the users one tenant may create.
	UsersPerTenant int `yaml:"usersPerTenant" env:"USERS_PER_TENANT"`
	// JSONBodyBytes bounds a JSON request body (413 beyond it).
	JSONBodyBytes int `yaml:"jsonBodyBytes" env:"JSON_BODY_BYTES"`
	// FormBodyBytes bounds a form body: the OAuth2 endpoints and the
	// web form's posts (413 beyond it).
	FormBodyBytes int `yaml:"formBodyBytes" env:"FORM_BODY_BYTES"`
}

func (l *Limits) validate(p *problems) {
	for _, f := range []struct {
		path string
		v    int
	}{
		{"limits.accessesPerRequest", l.AccessesPerRequest},
		{"limits.accessesPerUser", l.AccessesPerUser},
		{"limits.usersPerTenant", l.UsersPerTenant},
		{"limits.jsonBodyBytes", l.JSONBodyBytes},
		{"limits.formBodyBytes", l.FormBodyBytes},
	} {
		if f.v < 1 {
			p.add(f.path, "must be at least 1")
		}
	}
	if l.AccessesPerRequest > l.AccessesPerUser {
		p.add("limits.accessesPerRequest", "must not exceed accessesPerUser")
	}
}

// RateRule allows Requests per Period, with bursts of up to Burst
// (generic cell rate: a steady request every Period/Requests, and Burst
// at once after a quiet spell). Requests 0 means no limit.
type RateRule struct {
	Requests int           `yaml:"requests" env:"REQUESTS"`
	Period   time.Duration `yaml:"period" env:"PERIOD"`
	Burst    int           `yaml:"burst" env:"BURST"` // 0: Requests
}

// Unlimited reports whether the rule limits nothing.
func (r RateRule) Unlimited() bool { return r.Requests == 0 }

func (r *RateRule) validate(p *problems, path string) {
	if r.Requests < 0 {
		p.add(path+".requests", "must not be negative (0: no limit)")
	}
	if r.Requests > 0 && r.Period < time.Second {
		p.add(path+".period", "must be at least 1s")
	}
	if r.Burst < 0 {
		p.add(path+".burst", "must not be negative (0: requests)")
	}
}

// RateLimit limits the whole API per OAuth2 client and per user, in Redis
// so that the limits hold across gateway processes. A client's own
// rateLimit entry replaces these defaults for it and its users.
type RateLimit struct {
	PerClient RateRule `yaml:"perClient" envPrefix:"PER_CLIENT_"`
	PerUser   RateRule `yaml:"perUser" envPrefix:"PER_USER_"`
}

// ClientRateLimit overrides the default rules for one client.
type ClientRateLimit struct {
	PerClient *RateRule `yaml:"perClient"`
	PerUser   *RateRule `yaml:"perUser"`
}

func (o *ClientRateLimit) validate(p *problems, path string) {
	if o == nil {
		return
	}
	if o.PerClient != nil {
		o.PerClient.validate(p, path+".perClient")
	}
	if o.PerUser != nil {
		o.PerUser.validate(p, path+".perUser")
	}
}

func (r *RateLimit) validate(p *problems) {
	r.PerClient.validate(p, "rateLimit.perClient")
	r.PerUser.validate(p, "rateLimit.perUser")
}

// LoginThrottle slows down password and client-secret guessing. Failures
// are counted per source address and account: after FreeFailures, each
// further failure locks that pair for BaseDelay, doubling up to MaxDelay.
// Once an account has failed AccountFailures times within AccountWindow
// from any sources, every source loses its free failures for it. Locks
// bind a pair, never a whole account, and end by themselves (see
// aggregator.ThrottlePolicy).
type LoginThrottle struct {
	FreeFailures    int           `yaml:"freeFailures" env:"FREE_FAILURES"`
	BaseDelay       time.Duration `yaml:"baseDelay" env:"BASE_DELAY"`
	MaxDelay        time.Duration `yaml:"maxDelay" env:"MAX_DELAY"`
	AccountFailures int           `yaml:"accountFailures" env:"ACCOUNT_FAILURES"`
	AccountWindow   time.Duration `yaml:"accountWindow" env:"ACCOUNT_WINDOW"`
}

func (l *LoginThrottle) validate(p *problems) {
	if l.FreeFailures < 1 {
		p.add("loginThrottle.freeFailures", "must be at least 1")
	}
	if l.BaseDelay < time.Second {
		p.add("loginThrottle.baseDelay", "must be at least 1s")
	}
	if l.MaxDelay < l.BaseDelay {
		p.add("loginThrottle.maxDelay", "must not be below baseDelay")
	}
	if l.AccountFailures <= l.FreeFailures {
		p.add("loginThrottle.accountFailures", "must exceed freeFailures")
	}
	if l.AccountWindow < time.Minute {
		p.add("loginThrottle.accountWindow", "must be at least 1m")
	}
}

// Egress guards the outbound calls a tenant can steer (webhook deliveries,
// later bank endpoints): loopback, private, link-local, multicast,
// unspecified and the other non-public addresses (package egress lists
// them) are refused unless AllowNetworks contains them.
// The development defaults allow loopback; a configuration file that does
// not set egress allows nothing beyond public addresses.
type Egress struct {
	AllowNetworks []string `yaml:"allowNetworks" env:"ALLOW_NETWORKS"` // CIDR prefixes, e.g. 127.0.0.0/8
}

// Prefixes parses AllowNetworks (Validate has checked them).
func (e Egress) Prefixes() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(e.AllowNetworks))
	for _, s := range e.AllowNetworks {
		if pr, err := netip.ParsePrefix(s); err == nil {
			out = append(out, pr.Masked())
		}
	}
	return out
}

func (e *Egress) validate(p *problems) {
	for i, s := range e.AllowNetworks {
		if _, err := netip.ParsePrefix(s); err != nil {
			p.add(fmt.Sprintf("egress.allowNetworks[%d]", i), "must be a CIDR prefix such as 127.0.0.0/8 or ::1/128")
		}
	}
}

// Metrics says where /metrics is served and who may read it.
type Metrics struct {
	// Token, when set, must be sent as "Authorization: Bearer <token>".
	// Secret.
	Token string `yaml:"token" env:"TOKEN"`
	// Addr, when set, serves /metrics on this separate listener instead
	// of the API's (e.g. 127.0.0.1:9090 for a scraper on the host).
	Addr string `yaml:"addr" env:"ADDR"`
}

func (m *Metrics) validate(p *problems) {
	if m.Addr != "" && !isHostPort(m.Addr) {
		p.add("metrics.addr", "is not host:port")
	}
}

// rule is r as the domain's rule.
func (r RateRule) rule() aggregator.RateRule {
	return aggregator.RateRule{Requests: r.Requests, Period: r.Period, Burst: r.Burst}
}

// RateLimits returns the request limits with each client's overrides,
// counted by limiter.
func (c *Config) RateLimits(limiter aggregator.RateLimiter) *aggregator.RateLimits {
	l := &aggregator.RateLimits{Limiter: limiter, PerClient: c.RateLimit.PerClient.rule(), PerUser: c.RateLimit.PerUser.rule(),
		Clients: map[string]aggregator.ClientRateRules{}}
	for _, t := range c.Tenants {
		for _, cl := range t.Clients {
			if cl.RateLimit == nil {
				continue
			}
			var o aggregator.ClientRateRules
			if r := cl.RateLimit.PerClient; r != nil {
				rr := r.rule()
				o.PerClient = &rr
			}
			if r := cl.RateLimit.PerUser; r != nil {
				rr := r.rule()
				o.PerUser = &rr
			}
			l.Clients[cl.ID] = o
		}
	}
	return l
}

// ThrottlePolicy is the login throttle's policy.
func (l LoginThrottle) ThrottlePolicy() aggregator.ThrottlePolicy {
	return aggregator.ThrottlePolicy{FreeFailures: l.FreeFailures, BaseDelay: l.BaseDelay, MaxDelay: l.MaxDelay,
		AccountFailures: l.AccountFailures, AccountWindow: l.AccountWindow}
}

// Limits returns the domain's limits.
func (l Limits) Limits() aggregator.Limits {
	return aggregator.Limits{AccessesPerRequest: l.AccessesPerRequest, AccessesPerUser: l.AccessesPerUser, UsersPerTenant: l.UsersPerTenant}
}
