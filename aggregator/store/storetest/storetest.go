// Package storetest gives tests an isolated store.Store, and TestStore,
// the storage contract every store.Store must keep, whatever Redis it runs
// on (see suite.go).
//
// With REDIS_URL set (CI exports it) the store connects to that Redis and the
// test fails, never skips, when it is unreachable. Otherwise every store gets
// its own embedded miniredis. Either way each store has its own random key
// prefix, so test packages running in parallel against one Redis never see
// each other's keys, and cleanup deletes only that prefix's keys: it never
// flushes a database.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator/store"
)

// EnvURL names the environment variable holding the Redis URL of the tests.
const EnvURL = "REDIS_URL"

// New returns a Store under a fresh key prefix ("zugangtest:<random hex>:"):
// on the Redis at REDIS_URL when that is set, embedded otherwise. Its keys
// are deleted and its client closed when the test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	if url := os.Getenv(EnvURL); url != "" {
		return NewRedis(t, url)
	}
	return NewEmbedded(t)
}

// NewEmbedded returns a Store on its own embedded miniredis.
func NewEmbedded(t testing.TB) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, closeEmbedded, err := store.OpenEmbedded(ctx, newPrefix())
	if err != nil {
		t.Fatalf("storetest: start embedded Redis: %v", err)
	}
	t.Cleanup(closeEmbedded)
	return s
}

// NewRedis returns a Store on the Redis at url under a fresh key prefix; it
// fails the test, never skips it, when that Redis is not usable.
func NewRedis(t testing.TB, url string) *store.Store {
	t.Helper()
	prefix := newPrefix()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := store.Open(ctx, store.Options{URL: url, KeyPrefix: prefix})
	if err != nil {
		t.Fatalf("storetest: %s is set but Redis is not usable: %v", EnvURL, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := deletePrefix(ctx, s.Client(), prefix); err != nil {
			t.Errorf("storetest: delete keys under %q: %v", prefix, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("storetest: close: %v", err)
		}
	})
	return s
}

func newPrefix() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails
	return "zugangtest:" + hex.EncodeToString(b[:]) + ":"
}

// Keys returns every key under s's prefix, sorted.
func Keys(t testing.TB, s *store.Store) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var keys []string
	err := forEachKey(ctx, s.Client(), s.Prefix(), func(k string) { keys = append(keys, k) })
	if err != nil {
		t.Fatalf("storetest: scan keys under %q: %v", s.Prefix(), err)
	}
	slices.Sort(keys)
	return slices.Compact(keys) // SCAN may return a key more than once
}

// forEachKey calls fn for every key starting with prefix, on every master of
// a cluster. fn is never called concurrently.
func forEachKey(ctx context.Context, c redis.UniversalClient, prefix string, fn func(string)) error {
	var mu sync.Mutex
	scan := func(ctx context.Context, node redis.Cmdable) error {
		it := node.Scan(ctx, 0, globEscape(prefix)+"*", 1000).Iterator()
		for it.Next(ctx) {
			mu.Lock()
			fn(it.Val())
			mu.Unlock()
		}
		return it.Err()
	}
	if cc, ok := c.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return scan(ctx, node)
		})
	}
	return scan(ctx, c)
}

// deletePrefix deletes every key starting with prefix, one DEL per key so it
// also works across cluster slots. It never flushes.
func deletePrefix(ctx context.Context, c redis.UniversalClient, prefix string) error {
	var keys []string
	if err := forEachKey(ctx, c, prefix, func(k string) { keys = append(keys, k) }); err != nil {
		return err
	}
	for chunk := range slices.Chunk(keys, 500) {
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range chunk {
				p.Del(ctx, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// globEscape escapes the glob metacharacters of SCAN MATCH.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\^`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
