package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

// DefaultKeyPrefix is the key prefix used when none is configured.
const DefaultKeyPrefix = "zugang:"

// Options says how to reach Redis.
//
// URL, when set, wins over Addrs, MasterName and DB: redis://, rediss:// (TLS)
// or unix:// for one node, or a cluster URL naming further nodes with addr
// query parameters (redis://h1:6379?addr=h2:6379&addr=h3:6379). Username and
// Password, when set, replace the URL's credentials, so the password need not
// be part of the URL.
//
// Without URL, Addrs selects the topology as redis.NewUniversalClient does:
// one address is a single node, MasterName makes the addresses Sentinels,
// several addresses are a Cluster (which knows only DB 0).
type Options struct {
	URL        string
	Addrs      []string
	MasterName string
	Username   string
	Password   string
	DB         int
	KeyPrefix  string // "zugang:" when empty; must not contain '{' or '}'
}

// Store implements aggregator.Store on Redis. It is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	reads  redis.Cmdable // hot reads (token lookups): autopipelined when the client supports it
	prefix string
	now    func() time.Time  // prunes expired index entries; Redis expiry uses the server clock anyway
	limits aggregator.Limits // enforced atomically where records are created

	// failBeforeOutbox, set only by tests, fails a save after its data is
	// queued and before its notifications are (see export_test.go).
	failBeforeOutbox func() error
}

var _ aggregator.Store = (*Store)(nil)

// New returns a Store on an existing client. It panics if prefix contains a
// hash-tag brace, which would break the cluster slot layout; Open returns an
// error instead.
func New(client redis.UniversalClient, prefix string) *Store {
	p, err := checkPrefix(prefix)
	if err != nil {
		panic(err)
	}
	return &Store{client: client, reads: hotReads(client), prefix: p, now: time.Now}
}

// SetLimits makes the store refuse a user's access or a tenant's user
// beyond the limits (zero fields: none). Call it before the store is used.
func (s *Store) SetLimits(l aggregator.Limits) { s.limits = l }

// autoPipeliner is implemented by go-redis's single-node, Sentinel and
// Cluster clients.
type autoPipeliner interface {
	AsyncAutoPipeline() (*redis.AutoPipeliner, error)
}

// hotReads returns the client for the read on every authenticated request.
// go-redis's autopipeliner coalesces concurrent commands into one round trip
// (a lone command still goes out at once), which under load saves a write
// and a read syscall per request on both sides. Its commands run on its own
// context, so a caller's deadline does not cut them short; a token lookup is
// one short HGETALL, which makes that harmless. Clients without it use the
// plain client.
func hotReads(client redis.UniversalClient) redis.Cmdable {
	if c, ok := client.(autoPipeliner); ok {
		if ap, err := c.AsyncAutoPipeline(); err == nil {
			return ap
		}
	}
	return client
}

func checkPrefix(prefix string) (string, error) {
	if prefix == "" {
		return DefaultKeyPrefix, nil
	}
	if strings.ContainsAny(prefix, "{}") {
		return "", fmt.Errorf("store: key prefix %q must not contain '{' or '}'", prefix)
	}
	return prefix, nil
}

// Open connects to Redis as o says and pings it once. An error names the
// address but never the password.
func Open(ctx context.Context, o Options) (*Store, error) {
	prefix, err := checkPrefix(o.KeyPrefix)
	if err != nil {
		return nil, err
	}
	client, where, err := newClient(o)
	if err != nil {
		return nil, scrub(err, o.Password, urlPassword(o.URL))
	}
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("store: Redis at %s does not answer: %w", where, scrub(err, o.Password, urlPassword(o.URL)))
	}
	return New(client, prefix), nil
}

// newClient builds the client and a description of where it connects.
func newClient(o Options) (redis.UniversalClient, string, error) {
	if o.URL != "" {
		u, err := url.Parse(o.URL)
		if err != nil {
			// url.Parse's error quotes the whole URL, password included.
			return nil, "", errors.New("store: the Redis URL is malformed")
		}
		if u.Query().Has("addr") {
			co, err := redis.ParseClusterURL(o.URL)
			if err != nil {
				return nil, "", fmt.Errorf("store: Redis cluster URL: %w", err)
			}
			overrideCredentials(&co.Username, &co.Password, o)
			return redis.NewClusterClient(co), "cluster " + strings.Join(co.Addrs, ","), nil
		}
		so, err := redis.ParseURL(o.URL)
		if err != nil {
			return nil, "", fmt.Errorf("store: Redis URL: %w", err)
		}
		overrideCredentials(&so.Username, &so.Password, o)
		return redis.NewClient(so), so.Addr, nil
	}
	if len(o.Addrs) == 0 {
		return nil, "", errors.New("store: no Redis address configured (set a URL or addresses)")
	}
	where := strings.Join(o.Addrs, ",")
	switch {
	case o.MasterName != "":
		where = "master " + o.MasterName + " via sentinels " + where
	case len(o.Addrs) > 1:
		if o.DB != 0 {
			return nil, "", fmt.Errorf("store: Redis Cluster %s has only database 0, not %d", where, o.DB)
		}
		where = "cluster " + where
	}
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:      o.Addrs,
		MasterName: o.MasterName,
		Username:   o.Username,
		Password:   o.Password,
		DB:         o.DB,
	})
	return client, where, nil
}

func overrideCredentials(user, pw *string, o Options) {
	if o.Username != "" {
		*user = o.Username
	}
	if o.Password != "" {
		*pw = o.Password
	}
}

// urlPassword extracts the password of a Redis URL, "" if none or malformed.
func urlPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}

// scrub replaces any secret that occurs in err's text; err is kept as is
// (and stays unwrappable) when none does.
func scrub(err error, secrets ...string) error {
	msg := err.Error()
	changed := false
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "xxxxx")
			changed = true
		}
	}
	if !changed {
		return err
	}
	return errors.New(msg)
}

// OpenEmbedded starts an in-process miniredis and opens a Store on it through
// the same code as Open. Nothing is persisted. The returned function stops the
// server and closes the client; call it once when done.
//
// miniredis expires keys only when told to, so a background ticker advances
// its TTLs by the elapsed real time every second: keys expire at most about a
// second late or early.
func OpenEmbedded(ctx context.Context, prefix string) (*Store, func(), error) {
	srv, err := miniredis.Run()
	if err != nil {
		return nil, nil, fmt.Errorf("store: start embedded Redis: %w", err)
	}
	s, err := Open(ctx, Options{Addrs: []string{srv.Addr()}, KeyPrefix: prefix})
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		last := time.Now()
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				srv.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	closer := sync.OnceFunc(func() {
		close(stop)
		wg.Wait()
		_ = s.Close()
		srv.Close()
	})
	return s, closer, nil
}

// Client returns the underlying go-redis client (for other stores sharing the
// connection pool, and for tests).
func (s *Store) Client() redis.UniversalClient { return s.client }

// Prefix returns the key prefix every key of this store starts with.
func (s *Store) Prefix() string { return s.prefix }

// Close closes the client.
func (s *Store) Close() error { return s.client.Close() }

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return unavailable("store.Ping", err)
	}
	return nil
}

// unavailable wraps a backend failure; the message is client-safe.
func unavailable(op string, err error) error {
	return &aggregator.Error{Kind: aggregator.KindUnavailable, Op: op, Message: "storage unavailable", Err: err}
}

// Key construction; see the package doc for the schema.

// esc escapes one variable key component.
func esc(s string) string { return url.QueryEscape(s) }

// userTag is the hash tag shared by all keys of one user.
func userTag(tenant, id string) string { return "{t:" + esc(tenant) + ":u:" + esc(id) + "}" }

// tenantTag is the hash tag shared by a tenant's indexes.
func tenantTag(tenant string) string { return "{t:" + esc(tenant) + "}" }

func (s *Store) userKey(tenant, id string) string {
	return s.prefix + userTag(tenant, id) + ":user"
}

func (s *Store) rolesKey(tenant, id string) string {
	return s.prefix + userTag(tenant, id) + ":roles"
}

func (s *Store) tokensKey(tenant, id string) string {
	return s.prefix + userTag(tenant, id) + ":tokens"
}

func (s *Store) usernamesKey(tenant string) string {
	return s.prefix + tenantTag(tenant) + ":usernames"
}

func (s *Store) usersKey(tenant string) string {
	return s.prefix + tenantTag(tenant) + ":users"
}

func (s *Store) roleKey(tenant, client, role string) string {
	return s.prefix + tenantTag(tenant) + ":role:" + esc(client) + ":" + esc(role)
}

func (s *Store) tokenKey(digest string) string {
	return s.prefix + "tok:" + esc(digest)
}
