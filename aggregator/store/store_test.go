package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

func dump(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	c := s.Client()
	out := map[string][]string{}
	for _, k := range storetest.Keys(t, s) {
		typ, err := c.Type(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		switch typ {
		case "string":
			vals = []string{c.Get(ctx, k).Val()}
		case "hash":
			for f, v := range c.HGetAll(ctx, k).Val() {
				vals = append(vals, f, v)
			}
		case "set":
			vals = c.SMembers(ctx, k).Val()
		case "zset":
			vals = c.ZRange(ctx, k, 0, -1).Val()
		case "list":
			vals = c.LRange(ctx, k, 0, -1).Val()
		case "none":
			continue // expired meanwhile
		default:
			t.Fatalf("key %s has unexpected type %s", k, typ)
		}
		out[k] = vals
	}
	return out
}

func TestPlaintextTokenNeverStored(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	u := storetest.MustCreate(t, s, storetest.NewUser("acme", "erika", storetest.Base))
	userTok := storetest.UserToken(u, time.Hour)
	clientTok := storetest.UserToken(u, time.Hour)
	clientTok.UserID, clientTok.Username = "", ""
	storetest.SaveToken(t, s, userTok)
	storetest.SaveToken(t, s, clientTok)

	all := dump(t, s)
	if len(all) == 0 {
		t.Fatal("no keys found under the prefix")
	}
	for _, plain := range []string{userTok.AccessToken, clientTok.AccessToken} {
		for k, vals := range all {
			if strings.Contains(k, plain) {
				t.Errorf("plaintext token in key %s", k)
			}
			for _, v := range vals {
				if strings.Contains(v, plain) {
					t.Errorf("plaintext token in a value of %s", k)
				}
			}
		}
	}
}

// hashTag returns what Redis Cluster hashes for key: the text between the
// first '{' and the next '}', or "" if there is none.
func hashTag(key string) string {
	i := strings.IndexByte(key, '{')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(key[i+1:], '}')
	if j <= 0 {
		return ""
	}
	return key[i+1 : i+1+j]
}

func TestKeysShareHashSlots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := storetest.MustCreate(t, s, storetest.NewUser("acme", "a", storetest.Base))
	b := storetest.MustCreate(t, s, storetest.NewUser("acme", "b", storetest.Base.Add(time.Second)))
	for _, u := range []aggregator.User{a, b} {
		if err := s.AddRole(ctx, "acme", u.ID, "acme/app:x", "viewer"); err != nil {
			t.Fatal(err)
		}
		storetest.SaveToken(t, s, storetest.UserToken(u, time.Hour))
	}

	perUser := map[string][]string{}
	var tenantKeys, tokenKeys int
	for _, k := range storetest.Keys(t, s) {
		rest := strings.TrimPrefix(k, s.Prefix())
		switch {
		case strings.HasPrefix(rest, "tok:"):
			tokenKeys++
			if tag := hashTag(k); tag != "" {
				t.Errorf("token key %s has hash tag %q", k, tag)
			}
		case strings.Contains(rest, ":u:"):
			var owner string
			for _, u := range []aggregator.User{a, b} {
				if strings.Contains(rest, u.ID) {
					owner = u.ID
				}
			}
			if owner == "" {
				t.Fatalf("user key %s of no known user", k)
			}
			if got, want := hashTag(k), "t:acme:u:"+owner; got != want {
				t.Errorf("key %s: hash tag %q, want %q", k, got, want)
			}
			perUser[owner] = append(perUser[owner], strings.TrimPrefix(rest, "{t:acme:u:"+owner+"}"))
		default:
			tenantKeys++
			if got := hashTag(k); got != "t:acme" {
				t.Errorf("tenant key %s: hash tag %q, want %q", k, got, "t:acme")
			}
		}
	}
	for _, u := range []aggregator.User{a, b} {
		if got, want := perUser[u.ID], []string{":roles", ":tokens", ":user"}; !slices.Equal(got, want) {
			t.Errorf("keys of user %s = %v, want %v", u.Username, got, want)
		}
	}
	if tenantKeys != 3 || tokenKeys != 2 { // usernames, users, one role; two tokens
		t.Errorf("%d tenant keys and %d token keys, want 3 and 2", tenantKeys, tokenKeys)
	}
}

func TestHostileNamesStayInTheirKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	const tenant = "ev}il{:u:x"
	u := storetest.MustCreate(t, s, storetest.NewUser(tenant, "a b", storetest.Base))
	if err := s.AddRole(ctx, tenant, u.ID, "c}{:/", "r:{}"); err != nil {
		t.Fatal(err)
	}
	storetest.SaveToken(t, s, storetest.UserToken(u, time.Hour))
	for _, k := range storetest.Keys(t, s) {
		if strings.Count(k, "{") > 1 || strings.Count(k, "}") > 1 {
			t.Errorf("key %q has unescaped braces", k)
		}
	}
	got, err := s.UserByUsername(ctx, tenant, "a b")
	if err != nil || got.ID != u.ID || !slices.Equal(got.Roles, []string{"r:{}"}) {
		t.Errorf("UserByUsername = %+v, %v", got, err)
	}
	m, err := s.RoleMembers(ctx, tenant, "c}{:/", "r:{}")
	if err != nil || !slices.Equal(m, []string{u.ID}) {
		t.Errorf("RoleMembers = %v, %v", m, err)
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestOpenEmbeddedAndClosedStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, closeFn, err := store.OpenEmbedded(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Prefix() != store.DefaultKeyPrefix {
		t.Errorf("Prefix = %q, want %q", s.Prefix(), store.DefaultKeyPrefix)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	closeFn()
	closeFn() // idempotent
	err = s.Ping(ctx)
	storetest.WantKind(t, err, aggregator.KindUnavailable)
	var e *aggregator.Error
	if !errors.As(err, &e) || e.Message != "storage unavailable" || e.Err == nil {
		t.Errorf("err = %#v", err)
	}
	_, err = s.UserByID(ctx, "acme", uuid.NewString())
	storetest.WantKind(t, err, aggregator.KindUnavailable)
}

func TestOpenErrorsNameAddressNotPassword(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-Pa55"
	tests := []struct {
		name  string
		o     store.Options
		wants []string
	}{
		{"url", store.Options{URL: "redis://user:" + secret + "@127.0.0.1:1/0"}, []string{"127.0.0.1:1"}},
		{"url with separate password", store.Options{URL: "redis://127.0.0.1:1/0", Password: secret}, []string{"127.0.0.1:1"}},
		{"addrs", store.Options{Addrs: []string{"127.0.0.1:1"}, Password: secret}, []string{"127.0.0.1:1"}},
		{"cluster url", store.Options{URL: "redis://:" + secret + "@127.0.0.1:1?addr=127.0.0.1:2"}, []string{"127.0.0.1:1", "127.0.0.1:2"}},
		{"malformed url", store.Options{URL: "redis://user:" + secret + "@127.0.0.1:port/0"}, []string{"malformed"}},
		{"bad scheme", store.Options{URL: "http://user:" + secret + "@127.0.0.1/0"}, []string{"scheme"}},
		{"bad db", store.Options{URL: "redis://user:" + secret + "@127.0.0.1/x"}, []string{"database"}},
		{"nothing configured", store.Options{Password: secret}, []string{"no Redis address"}},
		{"cluster with db", store.Options{Addrs: []string{"127.0.0.1:1", "127.0.0.1:2"}, DB: 3, Password: secret}, []string{"database 0"}},
		{"braces in prefix", store.Options{Addrs: []string{"127.0.0.1:1"}, KeyPrefix: "a{b}:"}, []string{"prefix"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			s, err := store.Open(ctx, tc.o)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			msg := err.Error()
			if strings.Contains(msg, secret) {
				t.Errorf("error reveals the password: %s", msg)
			}
			for _, w := range tc.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
		})
	}
}

func TestNewRejectsBracesInPrefix(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("New accepted a prefix with a brace")
		}
	}()
	store.New(nil, "x{y}:")
}
