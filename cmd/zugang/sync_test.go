package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/notifier"
)

// webhookSink is the tenant's receiver: it fails its first answers and
// records every notification it accepted, by serial.
type webhookSink struct {
	srv      *httptest.Server
	secret   string
	mu       sync.Mutex
	failures int
	accepted map[int64]int
	types    map[string]int
	bad      []string
}

func newWebhookSink(t *testing.T, secret string, failures int) *webhookSink {
	s := &webhookSink{secret: secret, failures: failures, accepted: map[int64]int{}, types: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		defer s.mu.Unlock()
		if err := notifier.Verify(s.secret, body, r.Header); err != nil {
			s.bad = append(s.bad, err.Error())
		}
		if s.failures > 0 {
			s.failures--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		var n struct {
			Serial           int64
			NotificationType string
		}
		_ = json.Unmarshal(body, &n)
		s.accepted[n.Serial]++
		s.types[n.NotificationType]++
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *webhookSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.accepted)
}

// gateway is a `zugang` process of the test.
type gateway struct {
	cmd  *exec.Cmd
	base string
}

// buildZugang compiles the gateway once for the processes of a test.
func buildZugang(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "zugang")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func startGateway(t *testing.T, bin string, env map[string]string) *gateway {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	g := &gateway{cmd: cmd}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if _, after, ok := strings.Cut(lines.Text(), "serving at "); ok {
			g.base = strings.TrimSpace(after)
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	if g.base == "" {
		t.Fatalf("the gateway did not start:\n%s", stderr.String())
	}
	return g
}

// TestSyncAndWebhooksAcrossProcesses: two gateway processes on one Redis,
// the demo bank booking every second, background refreshes every second,
// a receiver that fails its first answers. One process is killed (SIGKILL)
// while it works. Every notification arrives, serials are 1..N without gap
// or repeat, and none is accepted twice.
func TestSyncAndWebhooksAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two gateway processes")
	}
	env, rdb, prefix := sharedRedisEnv(t, map[string]string{
		"ZUGANG_DEMO_BOOKING_INTERVAL": "1s", "ZUGANG_SYNC_INTERVAL": "1s", "ZUGANG_SYNC_JITTER": "200ms",
		"ZUGANG_SYNC_UNATTENDED_PER_DAY": "10000", "ZUGANG_SYNC_TICK": "100ms", "ZUGANG_SYNC_LEASE": "2s",
		"ZUGANG_WEBHOOK_TIMEOUT": "1s", "ZUGANG_WEBHOOK_RETRY_INITIAL": "100ms", "ZUGANG_WEBHOOK_RETRY_MAX": "500ms"})
	bin := buildZugang(t)
	a := startGateway(t, bin, env)
	b := startGateway(t, bin, env)

	secret := aggregator.NewWebhookSecret()
	sink := newWebhookSink(t, secret, 3)
	ca, cb := client{t: t, base: a.base}, client{t: t, base: b.base}
	admin := ca.token("demo-admin", "demo-admin-secret", url.Values{"grant_type": {"client_credentials"}})
	res, body := ca.call("PUT", "/auth/mgmt/v1/tenants/demo/webhook", http.Header{"Authorization": {"Bearer " + admin}, "Content-Type": {"application/json"}},
		`{"url":"`+sink.srv.URL+`","secret":"`+secret+`"}`)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PUT webhook: %d %s", res.StatusCode, body)
	}
	user := cb.token("demo-app", "demo-app-secret", url.Values{"grant_type": {"password"}, "username": {"demo-user"}, "password": {"demo-pass-2024"}})
	var creds bytes.Buffer
	if err := encrypt(context.Background(), []string{"-url", a.base + "/auth/credentials-key.pem", "userid=demo1", "pin=demo1"}, &creds, io.Discard); err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	res, body = cb.call("POST", "/customer/v2/bankzugaenge", http.Header{"Authorization": {"Bearer " + user}, "Content-Type": {"application/json"}},
		`{"`+id+`":{"providerId":"00000000-0000-0000-0000-000000000000","credentials":`+strings.TrimSpace(creds.String())+`,"sync":true}}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("add: %d %s", res.StatusCode, body)
	}

	waitFor := func(what string, within time.Duration, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(within)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(50 * time.Millisecond) // polling real processes; no clock to inject across them
		}
	}
	waitFor("the first notifications", 20*time.Second, func() bool { return sink.count() >= 3 })
	_ = a.cmd.Process.Kill() // SIGKILL: whatever it had claimed, its leases run out
	_ = a.cmd.Wait()
	seen := sink.count()
	waitFor("notifications after the kill", 20*time.Second, func() bool { return sink.count() >= seen+4 })
	// Stop the news: without the access, refreshes end; then everything
	// numbered must arrive.
	if res, body := cb.call("DELETE", "/customer/v2/bankzugaenge/"+id, http.Header{"Authorization": {"Bearer " + user}}, ""); res.StatusCode != http.StatusOK {
		t.Fatalf("delete: %d %s", res.StatusCode, body)
	}
	serialKey := prefix + "{t:demo}:notify:serial"
	dueKey := prefix + "{t:demo}:notify:due"
	ctx := context.Background()
	waitFor("the last deliveries", 30*time.Second, func() bool {
		last, _ := strconv.Atoi(rdb.Get(ctx, serialKey).Val())
		return last > 0 && sink.count() == last && rdb.ZCard(ctx, dueKey).Val() == 0
	})
	last, _ := strconv.Atoi(rdb.Get(ctx, serialKey).Val())
	sink.mu.Lock()
	defer sink.mu.Unlock()
	for s := int64(1); s <= int64(last); s++ {
		if sink.accepted[s] != 1 {
			t.Errorf("serial %d accepted %d times", s, sink.accepted[s])
		}
	}
	if len(sink.accepted) != last || sink.types["TRANSACTION"] == 0 || sink.types["BALANCE"] == 0 || len(sink.bad) > 0 {
		t.Errorf("accepted %d of %d serials, types %v, bad signatures %v", len(sink.accepted), last, sink.types, sink.bad)
	}
	t.Logf("%d notifications, serials 1..%d, types %v", len(sink.accepted), last, sink.types)
}

// sharedRedisEnv is the environment of gateway processes that share one
// Redis (CI's, or an embedded one) under a key prefix of their own, plus
// extra; the prefix's keys are deleted when the test ends.
func sharedRedisEnv(t *testing.T, extra map[string]string) (map[string]string, *redis.Client, string) {
	t.Helper()
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		redisURL = "redis://" + miniredis.RunT(t).Addr()
	}
	prefix := "zugangtest:" + uuid.NewString()[:8] + ":"
	env := map[string]string{"ZUGANG_ADDR": "127.0.0.1:0", "ZUGANG_REDIS_URL": redisURL, "ZUGANG_REDIS_KEY_PREFIX": prefix,
		"ZUGANG_BCRYPT_COST": "4", "ZUGANG_LOG_LEVEL": "warn", "ZUGANG_CREDENTIALS_DEV_KEY_DIR": t.TempDir()}
	maps.Copy(env, extra)
	rdb := redis.NewClient(mustRedisOptions(t, redisURL))
	t.Cleanup(func() {
		ctx := context.Background()
		for _, k := range rdb.Keys(ctx, prefix+"*").Val() {
			rdb.Del(ctx, k)
		}
		rdb.Close()
	})
	return env, rdb, prefix
}

func mustRedisOptions(t *testing.T, u string) *redis.Options {
	o, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
