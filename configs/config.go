package configs

import (
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zugang/zugang/aggregator"
)

// embedded holds the defaults and the provider logos.
//
//go:embed dev.yaml providers.yaml logos
var embedded embed.FS

const (
	embeddedDev       = "dev.yaml"
	embeddedProviders = "providers.yaml"
)

// Config is the whole configuration of a gateway process.
type Config struct {
	Server      Server        `yaml:"server"`
	Redis       Redis         `yaml:"redis"`
	Log         Log           `yaml:"log"`
	Auth        Auth          `yaml:"auth"`
	Credentials Credentials   `yaml:"credentials" envPrefix:"CREDENTIALS_"` // keys that protect bank credentials
	WebForm     WebForm       `yaml:"webForm" envPrefix:"WEBFORM_"`         // the REG/Protect web form
	Delivery    Delivery      `yaml:"delivery" envPrefix:"WEBHOOK_"`        // how webhooks are sent
	Sync        Sync          `yaml:"sync" envPrefix:"SYNC_"`               // background refresh
	Demo        Demo          `yaml:"demo" envPrefix:"DEMO_"`               // the demo bank's shortcuts
	Limits      Limits        `yaml:"limits" envPrefix:"LIMITS_"`           // work one request or user may cause
	RateLimit   RateLimit     `yaml:"rateLimit" envPrefix:"RATE_LIMIT_"`    // requests per client and per user
	Login       LoginThrottle `yaml:"loginThrottle" envPrefix:"LOGIN_"`     // password and secret guessing
	Egress      Egress        `yaml:"egress" envPrefix:"EGRESS_"`           // outbound calls a tenant steers
	Metrics     Metrics       `yaml:"metrics" envPrefix:"METRICS_"`         // who reads /metrics, and where
	Tenants     []Tenant      `yaml:"tenants" env:"-"`                      // dev bootstrap; operators replace it
	Users       []User        `yaml:"users" env:"-"`                        // users created at start if missing
	// ProvidersFile optionally names a YAML file whose `providers:` list
	// replaces the catalogue. After Load it holds the path actually read.
	ProvidersFile string     `yaml:"providersFile" env:"PROVIDERS_FILE"`
	Providers     []Provider `yaml:"providers" env:"-"`
}

// Server configures the HTTP listener.
type Server struct {
	Addr string `yaml:"addr" env:"ADDR"`
	// BaseURL is the public base URL every href and Location is built from,
	// without trailing slash. Default: http://<addr> (https with TLS), with
	// "localhost" for an unspecified host.
	BaseURL         string        `yaml:"baseURL" env:"BASE_URL"`
	TLS             TLS           `yaml:"tls" envPrefix:"TLS_"`
	ShutdownTimeout time.Duration `yaml:"shutdownTimeout" env:"SHUTDOWN_TIMEOUT"`
	// CORSOrigins lists the allowed origins ("*" for any); empty allows none.
	CORSOrigins []string `yaml:"corsOrigins" env:"CORS_ORIGINS"`
	// TrustedProxies lists the addresses or CIDR prefixes of reverse
	// proxies whose X-Forwarded-For names the client; the login throttle
	// and the logs use that address. Empty: the TCP peer is the client.
	TrustedProxies []string `yaml:"trustedProxies" env:"TRUSTED_PROXIES"`
}

// TLS names the PEM files of the server certificate and key. Both empty
// means plain HTTP (e.g. behind a TLS-terminating proxy).
type TLS struct {
	CertFile string `yaml:"certFile" env:"CERT_FILE"`
	KeyFile  string `yaml:"keyFile" env:"KEY_FILE"`
}

// Enabled reports whether the server terminates TLS itself.
func (t TLS) Enabled() bool { return t.CertFile != "" && t.KeyFile != "" }

// Redis configures the store: a single node by URL, or Sentinel (Addrs with
// MasterName) or Cluster (several Addrs) by address list.
type Redis struct {
	URL        string   `yaml:"url" env:"REDIS_URL"` // redis://, rediss:// or unix://
	Addrs      []string `yaml:"addrs" env:"REDIS_ADDRS"`
	MasterName string   `yaml:"masterName" env:"REDIS_MASTER_NAME"`
	Username   string   `yaml:"username" env:"REDIS_USERNAME"`
	Password   string   `yaml:"password" env:"REDIS_PASSWORD"`
	DB         int      `yaml:"db" env:"REDIS_DB"`
	KeyPrefix  string   `yaml:"keyPrefix" env:"REDIS_KEY_PREFIX"` // every key starts with it
}

// Embedded reports whether no Redis server is configured, so the gateway
// runs an in-process one whose data is lost at exit.
func (r Redis) Embedded() bool { return r.URL == "" && len(r.Addrs) == 0 }

// WebForm configures the hosted REG/Protect form.
type WebForm struct {
	// SessionTTL is how long a session lives after the 451 that created it.
	SessionTTL time.Duration `yaml:"sessionTTL" env:"SESSION_TTL"`
}

// Delivery configures how notifications are sent: each attempt's timeout
// and the retry schedule (first retry after RetryInitial, doubling up to
// RetryMax, for RetryWindow after the first attempt; then dead-lettered).
type Delivery struct {
	Timeout      time.Duration `yaml:"timeout" env:"TIMEOUT"`
	RetryInitial time.Duration `yaml:"retryInitial" env:"RETRY_INITIAL"`
	RetryMax     time.Duration `yaml:"retryMax" env:"RETRY_MAX"`
	RetryWindow  time.Duration `yaml:"retryWindow" env:"RETRY_WINDOW"`
}

// Sync configures the background refresh of accesses added with sync:
// true (see aggregator.SyncPolicy for the rule).
type Sync struct {
	Interval         time.Duration `yaml:"interval" env:"INTERVAL"`
	Jitter           time.Duration `yaml:"jitter" env:"JITTER"`
	UnattendedPerDay int           `yaml:"unattendedPerDay" env:"UNATTENDED_PER_DAY"`
	Tick             time.Duration `yaml:"tick" env:"TICK"`   // how often a worker looks for due refreshes
	Lease            time.Duration `yaml:"lease" env:"LEASE"` // a claimed refresh is one worker's this long
}

// Demo holds settings of the demo bank that are handy as environment
// variables; they fill the demo providers' settings that do not set them.
type Demo struct {
	// BookingInterval books a card payment every interval (e.g. 1s for a
	// demo of webhooks); 0 keeps one business day.
	BookingInterval time.Duration `yaml:"bookingInterval" env:"BOOKING_INTERVAL"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level" env:"LOG_LEVEL"`   // debug, info, warn or error
	Format string `yaml:"format" env:"LOG_FORMAT"` // json or console
}

// Auth configures OAuth2 tokens and password hashing.
type Auth struct {
	TokenTTL   time.Duration `yaml:"tokenTTL" env:"TOKEN_TTL"`
	BcryptCost int           `yaml:"bcryptCost" env:"BCRYPT_COST"` // 4..31
}

// Credentials configures the gateway's credential keys: the RSA key pair
// clients encrypt bank credentials with, and the AES-256 key that seals
// credentials and provider state at rest. Unset keys are development keys
// (see the package documentation).
type Credentials struct {
	// PrivateKeyFile is a PEM file with the RSA private key (PKCS #1
	// "RSA PRIVATE KEY" or PKCS #8 "PRIVATE KEY", unencrypted).
	PrivateKeyFile string `yaml:"privateKeyFile" env:"PRIVATE_KEY_FILE"`
	// CertificateFile optionally names an X.509 PEM certificate of the
	// key, published to clients; without it a self-signed one is made.
	CertificateFile string `yaml:"certificateFile" env:"CERTIFICATE_FILE"`
	// Padding is the RSA padding clients use: oaep-sha1, oaep-sha256 or
	// pkcs1v15.
	Padding string `yaml:"padding" env:"PADDING"`
	// SealKey is the Base64 of 32 random bytes: the AES-256-GCM key that
	// encrypts credentials at rest. Secret.
	SealKey string `yaml:"sealKey" env:"SEAL_KEY"`
	// DevKeyDir is where development keys are generated and kept when
	// PrivateKeyFile or SealKey is unset. Default: <user config dir>/zugang.
	DevKeyDir string `yaml:"devKeyDir" env:"DEV_KEY_DIR"`
}

// DecodeSealKey returns the seal key's 32 bytes, or nil when none is
// configured. Its error never contains the key.
func (c Credentials) DecodeSealKey() ([]byte, error) {
	s := strings.TrimSpace(c.SealKey)
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != aggregator.SealKeySize {
		clear(b)
		return nil, fmt.Errorf("credentials.sealKey: must be the Base64 of exactly %d bytes (generate one with `zugang keygen`)", aggregator.SealKeySize)
	}
	return b, nil
}

// Tenant is a customer of the gateway with its OAuth2 clients.
type Tenant struct {
	Name        string   `yaml:"name"` // becomes a URL component and a Redis hash tag
	Description string   `yaml:"description"`
	Clients     []Client `yaml:"clients"`
	// Webhook is stored at start when the tenant has no endpoint yet; the
	// management API changes it afterwards.
	Webhook *Webhook `yaml:"webhook"`
}

// Webhook is a tenant's notification endpoint. Without secrets one is
// generated (read it back with PUT through the management API).
type Webhook struct {
	URL        string   `yaml:"url"`
	Secrets    []string `yaml:"secrets"` // whsec_ + base64; two during a rotation
	EventTypes []string `yaml:"eventTypes"`
}

// Endpoint is w as the domain's endpoint of tenant.
func (w Webhook) Endpoint(tenant string) aggregator.WebhookEndpoint {
	e := aggregator.WebhookEndpoint{Tenant: tenant, URL: w.URL, Secrets: w.Secrets}
	for _, t := range w.EventTypes {
		e.EventTypes = append(e.EventTypes, aggregator.NotificationType(t))
	}
	return e
}

// Client is one set of OAuth2 client credentials of a tenant.
type Client struct {
	ID          string `yaml:"id"` // may contain '/'
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Secret is the plain secret (development); Load replaces it by
	// SecretSHA256 once the configuration is valid.
	Secret string `yaml:"secret"`
	// SecretSHA256 is the hex SHA-256 of the secret (production).
	SecretSHA256 string   `yaml:"secretSha256"`
	Scopes       []string `yaml:"scopes"`
	Roles        []Role   `yaml:"roles"`
	RegProtect   bool     `yaml:"regProtect"`
	// CallbackURLPrefixes are the URLs a callbackUrl must be under
	// (aggregator.CheckCallbackURL): same scheme and host, the port if the
	// prefix names one, the path at a segment boundary. Each is an http(s)
	// URL without user info, query or fragment.
	CallbackURLPrefixes []string `yaml:"callbackUrlPrefixes"`
	WebhookURL          string   `yaml:"webhookUrl"`
	// RateLimit replaces rateLimit's rules for this client and its users.
	RateLimit *ClientRateLimit `yaml:"rateLimit"`
}

// Role is a role a client offers its users.
type Role struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

// User is a user created at start unless the tenant already has one of that
// username.
type User struct {
	Tenant    string     `yaml:"tenant"`
	Username  string     `yaml:"username"`
	Password  string     `yaml:"password"`
	Firstname string     `yaml:"firstname"`
	Lastname  string     `yaml:"lastname"`
	Roles     []UserRole `yaml:"roles"`
}

// UserRole grants a user a role of one of the tenant's clients.
type UserRole struct {
	Client string `yaml:"client"`
	Role   string `yaml:"role"`
}

// Provider is one entry of the provider catalogue.
type Provider struct {
	ID               string     `yaml:"id"` // UUID
	Name             string     `yaml:"name"`
	ConsumerRelevant bool       `yaml:"consumerRelevant"`
	Group            string     `yaml:"group"` // same group, same logo
	BLZ              string     `yaml:"blz"`
	BIC              string     `yaml:"bic"`
	Capabilities     []string   `yaml:"capabilities"`
	Channels         [][]string `yaml:"channels"` // product categories sharing one SCA
	LoginHint        string     `yaml:"loginHint"`
	Fields           []Field    `yaml:"fields"`
	Adapter          string     `yaml:"adapter"` // the provider adapter type
	// Logo names an embedded logo (logos/<name>.svg) or, ending in ".svg",
	// an SVG file. Empty: the embedded logo named by Group, if any.
	Logo string `yaml:"logo"`
	// ConsentValidityDays bounds how long a granted consent lasts before the
	// gateway asks for SCA again (0: 180 days, PSD2's usual maximum).
	ConsentValidityDays int `yaml:"consentValidityDays"`
	// Settings are the adapter's own settings (the demo bank's logins,
	// latency, …), passed to it as they are.
	Settings map[string]any `yaml:"settings"`
}

// ProviderSettings returns each catalogue entry's adapter settings by
// lower-case provider id.
func (c *Config) ProviderSettings() map[string]map[string]any {
	out := make(map[string]map[string]any, len(c.Providers))
	for _, p := range c.Providers {
		settings := p.Settings
		if _, set := settings["bookingInterval"]; p.Adapter == "demo" && c.Demo.BookingInterval > 0 && !set {
			settings = maps.Clone(settings)
			if settings == nil {
				settings = map[string]any{}
			}
			settings["bookingInterval"] = c.Demo.BookingInterval.String()
		}
		if settings != nil {
			out[strings.ToLower(p.ID)] = settings
		}
	}
	return out
}

// Field is one login field of a provider.
type Field struct {
	FieldKey string `yaml:"fieldkey"` // key in the Credentials object
	Label    string `yaml:"label"`
	Secret   bool   `yaml:"secret"`
	Hint     string `yaml:"hint"`
	Format   string `yaml:"format"`
}

// LoadFromOS is Load with the process environment.
func LoadFromOS(path string) (*Config, error) { return Load(path, os.LookupEnv) }

// Load reads the configuration: the embedded defaults, then the file at path
// (none if path is ""), then the environment as seen through lookupEnv (nil:
// none). It resolves the provider catalogue, fills derived defaults,
// validates the result and replaces plain client secrets by their digests.
// A validation error joins every problem found (errors.Join), one per line.
func Load(path string, lookupEnv func(string) (string, bool)) (*Config, error) {
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	cfg := &Config{}
	if err := decodeEmbedded(embeddedDev, cfg); err != nil {
		return nil, err
	}

	var keys map[string]bool // top-level keys of the config file
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config file: %w", err)
		}
		if keys, err = topLevelKeys(path, data); err != nil {
			return nil, err
		}
		if err := decodeStrict(path, data, cfg); err != nil {
			return nil, err
		}
		if keys["providersFile"] && keys["providers"] {
			return nil, fmt.Errorf("%s: set either providersFile or providers, not both", path)
		}
		if keys["tenants"] && !keys["users"] {
			cfg.Users = nil // the dev users belong to the replaced dev tenants
		}
		if !keys["egress"] {
			cfg.Egress = Egress{} // loopback is a development convenience, never inherited
		}
	}
	fileProviders := cfg.ProvidersFile

	if err := applyEnv(cfg, lookupEnv); err != nil {
		return nil, err
	}
	if cfg.Redis.Embedded() {
		if u, ok := lookupEnv("REDIS_URL"); ok && u != "" {
			cfg.Redis.URL = u
		}
	}

	switch {
	case cfg.ProvidersFile != "":
		pf := cfg.ProvidersFile
		if pf == fileProviders && keys["providersFile"] && !filepath.IsAbs(pf) {
			pf = filepath.Join(filepath.Dir(path), pf) // relative to the config file
		}
		list, err := readProvidersFile(pf)
		if err != nil {
			return nil, err
		}
		cfg.ProvidersFile, cfg.Providers = pf, list
		resolveLogoPaths(cfg.Providers, filepath.Dir(pf))
	case keys["providers"]:
		resolveLogoPaths(cfg.Providers, filepath.Dir(path))
	default:
		var p providersDoc
		if err := decodeEmbedded(embeddedProviders, &p); err != nil {
			return nil, err
		}
		cfg.Providers = p.Providers
	}

	cfg.normalize()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.hashSecrets()
	return cfg, nil
}

// providersDoc is the shape of providers.yaml and of a providersFile.
type providersDoc struct {
	Providers []Provider `yaml:"providers"`
}

func readProvidersFile(path string) ([]Provider, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("providersFile: %w", err)
	}
	keys, err := topLevelKeys(path, data)
	if err != nil {
		return nil, err
	}
	if !keys["providers"] {
		return nil, fmt.Errorf("providersFile: %s has no providers list", path)
	}
	var p providersDoc
	if err := decodeStrict(path, data, &p); err != nil {
		return nil, err
	}
	return p.Providers, nil
}

// resolveLogoPaths makes relative logo file paths relative to dir, the
// directory of the YAML file that lists the providers.
func resolveLogoPaths(ps []Provider, dir string) {
	for i := range ps {
		if isLogoPath(ps[i].Logo) && !filepath.IsAbs(ps[i].Logo) {
			ps[i].Logo = filepath.Join(dir, ps[i].Logo)
		}
	}
}

// normalize trims list entries and lower-cases enumerations, then fills
// the derived defaults.
func (c *Config) normalize() {
	c.Server.CORSOrigins = trimList(c.Server.CORSOrigins)
	c.Server.TrustedProxies = trimList(c.Server.TrustedProxies)
	c.Redis.Addrs = trimList(c.Redis.Addrs)
	c.Log.Level = strings.ToLower(strings.TrimSpace(c.Log.Level))
	c.Log.Format = strings.ToLower(strings.TrimSpace(c.Log.Format))
	c.Credentials.Padding = strings.ToLower(strings.TrimSpace(c.Credentials.Padding))
	if c.Credentials.Padding == "" {
		c.Credentials.Padding = string(aggregator.DefaultPadding)
	}
	if c.Server.BaseURL == "" {
		c.Server.BaseURL = c.Server.defaultBaseURL()
	}
}

// trimList drops surrounding spaces and empty entries ("a, b," from the
// environment is [a b]).
func trimList(list []string) []string {
	if list == nil {
		return nil
	}
	out := list[:0:0]
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// defaultBaseURL derives the base URL from the listen address. An
// unspecified host (":8080", "0.0.0.0:8080") becomes localhost.
func (s Server) defaultBaseURL() string {
	scheme := "http"
	if s.TLS.Enabled() {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return scheme + "://" + s.Addr // Validate reports the address
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// hashSecrets replaces every plain client secret by its hex digest.
func (c *Config) hashSecrets() {
	for ti := range c.Tenants {
		for ci := range c.Tenants[ti].Clients {
			cl := &c.Tenants[ti].Clients[ci]
			if cl.Secret != "" {
				h := aggregator.HashSecret(cl.Secret)
				cl.SecretSHA256 = hex.EncodeToString(h[:])
				cl.Secret = ""
			}
		}
	}
}
