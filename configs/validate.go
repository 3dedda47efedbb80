package configs

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

// tenantName is the shape of a tenant name: it becomes a URL component and
// part of Redis hash tags.
var tenantName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// Password hashing limits (golang.org/x/crypto/bcrypt MinCost and MaxCost).
const (
	minBcryptCost = 4
	maxBcryptCost = 31
)

// problems collects validation errors, each prefixed with a field path.
type problems []error

func (p *problems) add(path, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

// Validate checks the whole configuration and reports every problem at once
// (errors.Join), each naming the field by its path, e.g.
// "tenants[0].clients[1]: one of secret or secretSha256 is required".
// Messages never contain secrets, passwords, digests or URLs.
func (c *Config) Validate() error {
	var p problems
	c.Server.validate(&p)
	c.Redis.validate(&p)
	c.Log.validate(&p)
	c.Auth.validate(&p)
	c.Credentials.validate(&p)
	c.WebForm.validate(&p)
	c.Delivery.validate(&p)
	c.Sync.validate(&p)
	c.Limits.validate(&p)
	c.RateLimit.validate(&p)
	c.Login.validate(&p)
	c.Egress.validate(&p)
	c.Metrics.validate(&p)
	if c.Demo.BookingInterval < 0 {
		p.add("demo.bookingInterval", "must not be negative")
	}
	clients := c.validateTenants(&p)
	c.validateUsers(&p, clients)
	c.validateProviders(&p)
	return errors.Join(p...)
}

func (s *Server) validate(p *problems) {
	if !isHostPort(s.Addr) {
		p.add("server.addr", "%q is not host:port", s.Addr)
	}
	if !isHTTPURL(s.BaseURL) || strings.HasSuffix(s.BaseURL, "/") {
		p.add("server.baseURL", "must be an absolute http(s) URL without trailing slash")
	} else if u, _ := url.Parse(s.BaseURL); u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s.BaseURL, "?") {
		p.add("server.baseURL", "must not have a query or fragment")
	}
	if (s.TLS.CertFile == "") != (s.TLS.KeyFile == "") {
		p.add("server.tls", "certFile and keyFile must be set together")
	}
	if s.ShutdownTimeout < 0 {
		p.add("server.shutdownTimeout", "must not be negative")
	}
	for i, tp := range s.TrustedProxies {
		if _, err := netip.ParsePrefix(tp); err != nil {
			if _, err := netip.ParseAddr(tp); err != nil {
				p.add(fmt.Sprintf("server.trustedProxies[%d]", i), "must be an IP address or a CIDR prefix")
			}
		}
	}
	for i, o := range s.CORSOrigins {
		if o != "*" && !isOrigin(o) {
			p.add(fmt.Sprintf("server.corsOrigins[%d]", i), "must be * or an origin such as https://app.example.com (no path)")
		}
	}
}

func (s *Sync) validate(p *problems) {
	if s.Interval < time.Second {
		p.add("sync.interval", "must be at least 1s")
	}
	if s.Jitter < 0 || s.Jitter >= s.Interval {
		p.add("sync.jitter", "must be at least 0 and below the interval")
	}
	if s.UnattendedPerDay < 1 {
		p.add("sync.unattendedPerDay", "must be at least 1")
	}
	if s.Tick <= 0 {
		p.add("sync.tick", "must be positive")
	}
	if s.Lease < time.Second {
		p.add("sync.lease", "must be at least 1s")
	}
}

func (d *Delivery) validate(p *problems) {
	for _, f := range []struct {
		path string
		v    time.Duration
	}{{"delivery.timeout", d.Timeout}, {"delivery.retryInitial", d.RetryInitial}, {"delivery.retryMax", d.RetryMax}, {"delivery.retryWindow", d.RetryWindow}} {
		if f.v <= 0 {
			p.add(f.path, "must be positive")
		}
	}
	if d.RetryMax < d.RetryInitial {
		p.add("delivery.retryMax", "must not be below retryInitial")
	}
}

func (w *WebForm) validate(p *problems) {
	if w.SessionTTL < time.Minute {
		p.add("webForm.sessionTTL", "must be at least 1m")
	}
}

func (r *Redis) validate(p *problems) {
	if r.URL != "" && len(r.Addrs) > 0 {
		p.add("redis", "set either url or addrs, not both")
	}
	if r.URL != "" {
		// The URL may carry a password: never quote it.
		u, err := url.Parse(r.URL)
		switch {
		case err != nil:
			p.add("redis.url", "is not a valid URL")
		case u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix":
			p.add("redis.url", "must be a redis://, rediss:// or unix:// URL")
		case u.Scheme != "unix" && u.Host == "":
			p.add("redis.url", "has no host")
		}
	}
	for i, a := range r.Addrs {
		if !isHostPort(a) {
			p.add(fmt.Sprintf("redis.addrs[%d]", i), "%q is not host:port", a)
		}
	}
	if r.MasterName != "" && len(r.Addrs) == 0 {
		p.add("redis.masterName", "needs redis.addrs (the Sentinel addresses)")
	}
	if r.DB < 0 {
		p.add("redis.db", "must not be negative")
	} else if r.DB != 0 && len(r.Addrs) > 1 && r.MasterName == "" {
		p.add("redis.db", "Redis Cluster (several addrs without masterName) has only database 0")
	}
	if strings.ContainsAny(r.KeyPrefix, "{}") || strings.IndexFunc(r.KeyPrefix, isSpaceOrControl) >= 0 {
		p.add("redis.keyPrefix", "must not contain braces (they would form a cluster hash tag), spaces or control characters")
	}
}

func (l *Log) validate(p *problems) {
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, l.Level) {
		p.add("log.level", "must be one of debug, info, warn, error")
	}
	if l.Format != "json" && l.Format != "console" {
		p.add("log.format", "must be json or console")
	}
}

func (a *Auth) validate(p *problems) {
	if a.TokenTTL <= 0 {
		p.add("auth.tokenTTL", "must be positive")
	}
	if a.BcryptCost < minBcryptCost || a.BcryptCost > maxBcryptCost {
		p.add("auth.bcryptCost", "must be between %d and %d", minBcryptCost, maxBcryptCost)
	}
}

func (c *Credentials) validate(p *problems) {
	if _, err := aggregator.ParsePadding(c.Padding); err != nil {
		p.add("credentials.padding", "must be one of oaep-sha1, oaep-sha256, pkcs1v15")
	}
	if c.CertificateFile != "" && c.PrivateKeyFile == "" {
		p.add("credentials.certificateFile", "needs credentials.privateKeyFile (the key it certifies)")
	}
	if _, err := c.DecodeSealKey(); err != nil {
		*p = append(*p, err) // names the field, never the key
	}
}

// validateTenants checks tenants and clients and returns, per tenant name,
// the clients' roles (client id -> role names) for the user checks.
func (c *Config) validateTenants(p *problems) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	if len(c.Tenants) == 0 {
		p.add("tenants", "at least one tenant is required")
	}
	clientAt := map[string]string{} // client id -> path of its first definition
	for ti, t := range c.Tenants {
		tp := fmt.Sprintf("tenants[%d]", ti)
		switch {
		case !tenantName.MatchString(t.Name):
			p.add(tp+".name", "%q must match %s (lower-case letters, digits, '-' and '_')", t.Name, tenantName)
		case out[t.Name] != nil:
			p.add(tp+".name", "tenant %q is defined twice", t.Name)
		}
		if t.Webhook != nil {
			// The domain's rule; its messages never quote a secret.
			if err := aggregator.CheckWebhookEndpoint("config", t.Webhook.Endpoint(t.Name)); err != nil {
				p.add(tp+".webhook", "%s", aggregator.AsError(err).Message)
			}
		}
		roles := map[string][]string{}
		if out[t.Name] == nil {
			out[t.Name] = roles
		}
		for ci, cl := range t.Clients {
			cp := fmt.Sprintf("%s.clients[%d]", tp, ci)
			cl.validate(p, cp)
			cl.RateLimit.validate(p, cp+".rateLimit")
			if cl.ID != "" {
				if first, dup := clientAt[cl.ID]; dup {
					p.add(cp+".id", "client %q is already defined at %s", cl.ID, first)
				} else {
					clientAt[cl.ID] = cp
				}
			}
			names := make([]string, len(cl.Roles))
			for i, r := range cl.Roles {
				names[i] = r.Name
			}
			roles[cl.ID] = names
		}
	}
	return out
}

func (cl *Client) validate(p *problems, cp string) {
	switch {
	case cl.ID == "":
		p.add(cp+".id", "required")
	case strings.IndexFunc(cl.ID, isSpaceOrControl) >= 0:
		p.add(cp+".id", "%q must not contain spaces or control characters", cl.ID)
	case strings.Contains(cl.ID, ":"):
		p.add(cp+".id", "%q must not contain ':' (it separates id and secret in HTTP Basic authentication)", cl.ID)
	case utf8.RuneCountInString(cl.ID) > 255:
		p.add(cp+".id", "must not be longer than 255 characters")
	}
	// Secrets and digests are never quoted.
	switch {
	case cl.Secret == "" && cl.SecretSHA256 == "":
		p.add(cp, "one of secret or secretSha256 is required")
	case cl.Secret != "" && cl.SecretSHA256 != "":
		p.add(cp, "set only one of secret or secretSha256")
	case cl.SecretSHA256 != "":
		if b, err := hex.DecodeString(cl.SecretSHA256); err != nil || len(b) != 32 {
			p.add(cp+".secretSha256", "must be 64 hexadecimal characters (the SHA-256 of the secret)")
		}
	}
	seenScope := map[string]bool{}
	for i, s := range cl.Scopes {
		sp := fmt.Sprintf("%s.scopes[%d]", cp, i)
		switch {
		case s == "":
			p.add(sp, "must not be empty")
		case strings.IndexFunc(s, isSpaceOrControl) >= 0:
			p.add(sp, "%q must not contain spaces or control characters", s)
		case seenScope[s]:
			p.add(sp, "scope %q is listed twice", s)
		}
		seenScope[s] = true
	}
	seenRole := map[string]bool{}
	for i, r := range cl.Roles {
		rp := fmt.Sprintf("%s.roles[%d].name", cp, i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			p.add(rp, "required")
		case strings.IndexFunc(r.Name, unicode.IsControl) >= 0:
			p.add(rp, "%q must not contain control characters", r.Name)
		case seenRole[r.Name]:
			p.add(rp, "role %q is defined twice", r.Name)
		}
		seenRole[r.Name] = true
	}
	for i, u := range cl.CallbackURLPrefixes {
		// The parser callbacks are checked with, so a prefix that passes
		// here can admit a callback.
		if msg := aggregator.CheckCallbackPrefix(u); msg != "" {
			p.add(fmt.Sprintf("%s.callbackUrlPrefixes[%d]", cp, i), "%s", msg)
		}
	}
	if cl.WebhookURL != "" && !isHTTPURL(cl.WebhookURL) {
		p.add(cp+".webhookUrl", "must be an absolute http(s) URL")
	}
}

func (c *Config) validateUsers(p *problems, tenants map[string]map[string][]string) {
	seen := map[[2]string]string{} // tenant, username -> path
	for ui, u := range c.Users {
		up := fmt.Sprintf("users[%d]", ui)
		clients, known := tenants[u.Tenant]
		switch {
		case u.Tenant == "":
			p.add(up+".tenant", "required")
		case !known:
			p.add(up+".tenant", "unknown tenant %q", u.Tenant)
		}
		if msg := aggregator.CheckUsername(u.Username); msg != "" {
			p.add(up+".username", "%s", msg)
		} else if first, dup := seen[[2]string{u.Tenant, u.Username}]; dup {
			p.add(up+".username", "user %q of tenant %q is already defined at %s", u.Username, u.Tenant, first)
		} else {
			seen[[2]string{u.Tenant, u.Username}] = up
		}
		if msg := aggregator.CheckPassword(u.Password); msg != "" {
			p.add(up+".password", "%s", msg) // the rule, never the password
		}
		for ri, r := range u.Roles {
			rp := fmt.Sprintf("%s.roles[%d]", up, ri)
			if r.Client == "" {
				p.add(rp+".client", "required")
				continue
			}
			if r.Role == "" {
				p.add(rp+".role", "required")
			}
			if !known {
				continue // reported at .tenant
			}
			roles, ok := clients[r.Client]
			switch {
			case !ok:
				p.add(rp+".client", "tenant %q has no client %q", u.Tenant, r.Client)
			case r.Role != "" && !slices.Contains(roles, r.Role):
				p.add(rp+".role", "client %q has no role %q", r.Client, r.Role)
			}
		}
	}
}

func (c *Config) validateProviders(p *problems) {
	seen := map[string]string{}
	for i, pr := range c.Providers {
		pp := fmt.Sprintf("providers[%d]", i)
		if _, err := uuid.Parse(pr.ID); err != nil || len(pr.ID) != 36 {
			p.add(pp+".id", "%q is not a UUID", pr.ID)
		} else if first, dup := seen[strings.ToLower(pr.ID)]; dup {
			p.add(pp+".id", "provider %s is already defined at %s", pr.ID, first)
		} else {
			seen[strings.ToLower(pr.ID)] = pp
		}
		if strings.TrimSpace(pr.Name) == "" {
			p.add(pp+".name", "required")
		}
		if pr.Adapter == "" {
			p.add(pp+".adapter", "required (the adapter type that serves this provider)")
		}
		for j, capability := range pr.Capabilities {
			if capability == "" || strings.IndexFunc(capability, isSpaceOrControl) >= 0 {
				p.add(fmt.Sprintf("%s.capabilities[%d]", pp, j), "%q must be a non-empty word such as KONTEN", capability)
			}
		}
		for j, ch := range pr.Channels {
			if len(ch) == 0 {
				p.add(fmt.Sprintf("%s.channels[%d]", pp, j), "must list at least one product category")
			}
			for k, cat := range ch {
				if !aggregator.ProductCategory(cat).Valid() {
					p.add(fmt.Sprintf("%s.channels[%d][%d]", pp, j, k), "%q is not a product category", cat)
				}
			}
		}
		if len(pr.Fields) == 0 {
			p.add(pp+".fields", "at least one login field is required")
		}
		keys := map[string]bool{}
		for j, f := range pr.Fields {
			fp := fmt.Sprintf("%s.fields[%d]", pp, j)
			switch {
			case f.FieldKey == "":
				p.add(fp+".fieldkey", "required")
			case keys[f.FieldKey]:
				p.add(fp+".fieldkey", "%q is listed twice", f.FieldKey)
			}
			keys[f.FieldKey] = true
			if f.Label == "" {
				p.add(fp+".label", "required")
			}
		}
		if _, _, err := pr.logo(); err != nil {
			p.add(pp+".logo", "%v", err)
		}
	}
}

func isSpaceOrControl(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// isHostPort reports whether s is host:port with a numeric port (0 allowed:
// the system picks one). The host may be empty (all interfaces).
func isHostPort(s string) bool {
	host, port, err := net.SplitHostPort(s)
	if err != nil || strings.IndexFunc(host, isSpaceOrControl) >= 0 {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

// isHTTPURL reports whether s is an absolute http or https URL with a host
// and without user info.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Hostname() != "" &&
		u.User == nil && u.Opaque == "" && strings.IndexFunc(s, isSpaceOrControl) < 0
}

// isOrigin reports whether s is a browser origin: scheme and host, no path.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && isHTTPURL(s) && u.Path == "" && u.RawQuery == "" && u.Fragment == "" && !strings.HasSuffix(s, "?")
}
