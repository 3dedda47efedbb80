package configs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/zugang/zugang/aggregator"
)

const demoProviderID = "00000000-0000-0000-0000-000000000000"

// envMap is an injected environment.
func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// writeFile writes a file into dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustLoad(t *testing.T, path string, environ map[string]string) *Config {
	t.Helper()
	cfg, err := Load(path, envMap(environ))
	if err != nil {
		t.Fatalf("Load(%q): %v", path, err)
	}
	return cfg
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestEmbeddedDefaults(t *testing.T) {
	cfg := mustLoad(t, "", nil)

	want := Config{
		Server: Server{
			Addr: "127.0.0.1:8080", BaseURL: "http://127.0.0.1:8080",
			ShutdownTimeout: 15 * time.Second, CORSOrigins: []string{"*"},
		},
		Redis:       Redis{KeyPrefix: "zugang:"},
		Log:         Log{Level: "info", Format: "console"},
		Auth:        Auth{TokenTTL: 24 * time.Hour, BcryptCost: 10},
		Credentials: Credentials{Padding: "oaep-sha1"},
		WebForm:     WebForm{SessionTTL: 15 * time.Minute},
		Delivery:    Delivery{Timeout: 10 * time.Second, RetryInitial: 10 * time.Second, RetryMax: time.Hour, RetryWindow: 24 * time.Hour},
		Sync:        Sync{Interval: 6 * time.Hour, Jitter: 30 * time.Minute, UnattendedPerDay: 4, Tick: time.Second, Lease: 2 * time.Minute},
	}
	if !reflect.DeepEqual(cfg.Server, want.Server) || !reflect.DeepEqual(cfg.Redis, want.Redis) ||
		cfg.Log != want.Log || cfg.Auth != want.Auth || cfg.Credentials != want.Credentials {
		t.Errorf("defaults:\n got %+v %+v %+v %+v\nwant %+v %+v %+v %+v",
			cfg.Server, cfg.Redis, cfg.Log, cfg.Auth, want.Server, want.Redis, want.Log, want.Auth)
	}
	if k, err := cfg.Credentials.DecodeSealKey(); k != nil || err != nil {
		t.Errorf("default seal key: %d bytes, %v", len(k), err)
	}
	if !cfg.Redis.Embedded() {
		t.Error("default Redis is not embedded")
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("loaded defaults do not validate again: %v", err)
	}

	// Plain secrets are replaced by their digests at load.
	for _, tn := range cfg.Tenants {
		for _, cl := range tn.Clients {
			if cl.Secret != "" {
				t.Errorf("client %s: plain secret kept after Load", cl.ID)
			}
		}
	}
	if got := cfg.Tenants[0].Clients[0].SecretSHA256; got != sha256Hex("demo-app-secret") {
		t.Errorf("demo-app secretSha256 = %s", got)
	}

	dir, err := cfg.Directory()
	if err != nil {
		t.Fatal(err)
	}
	tn, ok := dir.Tenant("demo")
	if !ok || tn.Description != "A tenant for demonstration purposes" || len(tn.Clients) != 3 {
		t.Fatalf("tenant demo = %+v, %v", tn, ok)
	}
	if rp, ok := dir.Client("demo-regprotect"); !ok || !rp.RegProtect || !rp.SecretMatches("demo-regprotect-secret") ||
		!slices.Equal(rp.CallbackURLPrefixes, []string{"http://localhost", "http://127.0.0.1"}) {
		t.Errorf("demo-regprotect = %+v, %v", rp, ok)
	}
	app, ok := dir.Client("demo-app")
	if !ok {
		t.Fatal("no client demo-app")
	}
	if !app.SecretMatches("demo-app-secret") || app.SecretMatches("demo-admin-secret") {
		t.Error("demo-app does not authenticate with exactly its secret")
	}
	if app.Tenant != "demo" || app.Name != "Demo App" || app.RegProtect || app.WebhookURL != "" {
		t.Errorf("demo-app = %+v", app)
	}
	if !app.Scopes.Has(aggregator.ScopeCustomerUeberweisung) || app.Scopes.Has(aggregator.ScopeUsersCreate) || len(app.Scopes) != 4 {
		t.Errorf("demo-app scopes = %v", app.Scopes)
	}
	if r, ok := app.Role("customer"); !ok || r.Description != "End user of the demo app" {
		t.Errorf("demo-app role customer = %+v, %v", r, ok)
	}
	if !slices.Equal(app.CallbackURLPrefixes, []string{"http://127.0.0.1", "http://localhost"}) {
		t.Errorf("demo-app callbackUrlPrefixes = %v", app.CallbackURLPrefixes)
	}
	admin, ok := dir.Client("demo-admin")
	if !ok || !admin.SecretMatches("demo-admin-secret") || len(admin.Scopes) != 12 ||
		!admin.Scopes.Has(aggregator.ScopeUsersCreate) || !admin.Scopes.Has(aggregator.ScopeRolesModify) || !admin.Scopes.Has(aggregator.ScopeWebhookModify) {
		t.Errorf("demo-admin = %+v, %v", admin, ok)
	}

	wantUsers := []User{{Tenant: "demo", Username: "demo-user", Password: "demo-pass-2024", Firstname: "Demo", Lastname: "User",
		Roles: []UserRole{{Client: "demo-app", Role: "customer"}}}}
	if !reflect.DeepEqual(cfg.Users, wantUsers) {
		t.Errorf("users = %+v", cfg.Users)
	}

	cat, err := cfg.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	p, err := cat.Provider(context.Background(), demoProviderID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Demo Provider" || p.BIC != "DEMO1234" || p.BLZ != "12345678" || !p.ConsumerRelevant || p.Adapter != "demo" ||
		!slices.Equal(p.Capabilities, []string{"KONTEN", "KARTEN", "DEPOTS"}) || len(p.Channels) != 3 ||
		!slices.Equal(p.Channels[0], []aggregator.ProductCategory{"GIROKONTO", "SPARKONTO", "TAGESGELDKONTO"}) {
		t.Errorf("demo provider = %+v", p)
	}
	if len(p.Fields) != 2 || p.Fields[0] != (aggregator.LoginField{Key: "userid", Label: "Demo-User", Hint: "demo1 … demo5", Format: "|5"}) ||
		!p.Fields[1].Secret || p.Fields[1].Key != "pin" {
		t.Errorf("demo provider fields = %+v", p.Fields)
	}
	if p.Logo != "demo" || len(p.LogoSVG) == 0 {
		t.Errorf("demo provider logo = %q (%d bytes)", p.Logo, len(p.LogoSVG))
	}
	if svg, err := cat.Logo(context.Background(), "demo"); err != nil || !bytes.Equal(svg, p.LogoSVG) {
		t.Errorf("Logo(demo) = %d bytes, %v", len(svg), err)
	}
}

func TestDemoLogoIsSmallValidSVG(t *testing.T) {
	svg, ok := embeddedLogo("demo")
	if !ok {
		t.Fatal("no embedded demo logo")
	}
	if len(svg) >= 2048 {
		t.Errorf("demo.svg has %d bytes, want < 2 KiB", len(svg))
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var root string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("demo.svg is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Space + " " + se.Name.Local
		}
	}
	if root != "http://www.w3.org/2000/svg svg" {
		t.Errorf("root element = %q", root)
	}
}

// TestDirectoryClearsSecret covers a Config built by hand: Directory itself
// replaces the plain secret.
func TestDirectoryClearsSecret(t *testing.T) {
	cfg := &Config{Tenants: []Tenant{{Name: "t", Clients: []Client{
		{ID: "plain", Secret: "plain-secret"},
		{ID: "hashed", SecretSHA256: strings.ToUpper(sha256Hex("hashed-secret"))},
	}}}}
	dir, err := cfg.Directory()
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Tenants[0].Clients[0].Secret; s != "" {
		t.Errorf("Secret still set after Directory: %q", s)
	}
	for id, secret := range map[string]string{"plain": "plain-secret", "hashed": "hashed-secret"} {
		cl, ok := dir.Client(id)
		if !ok || !cl.SecretMatches(secret) || cl.Tenant != "t" {
			t.Errorf("client %s = %+v, %v", id, cl, ok)
		}
	}
	// Idempotent: a second conversion gives the same digests.
	dir2, err := cfg.Directory()
	if err != nil {
		t.Fatal(err)
	}
	if cl, _ := dir2.Client("plain"); !cl.SecretMatches("plain-secret") {
		t.Error("second Directory lost the secret")
	}

	cfg.Tenants[0].Clients[1].SecretSHA256 = "zz"
	if _, err := cfg.Directory(); err == nil || !strings.Contains(err.Error(), "tenants[0].clients[1]") {
		t.Errorf("bad digest: %v", err)
	}
}

func TestFileOverridesDefaults(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, c *Config)
	}{
		{"empty file keeps defaults", "", func(t *testing.T, c *Config) {
			if c.Server.Addr != "127.0.0.1:8080" || len(c.Tenants) != 1 || len(c.Users) != 1 || len(c.Providers) != 1 {
				t.Errorf("got %+v", c)
			}
		}},
		{"a file without egress allows no private network", "log:\n  level: warn\n", func(t *testing.T, c *Config) {
			if len(c.Egress.AllowNetworks) != 0 || len(c.Egress.Prefixes()) != 0 {
				t.Errorf("egress = %v, want none inherited from the development defaults", c.Egress.AllowNetworks)
			}
		}},
		{"a file's egress and a client's rate limit", "egress:\n  allowNetworks: [10.1.0.0/16]\ntenants:\n  - name: acme\n    clients:\n      - id: app\n        secret: app-secret-1\n        rateLimit:\n          perUser: {requests: 5, period: 1s}\n", func(t *testing.T, c *Config) {
			if p := c.Egress.Prefixes(); len(p) != 1 || p[0].String() != "10.1.0.0/16" {
				t.Errorf("egress = %v", p)
			}
			rl := c.RateLimits(nil)
			if o := rl.Clients["app"]; o.PerUser == nil || o.PerUser.Requests != 5 || o.PerClient != nil || rl.PerUser.Requests != 600 {
				t.Errorf("rate limits = %+v, overrides %+v", rl, rl.Clients)
			}
		}},
		{"comments only", "# nothing here\n", func(t *testing.T, c *Config) {
			if c.Auth.BcryptCost != 10 {
				t.Errorf("bcryptCost = %d", c.Auth.BcryptCost)
			}
		}},
		{"scalars replace, siblings stay", "server:\n  addr: 0.0.0.0:9090\nlog:\n  level: DEBUG\nauth:\n  tokenTTL: 1h\n", func(t *testing.T, c *Config) {
			if c.Server.Addr != "0.0.0.0:9090" || c.Server.ShutdownTimeout != 15*time.Second || c.Log.Level != "debug" ||
				c.Log.Format != "console" || c.Auth.TokenTTL != time.Hour || c.Auth.BcryptCost != 10 {
				t.Errorf("got %+v %+v %+v", c.Server, c.Log, c.Auth)
			}
			if c.Server.BaseURL != "http://localhost:9090" {
				t.Errorf("derived baseURL = %q", c.Server.BaseURL)
			}
		}},
		{"lists replace", "server:\n  corsOrigins: [https://a.example, https://b.example:8443]\n", func(t *testing.T, c *Config) {
			if !slices.Equal(c.Server.CORSOrigins, []string{"https://a.example", "https://b.example:8443"}) {
				t.Errorf("corsOrigins = %v", c.Server.CORSOrigins)
			}
		}},
		{"tls makes the derived baseURL https", "server:\n  addr: api.example.com:8443\n  tls: {certFile: c.pem, keyFile: k.pem}\n", func(t *testing.T, c *Config) {
			if c.Server.BaseURL != "https://api.example.com:8443" || !c.Server.TLS.Enabled() {
				t.Errorf("baseURL = %q", c.Server.BaseURL)
			}
		}},
		{"explicit baseURL", "server:\n  baseURL: https://zugang.example.com/gw\n", func(t *testing.T, c *Config) {
			if c.Server.BaseURL != "https://zugang.example.com/gw" {
				t.Errorf("baseURL = %q", c.Server.BaseURL)
			}
		}},
		{"tenants replace the dev tenants and drop the dev users", `
tenants:
  - name: acme
    clients:
      - id: acme/app
        secretSha256: ` + sha256Hex("acme-secret") + `
        scopes: [http://banksapi.io/customer/read]
`, func(t *testing.T, c *Config) {
			if len(c.Tenants) != 1 || c.Tenants[0].Name != "acme" || len(c.Users) != 0 {
				t.Fatalf("tenants %+v users %+v", c.Tenants, c.Users)
			}
			dir, err := c.Directory()
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := dir.Tenant("demo"); ok {
				t.Error("demo tenant survived")
			}
			if cl, ok := dir.Client("acme/app"); !ok || !cl.SecretMatches("acme-secret") {
				t.Errorf("acme/app = %+v, %v", cl, ok)
			}
		}},
		{"tenants and users from the file", `
tenants:
  - name: acme
    clients:
      - {id: app, secret: s, roles: [{name: member}]}
users:
  - {tenant: acme, username: alice, password: "alice-pw-42", roles: [{client: app, role: member}]}
`, func(t *testing.T, c *Config) {
			if len(c.Users) != 1 || c.Users[0].Username != "alice" {
				t.Errorf("users = %+v", c.Users)
			}
		}},
		{"users replaced, tenants kept", "users: []\n", func(t *testing.T, c *Config) {
			if len(c.Users) != 0 || len(c.Tenants) != 1 {
				t.Errorf("tenants %d users %d", len(c.Tenants), len(c.Users))
			}
		}},
		{"redis settings", "redis:\n  addrs: [r1:6379, r2:6379]\n  keyPrefix: \"zg:\"\n", func(t *testing.T, c *Config) {
			if c.Redis.Embedded() || len(c.Redis.Addrs) != 2 || c.Redis.KeyPrefix != "zg:" {
				t.Errorf("redis = %+v", c.Redis)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "zugang.yaml", tt.yaml)
			tt.check(t, mustLoad(t, path, nil))
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error, besides the file name
	}{
		{"unknown top-level key", "sever:\n  addr: x:1\n", []string{`:1: unknown key "sever"`}},
		{"unknown nested key", "server:\n  adress: x:1\n", []string{`:2: unknown key "adress"`, "Server"}},
		{"unknown client key", "tenants:\n  - name: a\n    clients:\n      - id: c\n        secrt: x\n", []string{`:5: unknown key "secrt"`, "Client"}},
		{"several unknown keys", "sever: 1\nlogg: 2\n", []string{`"sever"`, `"logg"`}},
		{"wrong type", "auth:\n  bcryptCost: ten\n", []string{":2:", "whole number"}},
		{"bad duration", "auth:\n  tokenTTL: 5\n", []string{":2:", "duration"}},
		{"syntax", "server:\n  addr: [\n", []string{"zugang.yaml"}},
		{"two documents", "log: {level: info}\n---\nlog: {level: debug}\n", []string{"more than one YAML document"}},
		{"not a mapping", "- a\n- b\n", []string{"mapping"}},
		{"providersFile and providers", "providersFile: p.yaml\nproviders: []\n", []string{"providersFile or providers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "zugang.yaml", tt.yaml)
			_, err := Load(path, nil)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range append(tt.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *Config)
		want   string
	}{
		{"addr", func(c *Config) { c.Server.Addr = "x" }, `server.addr: "x" is not host:port`},
		{"addr port", func(c *Config) { c.Server.Addr = "localhost:http" }, `server.addr: "localhost:http" is not host:port`},
		{"baseURL relative", func(c *Config) { c.Server.BaseURL = "/api" }, "server.baseURL: must be an absolute http(s) URL without trailing slash"},
		{"baseURL trailing slash", func(c *Config) { c.Server.BaseURL = "https://a.example/" }, "server.baseURL: must be an absolute http(s) URL without trailing slash"},
		{"baseURL scheme", func(c *Config) { c.Server.BaseURL = "ftp://a.example" }, "server.baseURL: must be an absolute"},
		{"baseURL query", func(c *Config) { c.Server.BaseURL = "https://a.example?x=1" }, "server.baseURL: must not have a query"},
		{"tls half", func(c *Config) { c.Server.TLS.CertFile = "c.pem" }, "server.tls: certFile and keyFile must be set together"},
		{"shutdownTimeout", func(c *Config) { c.Server.ShutdownTimeout = -time.Second }, "server.shutdownTimeout: must not be negative"},
		{"corsOrigins", func(c *Config) { c.Server.CORSOrigins = []string{"*", "https://a.example/path"} }, "server.corsOrigins[1]:"},
		{"trustedProxies", func(c *Config) { c.Server.TrustedProxies = []string{"10.0.0.0/8", "proxy.local"} }, "server.trustedProxies[1]: must be an IP address or a CIDR prefix"},
		{"limits zero", func(c *Config) { c.Limits.AccessesPerUser = 0 }, "limits.accessesPerUser: must be at least 1"},
		{"limits per request above per user", func(c *Config) { c.Limits.AccessesPerRequest = 60 }, "limits.accessesPerRequest: must not exceed accessesPerUser"},
		{"limits body", func(c *Config) { c.Limits.JSONBodyBytes = -1 }, "limits.jsonBodyBytes: must be at least 1"},
		{"rateLimit negative", func(c *Config) { c.RateLimit.PerUser.Requests = -1 }, "rateLimit.perUser.requests: must not be negative"},
		{"rateLimit period", func(c *Config) { c.RateLimit.PerClient.Period = time.Millisecond }, "rateLimit.perClient.period: must be at least 1s"},
		{"rateLimit of a client", func(c *Config) {
			c.Tenants[0].Clients[0].RateLimit = &ClientRateLimit{PerUser: &RateRule{Requests: 5, Burst: -1, Period: time.Minute}}
		}, "tenants[0].clients[0].rateLimit.perUser.burst: must not be negative"},
		{"loginThrottle free", func(c *Config) { c.Login.FreeFailures = 0 }, "loginThrottle.freeFailures: must be at least 1"},
		{"loginThrottle max below base", func(c *Config) { c.Login.MaxDelay = time.Millisecond }, "loginThrottle.maxDelay: must not be below baseDelay"},
		{"loginThrottle account", func(c *Config) { c.Login.AccountFailures = 3 }, "loginThrottle.accountFailures: must exceed freeFailures"},
		{"egress", func(c *Config) { c.Egress.AllowNetworks = []string{"127.0.0.1"} }, "egress.allowNetworks[0]: must be a CIDR prefix"},
		{"metrics addr", func(c *Config) { c.Metrics.Addr = "nowhere" }, "metrics.addr: is not host:port"},
		{"redis url and addrs", func(c *Config) { c.Redis.URL, c.Redis.Addrs = "redis://r:6379", []string{"r:6379"} }, "redis: set either url or addrs, not both"},
		{"redis url scheme", func(c *Config) { c.Redis.URL = "http://r:6379" }, "redis.url: must be a redis://, rediss:// or unix:// URL"},
		{"redis addrs", func(c *Config) { c.Redis.Addrs = []string{"r:6379", "r2"} }, `redis.addrs[1]: "r2" is not host:port`},
		{"redis masterName", func(c *Config) { c.Redis.MasterName = "m" }, "redis.masterName: needs redis.addrs"},
		{"redis db negative", func(c *Config) { c.Redis.DB = -1 }, "redis.db: must not be negative"},
		{"redis db cluster", func(c *Config) { c.Redis.Addrs, c.Redis.DB = []string{"a:1", "b:1"}, 2 }, "redis.db: Redis Cluster"},
		{"redis keyPrefix", func(c *Config) { c.Redis.KeyPrefix = "{x}:" }, "redis.keyPrefix: must not contain braces"},
		{"log level", func(c *Config) { c.Log.Level = "verbose" }, "log.level: must be one of debug, info, warn, error"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, "log.format: must be json or console"},
		{"tokenTTL", func(c *Config) { c.Auth.TokenTTL = 0 }, "auth.tokenTTL: must be positive"},
		{"bcryptCost low", func(c *Config) { c.Auth.BcryptCost = 3 }, "auth.bcryptCost: must be between 4 and 31"},
		{"bcryptCost high", func(c *Config) { c.Auth.BcryptCost = 32 }, "auth.bcryptCost: must be between 4 and 31"},
		{"credentials padding", func(c *Config) { c.Credentials.Padding = "oaep-md5" }, "credentials.padding: must be one of oaep-sha1, oaep-sha256, pkcs1v15"},
		{"credentials certificate without key", func(c *Config) { c.Credentials.CertificateFile = "cert.pem" }, "credentials.certificateFile: needs credentials.privateKeyFile"},
		{"credentials sealKey not Base64", func(c *Config) { c.Credentials.SealKey = "not base64!" }, "credentials.sealKey: must be the Base64 of exactly 32 bytes"},
		{"credentials sealKey short", func(c *Config) { c.Credentials.SealKey = base64.StdEncoding.EncodeToString(make([]byte, 16)) }, "credentials.sealKey: must be the Base64 of exactly 32 bytes"},
		{"credentials sealKey long", func(c *Config) { c.Credentials.SealKey = base64.StdEncoding.EncodeToString(make([]byte, 33)) }, "credentials.sealKey:"},
		{"credentials sealKey unpadded", func(c *Config) { c.Credentials.SealKey = base64.RawStdEncoding.EncodeToString(make([]byte, 32)) }, "credentials.sealKey:"},
		{"no tenants", func(c *Config) { c.Tenants, c.Users = nil, nil }, "tenants: at least one tenant is required"},
		{"tenant name", func(c *Config) { c.Tenants[0].Name = "Demo Tenant" }, `tenants[0].name: "Demo Tenant" must match`},
		{"tenant name long", func(c *Config) { c.Tenants[0].Name = strings.Repeat("a", 64) }, "tenants[0].name:"},
		{"tenant twice", func(c *Config) { c.Tenants = append(c.Tenants, Tenant{Name: "demo"}) }, `tenants[1].name: tenant "demo" is defined twice`},
		{"client id empty", func(c *Config) { c.Tenants[0].Clients[1].ID = "" }, "tenants[0].clients[1].id: required"},
		{"client id space", func(c *Config) { c.Tenants[0].Clients[1].ID = "demo admin" }, "tenants[0].clients[1].id:"},
		{"client id control", func(c *Config) { c.Tenants[0].Clients[1].ID = "demo\x00admin" }, "tenants[0].clients[1].id:"},
		{"client id colon", func(c *Config) { c.Tenants[0].Clients[1].ID = "demo:admin" }, "tenants[0].clients[1].id:"},
		{"client id twice", func(c *Config) { c.Tenants[0].Clients[1].ID = "demo-app" }, `tenants[0].clients[1].id: client "demo-app" is already defined at tenants[0].clients[0]`},
		{"client id twice across tenants", func(c *Config) {
			c.Tenants = append(c.Tenants, Tenant{Name: "other", Clients: []Client{{ID: "demo-app", Secret: "x"}}})
		}, "tenants[1].clients[0].id: client \"demo-app\" is already defined"},
		{"no secret", func(c *Config) { c.Tenants[0].Clients[1].SecretSHA256 = "" }, "tenants[0].clients[1]: one of secret or secretSha256 is required"},
		{"both secrets", func(c *Config) { c.Tenants[0].Clients[1].Secret = "x" }, "tenants[0].clients[1]: set only one of secret or secretSha256"},
		{"secretSha256 short", func(c *Config) { c.Tenants[0].Clients[1].SecretSHA256 = "abcd" }, "tenants[0].clients[1].secretSha256: must be 64 hexadecimal characters"},
		{"secretSha256 not hex", func(c *Config) { c.Tenants[0].Clients[1].SecretSHA256 = strings.Repeat("g", 64) }, "tenants[0].clients[1].secretSha256:"},
		{"scope empty", func(c *Config) { c.Tenants[0].Clients[0].Scopes[2] = "" }, "tenants[0].clients[0].scopes[2]: must not be empty"},
		{"scope space", func(c *Config) { c.Tenants[0].Clients[0].Scopes[2] = "a b" }, "tenants[0].clients[0].scopes[2]:"},
		{"scope twice", func(c *Config) { c.Tenants[0].Clients[0].Scopes[1] = c.Tenants[0].Clients[0].Scopes[0] }, "tenants[0].clients[0].scopes[1]: scope"},
		{"role empty", func(c *Config) { c.Tenants[0].Clients[0].Roles[1].Name = "" }, "tenants[0].clients[0].roles[1].name: required"},
		{"role twice", func(c *Config) { c.Tenants[0].Clients[0].Roles[1].Name = "customer" }, `tenants[0].clients[0].roles[1].name: role "customer" is defined twice`},
		{"callback prefix", func(c *Config) { c.Tenants[0].Clients[0].CallbackURLPrefixes[1] = "localhost" }, "tenants[0].clients[0].callbackUrlPrefixes[1]: must be an absolute http(s) URL"},
		{"callback prefix userinfo", func(c *Config) { c.Tenants[0].Clients[0].CallbackURLPrefixes[0] = "https://u:p@a.example" }, "tenants[0].clients[0].callbackUrlPrefixes[0]: must not contain user info"},
		{"callback prefix query", func(c *Config) { c.Tenants[0].Clients[0].CallbackURLPrefixes[0] = "https://a.example/cb?x=1" }, "tenants[0].clients[0].callbackUrlPrefixes[0]: must not have a query or fragment"},
		{"callback prefix fragment", func(c *Config) { c.Tenants[0].Clients[0].CallbackURLPrefixes[0] = "https://a.example/cb#f" }, "tenants[0].clients[0].callbackUrlPrefixes[0]: must not have a query or fragment"},
		{"callback prefix trailing dot", func(c *Config) { c.Tenants[0].Clients[0].CallbackURLPrefixes[0] = "http://localhost." }, "tenants[0].clients[0].callbackUrlPrefixes[0]: has an invalid host"},
		{"callback prefix backslash", func(c *Config) { c.Tenants[0].Clients[0].CallbackURLPrefixes[0] = `http:\\localhost` }, "tenants[0].clients[0].callbackUrlPrefixes[0]: must not contain backslashes"},
		{"webhookUrl", func(c *Config) { c.Tenants[0].Clients[0].WebhookURL = "mailto:x@example.com" }, "tenants[0].clients[0].webhookUrl: must be an absolute http(s) URL"},
		{"tenant webhook url", func(c *Config) { c.Tenants[0].Webhook = &Webhook{URL: "hooks.example.com"} }, "tenants[0].webhook: url must be an absolute http(s) URL"},
		{"tenant webhook secret", func(c *Config) {
			c.Tenants[0].Webhook = &Webhook{URL: "https://hooks.example.com", Secrets: []string{"whsec_c2VjcmV0LXZhbHVl"}}
		}, "tenants[0].webhook: secrets[0] must be whsec_ followed by 24 to 64 bytes in base64"},
		{"tenant webhook event", func(c *Config) {
			c.Tenants[0].Webhook = &Webhook{URL: "https://hooks.example.com", EventTypes: []string{"PAYMENT"}}
		}, `tenants[0].webhook: eventTypes: "PAYMENT" is not one of TRANSACTION, BALANCE, ERROR`},
		{"user tenant unknown", func(c *Config) { c.Users[0].Tenant = "x" }, `users[0].tenant: unknown tenant "x"`},
		{"user tenant missing", func(c *Config) { c.Users[0].Tenant = "" }, "users[0].tenant: required"},
		{"user username", func(c *Config) { c.Users[0].Username = "" }, "users[0].username: username is required"},
		{"user username space", func(c *Config) { c.Users[0].Username = "demo user" }, "users[0].username: username must not contain spaces"},
		{"user twice", func(c *Config) { c.Users = append(c.Users, c.Users[0]) }, `users[1].username: user "demo-user" of tenant "demo" is already defined at users[0]`},
		{"user password short", func(c *Config) { c.Users[0].Password = "short-1" }, "users[0].password: password must be at least 10 characters long"},
		{"user password letters", func(c *Config) { c.Users[0].Password = "1234567890" }, "users[0].password: password must contain at least 2 letters"},
		{"user password special", func(c *Config) { c.Users[0].Password = "abcdefghijk" }, "users[0].password: password must contain at least 2 special characters"},
		{"user role client", func(c *Config) { c.Users[0].Roles[0].Client = "nope" }, `users[0].roles[0].client: tenant "demo" has no client "nope"`},
		{"user role role", func(c *Config) { c.Users[0].Roles[0].Role = "boss" }, `users[0].roles[0].role: client "demo-app" has no role "boss"`},
		{"user role empty", func(c *Config) { c.Users[0].Roles[0].Role = "" }, "users[0].roles[0].role: required"},
		{"provider id", func(c *Config) { c.Providers[0].ID = "demo" }, `providers[0].id: "demo" is not a UUID`},
		{"provider twice", func(c *Config) { c.Providers = append(c.Providers, c.Providers[0]) }, "providers[1].id: provider " + demoProviderID + " is already defined at providers[0]"},
		{"provider name", func(c *Config) { c.Providers[0].Name = "" }, "providers[0].name: required"},
		{"provider adapter", func(c *Config) { c.Providers[0].Adapter = "" }, "providers[0].adapter: required"},
		{"provider fields", func(c *Config) { c.Providers[0].Fields = nil }, "providers[0].fields: at least one login field is required"},
		{"provider fieldkey", func(c *Config) { c.Providers[0].Fields[1].FieldKey = "userid" }, `providers[0].fields[1].fieldkey: "userid" is listed twice`},
		{"provider label", func(c *Config) { c.Providers[0].Fields[0].Label = "" }, "providers[0].fields[0].label: required"},
		{"provider channel", func(c *Config) { c.Providers[0].Channels[1] = []string{"KREDITKARTE", "CASH"} }, `providers[0].channels[1][1]: "CASH" is not a product category`},
		{"provider capability", func(c *Config) { c.Providers[0].Capabilities[0] = "" }, "providers[0].capabilities[0]:"},
		{"provider logo", func(c *Config) { c.Providers[0].Logo = "nologo" }, `providers[0].logo: no embedded logo "nologo"`},
		{"provider logo file", func(c *Config) { c.Providers[0].Logo = "/nonexistent/x.svg" }, "providers[0].logo:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoad(t, "", nil)
			tt.mutate(c)
			err := c.Validate()
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := mustLoad(t, "", nil)
	c.Server.Addr = "nope"
	c.Log.Level = "loud"
	c.Auth.BcryptCost = 1
	c.Users[0].Tenant = "ghost"
	err := c.Validate()
	for _, w := range []string{"server.addr:", "log.level:", "auth.bcryptCost:", "users[0].tenant:"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 4 {
		t.Errorf("%d problems, want 4: %v", n, err)
	}
}

func TestEnvOverrides(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		file  string // optional config file
		check func(t *testing.T, c *Config)
	}{
		{"addr and derived baseURL", map[string]string{"ZUGANG_ADDR": ":9999"}, "", func(t *testing.T, c *Config) {
			if c.Server.Addr != ":9999" || c.Server.BaseURL != "http://localhost:9999" {
				t.Errorf("addr %q baseURL %q", c.Server.Addr, c.Server.BaseURL)
			}
		}},
		{"baseURL", map[string]string{"ZUGANG_BASE_URL": "https://gw.example.com"}, "", func(t *testing.T, c *Config) {
			if c.Server.BaseURL != "https://gw.example.com" {
				t.Errorf("baseURL %q", c.Server.BaseURL)
			}
		}},
		{"env beats file", map[string]string{"ZUGANG_ADDR": "127.0.0.1:7000", "ZUGANG_LOG_FORMAT": "JSON"}, "server:\n  addr: 127.0.0.1:6000\n  baseURL: https://file.example\n", func(t *testing.T, c *Config) {
			if c.Server.Addr != "127.0.0.1:7000" || c.Server.BaseURL != "https://file.example" || c.Log.Format != "json" {
				t.Errorf("got %+v %+v", c.Server, c.Log)
			}
		}},
		{"tls", map[string]string{"ZUGANG_TLS_CERT_FILE": "c.pem", "ZUGANG_TLS_KEY_FILE": "k.pem"}, "", func(t *testing.T, c *Config) {
			if c.Server.TLS != (TLS{CertFile: "c.pem", KeyFile: "k.pem"}) || c.Server.BaseURL != "https://127.0.0.1:8080" {
				t.Errorf("tls %+v baseURL %q", c.Server.TLS, c.Server.BaseURL)
			}
		}},
		{"durations, numbers, level", map[string]string{"ZUGANG_TOKEN_TTL": "90m", "ZUGANG_SHUTDOWN_TIMEOUT": "3s", "ZUGANG_BCRYPT_COST": "12", "ZUGANG_LOG_LEVEL": "warn"}, "", func(t *testing.T, c *Config) {
			if c.Auth.TokenTTL != 90*time.Minute || c.Server.ShutdownTimeout != 3*time.Second || c.Auth.BcryptCost != 12 || c.Log.Level != "warn" {
				t.Errorf("got %+v %+v %+v", c.Auth, c.Server, c.Log)
			}
		}},
		{"cors list", map[string]string{"ZUGANG_CORS_ORIGINS": "https://a.example, https://b.example,"}, "", func(t *testing.T, c *Config) {
			if !slices.Equal(c.Server.CORSOrigins, []string{"https://a.example", "https://b.example"}) {
				t.Errorf("corsOrigins %q", c.Server.CORSOrigins)
			}
		}},
		{"empty variable changes nothing", map[string]string{"ZUGANG_ADDR": "", "ZUGANG_CORS_ORIGINS": ""}, "", func(t *testing.T, c *Config) {
			if c.Server.Addr != "127.0.0.1:8080" || !slices.Equal(c.Server.CORSOrigins, []string{"*"}) {
				t.Errorf("got %+v", c.Server)
			}
		}},
		{"redis url", map[string]string{"ZUGANG_REDIS_URL": "redis://localhost:6379/2", "ZUGANG_REDIS_KEY_PREFIX": "t1:"}, "", func(t *testing.T, c *Config) {
			if c.Redis.URL != "redis://localhost:6379/2" || c.Redis.Embedded() || c.Redis.KeyPrefix != "t1:" {
				t.Errorf("redis %+v", c.Redis)
			}
		}},
		{"sentinel", map[string]string{"ZUGANG_REDIS_ADDRS": "s1:26379,s2:26379", "ZUGANG_REDIS_MASTER_NAME": "mymaster", "ZUGANG_REDIS_PASSWORD": "pw", "ZUGANG_REDIS_USERNAME": "u", "ZUGANG_REDIS_DB": "3"}, "", func(t *testing.T, c *Config) {
			want := Redis{Addrs: []string{"s1:26379", "s2:26379"}, MasterName: "mymaster", Username: "u", Password: "pw", DB: 3, KeyPrefix: "zugang:"}
			if !reflect.DeepEqual(c.Redis, want) {
				t.Errorf("redis %+v", c.Redis)
			}
		}},
		{"plain REDIS_URL fallback", map[string]string{"REDIS_URL": "redis://ci:6379"}, "", func(t *testing.T, c *Config) {
			if c.Redis.URL != "redis://ci:6379" {
				t.Errorf("url %q", c.Redis.URL)
			}
		}},
		{"ZUGANG_REDIS_URL beats REDIS_URL", map[string]string{"REDIS_URL": "redis://ci:6379", "ZUGANG_REDIS_URL": "redis://mine:6379"}, "", func(t *testing.T, c *Config) {
			if c.Redis.URL != "redis://mine:6379" {
				t.Errorf("url %q", c.Redis.URL)
			}
		}},
		{"empty ZUGANG_REDIS_URL falls back to REDIS_URL", map[string]string{"REDIS_URL": "redis://ci:6379", "ZUGANG_REDIS_URL": ""}, "", func(t *testing.T, c *Config) {
			if c.Redis.URL != "redis://ci:6379" {
				t.Errorf("url %q", c.Redis.URL)
			}
		}},
		{"file redis beats REDIS_URL", map[string]string{"REDIS_URL": "redis://ci:6379"}, "redis:\n  url: redis://file:6379\n", func(t *testing.T, c *Config) {
			if c.Redis.URL != "redis://file:6379" {
				t.Errorf("url %q", c.Redis.URL)
			}
		}},
		{"file addrs: REDIS_URL ignored", map[string]string{"REDIS_URL": "redis://ci:6379"}, "redis:\n  addrs: [c1:7000, c2:7000]\n", func(t *testing.T, c *Config) {
			if c.Redis.URL != "" || len(c.Redis.Addrs) != 2 {
				t.Errorf("redis %+v", c.Redis)
			}
		}},
		{"ZUGANG_REDIS_ADDRS: REDIS_URL ignored", map[string]string{"REDIS_URL": "redis://ci:6379", "ZUGANG_REDIS_ADDRS": "r:6379"}, "", func(t *testing.T, c *Config) {
			if c.Redis.URL != "" || !slices.Equal(c.Redis.Addrs, []string{"r:6379"}) {
				t.Errorf("redis %+v", c.Redis)
			}
		}},
		{"credentials", map[string]string{
			"ZUGANG_CREDENTIALS_PRIVATE_KEY_FILE": "/keys/key.pem", "ZUGANG_CREDENTIALS_CERTIFICATE_FILE": "/keys/cert.pem",
			"ZUGANG_CREDENTIALS_PADDING": " OAEP-SHA256 ", "ZUGANG_CREDENTIALS_SEAL_KEY": testSealKey + "\n", "ZUGANG_CREDENTIALS_DEV_KEY_DIR": "/tmp/zk",
		}, "", func(t *testing.T, c *Config) {
			want := Credentials{PrivateKeyFile: "/keys/key.pem", CertificateFile: "/keys/cert.pem", Padding: "oaep-sha256", SealKey: testSealKey + "\n", DevKeyDir: "/tmp/zk"}
			if c.Credentials != want {
				t.Errorf("credentials = %+v", c.Credentials)
			}
			if k, err := c.Credentials.DecodeSealKey(); err != nil || len(k) != 32 || k[0] != 1 || k[31] != 32 {
				t.Errorf("DecodeSealKey: %v", err)
			}
		}},
		{"credentials env beats file", map[string]string{"ZUGANG_CREDENTIALS_PADDING": "pkcs1v15"},
			"credentials:\n  privateKeyFile: k.pem\n  padding: oaep-sha256\n  sealKey: " + testSealKey + "\n", func(t *testing.T, c *Config) {
				if c.Credentials.Padding != "pkcs1v15" || c.Credentials.PrivateKeyFile != "k.pem" || c.Credentials.SealKey != testSealKey {
					t.Errorf("credentials = padding %q, file %q", c.Credentials.Padding, c.Credentials.PrivateKeyFile)
				}
			}},
		{"unrelated variables ignored", map[string]string{"ADDR": "x", "ZUGANG_ADDRS": "y", "ZUGANG_0_NAME": "z"}, "", func(t *testing.T, c *Config) {
			if c.Server.Addr != "127.0.0.1:8080" || len(c.Tenants) != 1 {
				t.Errorf("got %+v", c.Server)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, t.TempDir(), "zugang.yaml", tt.file)
			}
			tt.check(t, mustLoad(t, path, tt.env))
		})
	}
}

func TestEnvErrors(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"ZUGANG_TOKEN_TTL": "forever"}, []string{"ZUGANG_TOKEN_TTL: not a duration"}},
		{map[string]string{"ZUGANG_REDIS_DB": "first", "ZUGANG_SHUTDOWN_TIMEOUT": "10"}, []string{"ZUGANG_REDIS_DB: not a whole number", "ZUGANG_SHUTDOWN_TIMEOUT: not a duration"}},
		{map[string]string{"ZUGANG_ADDR": "nohost"}, []string{`server.addr: "nohost" is not host:port`}},
		{map[string]string{"ZUGANG_BCRYPT_COST": "99"}, []string{"auth.bcryptCost: must be between 4 and 31"}},
	}
	for _, tt := range tests {
		_, err := Load("", envMap(tt.env))
		for _, w := range tt.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("env %v: error %v lacks %q", tt.env, err, w)
			}
		}
		for k, v := range tt.env {
			if err != nil && strings.Contains(err.Error(), `"`+v+`"`) && !strings.HasPrefix(k, "ZUGANG_ADDR") {
				t.Errorf("error quotes the value of %s: %v", k, err)
			}
		}
	}
}

const otherProviderID = "11111111-2222-3333-4444-555555555555"

func providersYAML(logo string) string {
	return `providers:
  - id: ` + otherProviderID + `
    name: Other Bank
    bic: OTHRDEFF
    adapter: xs2a
    capabilities: [KONTEN]
    fields: [{fieldkey: userid, label: Anmeldename}, {fieldkey: pin, label: PIN, secret: true}]
    logo: ` + logo + "\n"
}

const testSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>`

func TestProvidersSources(t *testing.T) {
	t.Run("providersFile in the config file, relative paths", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "catalogue/logos/other.svg", testSVG)
		writeFile(t, dir, "catalogue/providers.yaml", providersYAML("logos/other.svg"))
		cfgPath := writeFile(t, dir, "zugang.yaml", "providersFile: catalogue/providers.yaml\n")
		c := mustLoad(t, cfgPath, nil)
		if c.ProvidersFile != filepath.Join(dir, "catalogue/providers.yaml") {
			t.Errorf("providersFile = %q", c.ProvidersFile)
		}
		cat, err := c.Catalogue()
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := cat.Provider(ctx, demoProviderID); err == nil {
			t.Error("the embedded demo provider survived a providersFile")
		}
		p, err := cat.Provider(ctx, otherProviderID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Logo != "other" || string(p.LogoSVG) != testSVG {
			t.Errorf("logo %q %q", p.Logo, p.LogoSVG)
		}
		if svg, err := cat.Logo(ctx, "other"); err != nil || string(svg) != testSVG {
			t.Errorf("Logo(other) = %q, %v", svg, err)
		}
	})
	t.Run("ZUGANG_PROVIDERS_FILE", func(t *testing.T) {
		pf := writeFile(t, t.TempDir(), "p.yaml", providersYAML("demo"))
		c := mustLoad(t, "", map[string]string{"ZUGANG_PROVIDERS_FILE": pf})
		if len(c.Providers) != 1 || c.Providers[0].ID != otherProviderID {
			t.Fatalf("providers = %+v", c.Providers)
		}
		cat, err := c.Catalogue()
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := cat.Provider(context.Background(), otherProviderID); p.Logo != "demo" || len(p.LogoSVG) == 0 {
			t.Errorf("embedded logo by name: %q", p.Logo)
		}
	})
	t.Run("env providersFile beats the file's providers", func(t *testing.T) {
		dir := t.TempDir()
		pf := writeFile(t, dir, "p.yaml", providersYAML("demo"))
		cfgPath := writeFile(t, dir, "zugang.yaml", "providers: []\n")
		c := mustLoad(t, cfgPath, map[string]string{"ZUGANG_PROVIDERS_FILE": pf})
		if len(c.Providers) != 1 {
			t.Errorf("providers = %+v", c.Providers)
		}
	})
	t.Run("providers in the config file", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "other.svg", testSVG)
		cfgPath := writeFile(t, dir, "zugang.yaml", providersYAML("other.svg"))
		c := mustLoad(t, cfgPath, nil)
		cat, err := c.Catalogue()
		if err != nil {
			t.Fatal(err)
		}
		if got := cat.Providers(context.Background(), ""); len(got) != 1 || string(got[0].LogoSVG) != testSVG {
			t.Errorf("providers = %+v", got)
		}
	})
	t.Run("empty providers list", func(t *testing.T) {
		c := mustLoad(t, writeFile(t, t.TempDir(), "zugang.yaml", "providers: []\n"), nil)
		if len(c.Providers) != 0 {
			t.Errorf("providers = %+v", c.Providers)
		}
	})
	t.Run("group logo and none", func(t *testing.T) {
		c := mustLoad(t, "", nil)
		c.Providers[0].Logo = ""
		c.Providers = append(c.Providers, Provider{ID: otherProviderID, Name: "No Logo", Group: "nologo", Adapter: "demo",
			Fields: []Field{{FieldKey: "userid", Label: "User"}}})
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		cat, err := c.Catalogue()
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if p, _ := cat.Provider(ctx, demoProviderID); p.Logo != "demo" || len(p.LogoSVG) == 0 {
			t.Errorf("group logo: %q", p.Logo)
		}
		if p, _ := cat.Provider(ctx, otherProviderID); p.Logo != otherProviderID || len(p.LogoSVG) != 0 {
			t.Errorf("no logo: %q %d", p.Logo, len(p.LogoSVG))
		}
	})
	t.Run("two logo files with one name", func(t *testing.T) {
		dir := t.TempDir()
		a := writeFile(t, dir, "a/logo.svg", testSVG)
		b := writeFile(t, dir, "b/logo.svg", strings.Replace(testSVG, "rect", "circle", 2))
		c := &Config{Providers: []Provider{
			{ID: demoProviderID, Name: "A", Adapter: "demo", Fields: []Field{{FieldKey: "k", Label: "K"}}, Logo: a},
			{ID: otherProviderID, Name: "B", Adapter: "demo", Fields: []Field{{FieldKey: "k", Label: "K"}}, Logo: b},
		}}
		cat, err := c.Catalogue()
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		pa, _ := cat.Provider(ctx, demoProviderID)
		pb, _ := cat.Provider(ctx, otherProviderID)
		if pa.Logo != "logo" || pb.Logo != otherProviderID || bytes.Equal(pa.LogoSVG, pb.LogoSVG) {
			t.Errorf("logos %q %q", pa.Logo, pb.Logo)
		}
	})
	t.Run("errors", func(t *testing.T) {
		dir := t.TempDir()
		noList := writeFile(t, dir, "nolist.yaml", "provider: []\n")
		unknown := writeFile(t, dir, "unknown.yaml", "providers:\n  - id: "+otherProviderID+"\n    colour: red\n")
		notSVG := writeFile(t, dir, "fake.svg", "hello")
		badLogo := writeFile(t, dir, "badlogo.yaml", providersYAML(notSVG))
		for _, tt := range []struct {
			file string
			want string
		}{
			{noList, "nolist.yaml"},
			{unknown, `unknown key "colour"`},
			{filepath.Join(dir, "missing.yaml"), "missing.yaml"},
			{badLogo, "providers[0].logo: " + notSVG + ": not an SVG image"},
		} {
			_, err := Load("", envMap(map[string]string{"ZUGANG_PROVIDERS_FILE": tt.file}))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: error %v lacks %q", tt.file, err, tt.want)
			}
		}
	})
}

// testSealKey is the Base64 of the bytes 1..32.
var testSealKey = func() string {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(i + 1)
	}
	return base64.StdEncoding.EncodeToString(b)
}()

func TestSealKeyNeverInErrors(t *testing.T) {
	for _, key := range []string{"SEALKEY-SECRET-NOT-BASE64", base64.StdEncoding.EncodeToString([]byte("SEALKEY-SECRET-16b")), testSealKey[:40]} {
		_, err := Load("", envMap(map[string]string{"ZUGANG_CREDENTIALS_SEAL_KEY": key}))
		if err == nil || !strings.Contains(err.Error(), "credentials.sealKey") {
			t.Fatalf("err = %v", err)
		}
		checkNoSecrets(t, err, key, key[:10], "SEALKEY")
		path := writeFile(t, t.TempDir(), "zugang.yaml", "credentials:\n  sealKey: "+key+"\n")
		_, err = Load(path, nil)
		if err == nil {
			t.Fatal("no error")
		}
		checkNoSecrets(t, err, key, key[:10], "SEALKEY")
	}
	// A type error of yaml.v3 would quote the value.
	_, err := Load(writeFile(t, t.TempDir(), "zugang.yaml", "credentials:\n  sealKey: [SEALKEY-SECRET]\n"), nil)
	if err == nil {
		t.Fatal("no error")
	}
	checkNoSecrets(t, err, "SEALKEY")
}

// TestNoSecretsInErrors loads broken configurations that carry secrets and
// checks that no error repeats them.
func TestNoSecretsInErrors(t *testing.T) {
	const (
		secret   = "S3CRET-client-value"
		password = "Pw-SECRET" // too short: breaks the policy
		digest   = "DIGEST-SECRET-not-hex"
		redisPW  = "REDIS-PW-SECRET"
		webhook  = "TOKEN-IN-URL-SECRET"
	)
	yaml := `
redis:
  url: http://user:` + redisPW + `@redis.example:6379
tenants:
  - name: Bad Name
    clients:
      - id: both
        secret: ` + secret + `
        secretSha256: ` + digest + `
      - id: bad-digest
        secretSha256: ` + digest + `
      - id: bad-webhook
        secret: ` + secret + `
        webhookUrl: "ftp://hooks.example/` + webhook + `"
        callbackUrlPrefixes: ["//` + webhook + `"]
users:
  - tenant: Bad Name
    username: someone
    password: ` + password + `
`
	path := writeFile(t, t.TempDir(), "zugang.yaml", yaml)
	_, err := Load(path, envMap(map[string]string{"ZUGANG_REDIS_PASSWORD": redisPW}))
	if err == nil {
		t.Fatal("no error")
	}
	checkNoSecrets(t, err, secret, password, digest, redisPW, webhook)
	for _, w := range []string{"redis.url", "tenants[0].clients[0]: set only one", "tenants[0].clients[1].secretSha256",
		"tenants[0].clients[2].webhookUrl", "tenants[0].clients[2].callbackUrlPrefixes[0]", "users[0].password"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}

	// Type errors: yaml.v3 quotes the offending value; we must not.
	for _, doc := range []string{
		"auth:\n  bcryptCost: " + secret + "\n",
		"tenants:\n  - name: a\n    clients:\n      - id: x\n        regProtect: " + secret + "\n",
		"users: " + secret + "\n",
	} {
		_, err := Load(writeFile(t, t.TempDir(), "zugang.yaml", doc), nil)
		if err == nil {
			t.Fatalf("no error for %q", doc)
		}
		checkNoSecrets(t, err, secret, secret[:7])
	}

	// Directory on a hand-made config with a bad digest.
	c := &Config{Tenants: []Tenant{{Name: "t", Clients: []Client{{ID: "c", SecretSHA256: digest}}}}}
	if _, err := c.Directory(); err == nil {
		t.Error("no error for a bad digest")
	} else {
		checkNoSecrets(t, err, digest)
	}
}

func checkNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error contains the secret %q:\n%v", s, err)
		}
	}
}

// TestDocListsEnvVars keeps the package documentation's table of
// environment variables complete.
func TestDocListsEnvVars(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	params, err := env.GetFieldParamsWithOptions(&Config{}, env.Options{Prefix: EnvPrefix, Environment: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	if listed := bytes.Count(doc, []byte("//\t"+EnvPrefix)); listed != len(params) {
		t.Errorf("%d environment variables, the doc lists %d", len(params), listed)
	}
	for _, p := range params {
		if !bytes.Contains(doc, []byte("//\t"+p.Key+" ")) {
			t.Errorf("doc.go does not list %s", p.Key)
		}
	}
}
