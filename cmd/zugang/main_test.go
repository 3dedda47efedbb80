package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator/store/storetest"
)

// testEnv is the environment of one test gateway: port 0, and the real
// Redis of CI under a key prefix of its own when REDIS_URL is set.
func testEnv(t testing.TB) map[string]string {
	env := map[string]string{"ZUGANG_ADDR": "127.0.0.1:0", "ZUGANG_BCRYPT_COST": "4", "ZUGANG_LOG_LEVEL": "warn",
		"ZUGANG_CREDENTIALS_DEV_KEY_DIR": t.TempDir()}
	if u := os.Getenv("REDIS_URL"); u != "" {
		env["REDIS_URL"] = u
		env["ZUGANG_REDIS_KEY_PREFIX"] = "zugangtest:" + uuid.NewString()[:8] + ":"
	}
	return env
}

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// lockedBuffer collects log output written from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startMain opens Main like `zugang serve` does and runs it until cleanup.
func startMain(t testing.TB, env map[string]string) (*Main, string) {
	t.Helper()
	m, banner, _ := startMainLogged(t, env)
	return m, banner
}

// startMainLogged is startMain that also returns everything Main logged.
func startMainLogged(t testing.TB, env map[string]string) (*Main, string, *lockedBuffer) {
	t.Helper()
	return startMainConfig(t, "", env)
}

// startMainConfig is startMainLogged with a configuration file ("": none).
func startMainConfig(t testing.TB, configPath string, env map[string]string) (*Main, string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	m, err := Open(ctx, configPath, lookup(env), logs)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var banner bytes.Buffer
	m.PrintBanner(ctx, &banner)
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	if env["ZUGANG_REDIS_KEY_PREFIX"] != "" { // runs before the shutdown above (cleanups are LIFO)
		t.Cleanup(func() {
			for _, k := range storetest.Keys(t, m.Store) {
				m.Store.Client().Del(context.Background(), k)
			}
		})
	}
	return m, banner.String(), logs
}

type client struct {
	t    testing.TB
	base string
}

func (c client) call(method, path string, header http.Header, body string) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header = header
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func (c client) token(id, secret string, form url.Values) string {
	c.t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	req, _ := http.NewRequest("POST", "", nil)
	req.SetBasicAuth(id, secret)
	h.Set("Authorization", req.Header.Get("Authorization"))
	res, body := c.call("POST", "/auth/oauth2/token", h, form.Encode())
	if res.StatusCode != 200 {
		c.t.Fatalf("token: %d %s", res.StatusCode, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil {
		c.t.Fatal(err)
	}
	return tok.AccessToken
}

// TestWalkthrough runs the README's walkthrough against a real listener.
func TestWalkthrough(t *testing.T) {
	m, banner := startMain(t, testEnv(t))
	base := m.URL()
	if strings.HasSuffix(base, ":0") || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("base URL %q must carry the bound port", base)
	}
	for _, want := range []string{"serving at " + base, "demo-admin / demo-admin-secret", "demo-user / demo-pass-2024",
		"demo-regprotect / demo-regprotect-secret",
		"curl -s -u demo-admin:demo-admin-secret -d grant_type=client_credentials " + base + "/auth/oauth2/token"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	c := client{t: t, base: base}
	admin := c.token("demo-admin", "demo-admin-secret", url.Values{"grant_type": {"client_credentials"}})
	res, body := c.call("POST", "/auth/mgmt/v1/tenants/demo/users",
		http.Header{"Authorization": {"Bearer " + admin}, "Content-Type": {"application/json"}},
		`{"username":"erika","password":"erika-pass-42"}`)
	if res.StatusCode != 201 || !strings.HasPrefix(res.Header.Get("Location"), base+"/auth/mgmt/v1/tenants/demo/users/") {
		t.Fatalf("create user: %d %v %s", res.StatusCode, res.Header, body)
	}
	user := c.token("demo-app", "demo-app-secret", url.Values{"grant_type": {"password"}, "username": {"erika"}, "password": {"erika-pass-42"}})
	res, body = c.call("GET", "/providers/v2/00000000-0000-0000-0000-000000000000", http.Header{"Authorization": {"Bearer " + user}}, "")
	var p struct {
		Name      string `json:"name"`
		BIC       string `json:"bic"`
		Relations []struct{ Rel, Href string }
	}
	if err := json.Unmarshal(body, &p); err != nil || res.StatusCode != 200 || p.Name != "Demo Provider" || p.BIC != "DEMO1234" {
		t.Fatalf("provider: %d %s", res.StatusCode, body)
	}
	for _, r := range p.Relations {
		res, _ := c.call("GET", strings.TrimPrefix(r.Href, base), http.Header{"Authorization": {"Bearer " + user}}, "")
		if res.StatusCode != 200 {
			t.Errorf("relation %s → %s: %d", r.Rel, r.Href, res.StatusCode)
		}
	}
	// The bootstrap user can log in.
	c.token("demo-app", "demo-app-secret", url.Values{"grant_type": {"password"}, "username": {"demo-user"}, "password": {"demo-pass-2024"}})
	if res, body := c.call("GET", "/readyz", nil, ""); res.StatusCode != 200 {
		t.Errorf("readyz: %d %s", res.StatusCode, body)
	}
}

func TestShutdownStopsServing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	m, err := Open(ctx, "", lookup(map[string]string{"ZUGANG_ADDR": "127.0.0.1:0", "ZUGANG_LOG_LEVEL": "error"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	c := client{t: t, base: m.URL()}
	if res, _ := c.call("GET", "/healthz", nil, ""); res.StatusCode != 200 {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	if _, err := http.Get(m.URL() + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}
}

func TestRunCommands(t *testing.T) {
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badConfig, []byte("server:\n  adress: 127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		stdout  string
		errWant string
	}{
		{"version", []string{"version"}, nil, "zugang dev\n", ""},
		{"help", []string{"help"}, nil, "usage:", ""},
		{"unknown command", []string{"frobnicate"}, nil, "", `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "-nope"}, nil, "", "flag provided but not defined"},
		{"stray argument", []string{"serve", "extra"}, nil, "", `unexpected argument "extra"`},
		{"unknown config key", []string{"-config", badConfig}, nil, "", `unknown key "adress"`},
		{"config from env", nil, map[string]string{"ZUGANG_CONFIG": badConfig}, "", `unknown key "adress"`},
		{"bad addr flag", []string{"-addr", "nohostport"}, nil, "", "server.addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tt.args, lookup(tt.env), &out, &errOut)
			if tt.errWant == "" && err != nil {
				t.Fatalf("err = %v", err)
			}
			if tt.errWant != "" && (err == nil || !strings.Contains(err.Error()+errOut.String(), tt.errWant)) {
				t.Fatalf("err = %v (stderr %q), want %q", err, errOut.String(), tt.errWant)
			}
			if !strings.HasPrefix(out.String(), tt.stdout) {
				t.Errorf("stdout %q, want prefix %q", out.String(), tt.stdout)
			}
		})
	}
}

func TestAddrFlagBeatsEnvironment(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"ZUGANG_ADDR": "127.0.0.1:1", "ZUGANG_LOG_LEVEL": "error"}
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-addr", "127.0.0.1:0"}, lookup(env), pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var serving string
	for serving == "" && lines.Scan() {
		if strings.Contains(lines.Text(), "serving at") {
			serving = lines.Text()
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // the rest of the banner
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(serving, "serving at http://127.0.0.1:") || strings.HasSuffix(serving, "127.0.0.1:1") {
		t.Errorf("banner line %q: -addr must win over ZUGANG_ADDR", serving)
	}
}
