package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/configs"
	"github.com/zugang/zugang/egress"
	"github.com/zugang/zugang/notifier"
	_ "github.com/zugang/zugang/providers/all" // register every provider adapter
	"github.com/zugang/zugang/regprotect"
	"github.com/zugang/zugang/sca"
	"github.com/zugang/zugang/web"
)

// Main is the running gateway: configuration, logger, store, use cases and
// HTTP server. The end-to-end test opens it on port 0.
type Main struct {
	Config     *configs.Config
	Log        *zap.Logger
	Store      *store.Store
	Auth       *aggregator.Auth
	Management *aggregator.Management
	Accesses   *aggregator.Accesses
	WebForms   *aggregator.WebForms
	Webhooks   *aggregator.Webhooks
	Dispatcher *notifier.Dispatcher
	Syncer     *aggregator.Syncer
	Server     *web.Server
	HTTP       *http.Server
	// MetricsHTTP serves /metrics on metrics.addr; nil when it is unset.
	MetricsHTTP *http.Server
	Now         aggregator.Clock

	listener        net.Listener
	metricsListener net.Listener
	closeStore      func()
}

// Open loads the configuration, connects the store, bootstraps the
// configured users and binds the listener. Nothing is served until Run.
func Open(ctx context.Context, configPath string, lookupEnv func(string) (string, bool), logOut io.Writer) (*Main, error) {
	cfg, err := configs.Load(configPath, lookupEnv)
	if err != nil {
		return nil, err
	}
	log, err := newLogger(cfg.Log, logOut)
	if err != nil {
		return nil, err
	}
	m := &Main{Config: cfg, Log: log, Now: time.Now}
	if err := m.open(ctx); err != nil {
		m.close()
		return nil, err
	}
	return m, nil
}

func (m *Main) open(ctx context.Context) error {
	cfg := m.Config
	var err error
	redis.SetLogger(redisLog{m.Log.Named("redis")})
	if cfg.Redis.Embedded() {
		m.Store, m.closeStore, err = store.OpenEmbedded(ctx, cfg.Redis.KeyPrefix)
		if err != nil {
			return fmt.Errorf("embedded store: %w", err)
		}
		m.Log.Warn("EMBEDDED STORE: nothing is persisted; all users, tokens and bank data are lost when this process exits. Set REDIS_URL (or redis.url) to use a real Redis.")
	} else {
		m.Store, err = store.Open(ctx, store.Options{URL: cfg.Redis.URL, Addrs: cfg.Redis.Addrs, MasterName: cfg.Redis.MasterName,
			Username: cfg.Redis.Username, Password: cfg.Redis.Password, DB: cfg.Redis.DB, KeyPrefix: cfg.Redis.KeyPrefix})
		if err != nil {
			return err
		}
		m.closeStore = func() { _ = m.Store.Close() }
		m.Log.Info("store connected", zap.String("redis", redactedRedis(cfg.Redis)), zap.String("keyPrefix", cfg.Redis.KeyPrefix))
	}

	dir, err := cfg.Directory()
	if err != nil {
		return err
	}
	catalogue, err := cfg.Catalogue()
	if err != nil {
		return err
	}
	m.Auth = aggregator.NewAuth(dir, m.Store, m.Now, cfg.Auth.TokenTTL, cfg.Auth.BcryptCost, m.Log.Named("auth"))
	m.Auth.Activity = m.Store
	m.Auth.Throttle = &aggregator.LoginThrottle{Store: m.Store.Throttle(), Policy: cfg.Login.ThrottlePolicy(), Log: m.Log.Named("throttle")}
	m.Store.SetLimits(cfg.Limits.Limits())
	m.Management = aggregator.NewManagement(m.Auth)
	if err := m.bootstrapUsers(ctx); err != nil {
		return err
	}
	credKey, sealer, err := loadCredentialKeys(cfg.Credentials, cfg.Redis.Embedded(), m.Log.Named("credentials"))
	if err != nil {
		return err
	}

	var tlsConfig *tls.Config // loaded before binding, so a bad key leaves no listener behind
	if cfg.Server.TLS.Enabled() {
		cert, err := tls.LoadX509KeyPair(cfg.Server.TLS.CertFile, cfg.Server.TLS.KeyFile)
		if err != nil {
			return fmt.Errorf("server.tls: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if m.listener, err = net.Listen("tcp", cfg.Server.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Server.Addr, err)
	}
	if strings.HasSuffix(cfg.Server.Addr, ":0") && strings.HasSuffix(cfg.Server.BaseURL, ":0") {
		// An ephemeral port: the derived base URL learns the real one.
		cfg.Server.BaseURL = strings.TrimSuffix(cfg.Server.BaseURL, "0") + portOf(m.listener.Addr())
	}
	banks, err := newProviderSet(catalogue, cfg.Server.BaseURL, m.Now, cfg.ProviderSettings())
	if err != nil {
		return err
	}
	guard := egress.New(cfg.Egress.Prefixes()) // every outbound call a tenant can steer goes through it
	m.Webhooks = &aggregator.Webhooks{Store: m.Store, Notes: m.Store, Sealer: sealer, Now: m.Now, Log: m.Log.Named("webhooks"),
		CheckURL: guard.CheckURL}
	if err := m.bootstrapWebhooks(ctx); err != nil {
		return err
	}
	d := cfg.Delivery
	m.Dispatcher = &notifier.Dispatcher{Store: m.Store, Endpoints: m.Webhooks, Tenants: dir.TenantNames, Timeout: d.Timeout,
		Client:   guard.Client(d.Timeout),
		Schedule: notifier.Schedule{Initial: d.RetryInitial, Max: d.RetryMax, Window: d.RetryWindow, Jitter: 0.2},
		Now:      m.Now, Log: m.Log.Named("notifier")}
	m.Accesses = &aggregator.Accesses{Store: m.Store, Providers: banks, Credentials: credKey, Sealer: sealer,
		SCA: sca.Machine{}, Directory: dir, Limits: cfg.Limits.Limits(), Now: m.Now, Log: m.Log.Named("accesses")}
	planner := &aggregator.SyncPlanner{Queue: m.Store, Now: m.Now,
		Policy: aggregator.SyncPolicy{Interval: cfg.Sync.Interval, Jitter: cfg.Sync.Jitter, UnattendedPerDay: cfg.Sync.UnattendedPerDay}}
	m.Accesses.Scheduler = planner
	m.Syncer = &aggregator.Syncer{Accesses: m.Accesses, Planner: planner, Now: m.Now, Log: m.Log.Named("sync"), Lease: cfg.Sync.Lease}
	base := cfg.Server.BaseURL
	m.WebForms = &aggregator.WebForms{Store: m.Store, Accesses: m.Accesses, Providers: catalogue, Directory: dir,
		ReturnURL: func(id string) string { return base + regprotect.BasePath + "/" + url.PathEscape(id) },
		TTL:       cfg.WebForm.SessionTTL, Now: m.Now, Log: m.Log.Named("webform")}
	gate := &aggregator.RegProtectGate{Accesses: m.Accesses, Forms: m.WebForms}
	form := regprotect.New(regprotect.Options{Forms: m.WebForms, Providers: catalogue, BaseURL: base,
		TTL: cfg.WebForm.SessionTTL, FormBodyBytes: int64(cfg.Limits.FormBodyBytes), Log: m.Log.Named("webform")})
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.Server = web.New(web.Options{BaseURL: cfg.Server.BaseURL, CORSOrigins: cfg.Server.CORSOrigins, TrustedProxies: cfg.Server.TrustedProxies,
		Auth: m.Auth, Management: m.Management, Providers: catalogue, Accesses: gate, Redirects: m.Accesses, WebForm: form, WebForms: m.WebForms, Webhooks: m.Webhooks, CredentialKey: credKey, Ready: m.Store,
		RateLimits: cfg.RateLimits(m.Store.RateLimiter()), Log: m.Log.Named("http"), Metrics: registry, Now: m.Now,
		Limits:       web.Limits{JSONBodyBytes: int64(cfg.Limits.JSONBodyBytes), FormBodyBytes: int64(cfg.Limits.FormBodyBytes)},
		MetricsToken: cfg.Metrics.Token, MetricsElsewhere: cfg.Metrics.Addr != ""})
	m.HTTP = &http.Server{
		Handler:           m.Server,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // bank calls may be slow
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          zap.NewStdLog(m.Log.Named("http.server")),
	}
	if tlsConfig != nil {
		m.HTTP.TLSConfig = tlsConfig
		m.listener = tls.NewListener(m.listener, tlsConfig)
	}
	return m.openMetrics()
}

// openMetrics binds metrics.addr, when set: /metrics is served there (in
// plain HTTP, for a scraper on a private network) and not on the API's
// listener.
func (m *Main) openMetrics() error {
	addr := m.Config.Metrics.Addr
	if addr == "" {
		return nil
	}
	var err error
	if m.metricsListener, err = net.Listen("tcp", addr); err != nil {
		return fmt.Errorf("metrics.addr: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Server.MetricsHandler())
	m.MetricsHTTP = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          zap.NewStdLog(m.Log.Named("metrics.server")),
	}
	return nil
}

// bootstrapUsers creates the configured users that do not exist yet.
func (m *Main) bootstrapUsers(ctx context.Context) error {
	for i, u := range m.Config.Users {
		roles := make([]aggregator.RoleRef, len(u.Roles))
		for j, r := range u.Roles {
			roles[j] = aggregator.RoleRef{Client: r.Client, Role: r.Role}
		}
		in := aggregator.NewUser{Username: u.Username, Password: u.Password, Firstname: u.Firstname, Lastname: u.Lastname}
		if _, _, err := m.Management.EnsureUser(ctx, u.Tenant, in, roles); err != nil {
			return fmt.Errorf("users[%d]: %w", i, err)
		}
	}
	return nil
}

// bootstrapWebhooks stores the configured endpoints of tenants that have none.
func (m *Main) bootstrapWebhooks(ctx context.Context) error {
	for i, t := range m.Config.Tenants {
		if t.Webhook == nil {
			continue
		}
		if err := m.Webhooks.EnsureEndpoint(ctx, t.Webhook.Endpoint(t.Name)); err != nil {
			return fmt.Errorf("tenants[%d].webhook: %w", i, err)
		}
	}
	return nil
}

// URL is the public base URL.
func (m *Main) URL() string { return m.Config.Server.BaseURL }

// Addr is the address the listener is bound to.
func (m *Main) Addr() net.Addr { return m.listener.Addr() }

// Run serves until ctx is cancelled, then shuts down gracefully: readiness
// fails first, in-flight requests finish (up to server.shutdownTimeout),
// then the store closes.
func (m *Main) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- m.HTTP.Serve(m.listener) }()
	var metricsErrc chan error // nil without a metrics listener: never ready
	if m.MetricsHTTP != nil {
		metricsErrc = make(chan error, 1)
		go func() { metricsErrc <- m.MetricsHTTP.Serve(m.metricsListener) }()
		m.Log.Info("serving metrics", zap.String("addr", m.metricsListener.Addr().String()))
	}
	// Background work stops before the store closes.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var work sync.WaitGroup
	work.Go(func() { m.Dispatcher.Run(workCtx) })
	work.Go(func() { m.Syncer.Run(workCtx, m.Config.Sync.Tick) })
	stopWorkers := func() { stopWork(); work.Wait() }
	m.Log.Info("serving", zap.String("addr", m.Addr().String()), zap.String("baseURL", m.URL()))
	select {
	case err := <-errc:
		if m.MetricsHTTP != nil {
			_ = m.MetricsHTTP.Close()
		}
		stopWorkers()
		m.close()
		return fmt.Errorf("serve: %w", err)
	case err := <-metricsErrc:
		_ = m.HTTP.Close()
		stopWorkers()
		m.close()
		return fmt.Errorf("serve metrics: %w", err)
	case <-ctx.Done():
	}
	m.Log.Info("shutting down", zap.Duration("timeout", m.Config.Server.ShutdownTimeout))
	m.Server.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), m.Config.Server.ShutdownTimeout)
	defer cancel()
	err := m.HTTP.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if m.MetricsHTTP != nil {
		if merr := m.MetricsHTTP.Shutdown(sctx); merr != nil && err == nil {
			err = merr
		}
		if serr := <-metricsErrc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	stopWorkers()
	m.close()
	m.Log.Info("stopped")
	_ = m.Log.Sync()
	return err
}

// close releases what open acquired; after Run has served, Shutdown has
// already closed the listener and closing it again is harmless.
func (m *Main) close() {
	if m.listener != nil {
		_ = m.listener.Close()
	}
	if m.metricsListener != nil {
		_ = m.metricsListener.Close()
	}
	if m.closeStore != nil {
		m.closeStore()
		m.closeStore = nil
	}
}

func portOf(a net.Addr) string {
	_, port, _ := net.SplitHostPort(a.String())
	return port
}

// redactedRedis describes the Redis target without credentials.
func redactedRedis(r configs.Redis) string {
	if r.URL != "" {
		if i := strings.LastIndex(r.URL, "@"); i >= 0 {
			scheme, _, _ := strings.Cut(r.URL, "://")
			return scheme + "://" + r.URL[i+1:]
		}
		return r.URL
	}
	return strings.Join(r.Addrs, ",")
}
