package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

// indexToken records a token in its user's index, prunes the entries that
// expired before this token was issued and lets the index live as long as
// its longest-lived token. Scores are validTo in the issuer's clock; the
// index's TTL is relative, so the issuer's clock and the Redis server's
// clock never have to agree. KEYS[1] tokens zset; ARGV[1] digest,
// ARGV[2] validTo, ARGV[3] issuedAt (unix seconds).
var indexToken = redis.NewScript(`
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #last == 0 then
	return 0
end
local ttl = math.floor(tonumber(last[2])) - tonumber(ARGV[3])
if ttl > 0 then
	redis.call('EXPIRE', KEYS[1], ttl)
end
return 1
`)

// SaveToken stores t's grant under digest (never t.AccessToken) for its
// lifetime (ValidTo - IssuedAt, as a relative TTL: the issuer's clock, which
// tests inject, need not agree with the Redis server's); times are kept to
// the second. A user token is also recorded in
// the user's token index so DeleteUserTokens finds it.
//
// Errors: KindInternal if t has no ValidTo; KindUnavailable.
func (s *Store) SaveToken(ctx context.Context, digest string, t aggregator.Token) error {
	const op = "store.SaveToken"
	lifetime := t.ValidTo.Sub(t.IssuedAt).Truncate(time.Second)
	if t.ValidTo.IsZero() || lifetime <= 0 {
		return aggregator.Internal(op, errors.New("token without a positive lifetime"))
	}
	exp := t.ValidTo.Unix()
	if t.UserID != "" {
		// Index first: a crash leaves an index entry without a token, never a
		// token that revocation cannot find.
		err := indexToken.Run(ctx, s.client, []string{s.tokensKey(t.Tenant, t.UserID)},
			digest, exp, t.IssuedAt.Unix()).Err()
		if err != nil {
			return unavailable(op, err)
		}
	}
	key := s.tokenKey(digest)
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key,
			"tenant", t.Tenant,
			"client", t.Client,
			"user", t.UserID,
			"username", t.Username,
			"scope", t.Scopes.String(),
			"iat", strconv.FormatInt(t.IssuedAt.Unix(), 10),
			"exp", strconv.FormatInt(exp, 10))
		p.Expire(ctx, key, lifetime)
		return nil
	})
	if err != nil {
		return unavailable(op, err)
	}
	return nil
}

// LookupToken returns the grant stored under digest. AccessToken is empty:
// the plaintext is not stored.
//
// Whether the grant is still valid by ValidTo is the caller's decision (it
// owns the clock); Redis drops the key once its lifetime has passed.
//
// Errors: KindNotFound if the token is unknown, revoked or dropped;
// KindUnavailable.
func (s *Store) LookupToken(ctx context.Context, digest string) (aggregator.Token, error) {
	const op = "store.LookupToken"
	// HMGET of the fixed fields: no map to build on every request.
	v, err := s.reads.HMGet(ctx, s.tokenKey(digest), "tenant", "client", "user", "username", "scope", "iat", "exp").Result()
	if err != nil {
		return aggregator.Token{}, unavailable(op, err)
	}
	f := make([]string, len(v))
	for i, x := range v {
		f[i], _ = x.(string)
	}
	if f[0] == "" {
		return aggregator.Token{}, aggregator.NotFound(op, "token")
	}
	iat, err1 := strconv.ParseInt(f[5], 10, 64)
	exp, err2 := strconv.ParseInt(f[6], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return aggregator.Token{}, aggregator.Internal(op, fmt.Errorf("token hash: %w", err))
	}
	return aggregator.Token{
		Tenant:   f[0],
		Client:   f[1],
		UserID:   f[2],
		Username: f[3],
		Scopes:   aggregator.ParseScopes(f[4]),
		IssuedAt: time.Unix(iat, 0),
		ValidTo:  time.Unix(exp, 0),
	}, nil
}

// DeleteToken revokes one token; an unknown digest is no error.
//
// Errors: KindUnavailable.
func (s *Store) DeleteToken(ctx context.Context, digest string) error {
	if err := s.client.Del(ctx, s.tokenKey(digest)).Err(); err != nil {
		return unavailable("store.DeleteToken", err)
	}
	return nil
}

// deleteBatch bounds the keys deleted per pipeline round trip.
const deleteBatch = 500

// DeleteUserTokens revokes every token recorded in the user's token index.
//
// Errors: KindUnavailable.
func (s *Store) DeleteUserTokens(ctx context.Context, tenant, userID string) error {
	const op = "store.DeleteUserTokens"
	idx := s.tokensKey(tenant, userID)
	digests, err := s.client.ZRange(ctx, idx, 0, -1).Result()
	if err != nil {
		return unavailable(op, err)
	}
	for chunk := range slices.Chunk(digests, deleteBatch) {
		// One DEL per key: token keys live in different cluster slots.
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, d := range chunk {
				p.Del(ctx, s.tokenKey(d))
			}
			return nil
		})
		if err != nil {
			return unavailable(op, err)
		}
		// Remove exactly what was revoked: a token indexed meanwhile stays.
		members := make([]any, len(chunk))
		for i, d := range chunk {
			members[i] = d
		}
		if err := s.client.ZRem(ctx, idx, members...).Err(); err != nil {
			return unavailable(op, err)
		}
	}
	return nil
}
