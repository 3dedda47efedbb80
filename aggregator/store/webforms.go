package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

var _ aggregator.WebFormStore = (*Store)(nil)

// webFormKey is global (a session comes back with nothing but its id) and
// keyed by the id's digest: the id is a capability and never stored.
func (s *Store) webFormKey(id string) string {
	return s.prefix + "webform:" + aggregator.TokenDigest(id)
}

// webFormOpenedKey is the once-only claim of a session's first open.
func (s *Store) webFormOpenedKey(id string) string { return s.webFormKey(id) + ":opened" }

// webFormsKey indexes a user's sessions (by key) so they can all be ended.
func (s *Store) webFormsKey(tenant, user string) string {
	return s.prefix + userTag(tenant, user) + ":webforms"
}

func (s *Store) termsKey(tenant, user string) string {
	return s.prefix + userTag(tenant, user) + ":terms"
}

func encodeWebForm(ws aggregator.WebFormSession) ([]byte, error) {
	return json.Marshal(toWebFormRecord(ws))
}

// CreateWebFormSession stores a new session with its lifetime and indexes
// it under its user.
func (s *Store) CreateWebFormSession(ctx context.Context, ws aggregator.WebFormSession, ttl time.Duration) error {
	const op = "store.CreateWebFormSession"
	raw, err := encodeWebForm(ws)
	if err != nil {
		return aggregator.Internal(op, err)
	}
	key, index := s.webFormKey(ws.ID), s.webFormsKey(ws.Tenant, ws.UserID)
	// The session first, then its index entry: an index entry never points
	// at nothing for long, and a stale one is harmless (DEL of a missing key).
	if err := s.client.Set(ctx, key, raw, ttl).Err(); err != nil {
		return unavailable(op, err)
	}
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, index, key)
		p.ExpireGT(ctx, index, ttl)
		p.ExpireNX(ctx, index, ttl)
		return nil
	})
	if err != nil {
		return unavailable(op, err)
	}
	return nil
}

// WebFormSession loads a session by its id.
func (s *Store) WebFormSession(ctx context.Context, id string) (aggregator.WebFormSession, error) {
	const op = "store.WebFormSession"
	raw, err := s.client.Get(ctx, s.webFormKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return aggregator.WebFormSession{}, aggregator.NotFound(op, "web-form session")
	}
	if err != nil {
		return aggregator.WebFormSession{}, unavailable(op, err)
	}
	var rec webFormRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return aggregator.WebFormSession{}, aggregator.Internal(op, err)
	}
	ws, err := rec.domain(id)
	if err != nil {
		return aggregator.WebFormSession{}, aggregator.Internal(op, err)
	}
	return ws, nil
}

// OpenWebFormSession claims the session's first open (SET NX, living as
// long as the session) and then saves it bound to its browser. A second
// open fails with KindConflict and changes nothing.
func (s *Store) OpenWebFormSession(ctx context.Context, ws aggregator.WebFormSession) error {
	const op = "store.OpenWebFormSession"
	ttl := time.Until(ws.Expires)
	if ttl <= 0 {
		return aggregator.NotFound(op, "web-form session")
	}
	claimed, err := s.client.SetNX(ctx, s.webFormOpenedKey(ws.ID), 1, ttl).Result()
	if err != nil {
		return unavailable(op, err)
	}
	if !claimed {
		return &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Message: "the web-form session was opened before"}
	}
	return s.SaveWebFormSession(ctx, ws)
}

// SaveWebFormSession writes a session back under its remaining lifetime;
// an expired or ended session stays gone.
func (s *Store) SaveWebFormSession(ctx context.Context, ws aggregator.WebFormSession) error {
	const op = "store.SaveWebFormSession"
	raw, err := encodeWebForm(ws)
	if err != nil {
		return aggregator.Internal(op, err)
	}
	ok, err := s.client.SetArgs(ctx, s.webFormKey(ws.ID), raw, redis.SetArgs{Mode: "XX", KeepTTL: true}).Result()
	if errors.Is(err, redis.Nil) || (err == nil && ok != "OK") {
		return aggregator.NotFound(op, "web-form session")
	}
	if err != nil {
		return unavailable(op, err)
	}
	return nil
}

// DeleteWebFormSessions ends every session of a user.
func (s *Store) DeleteWebFormSessions(ctx context.Context, tenant, userID string) error {
	const op = "store.DeleteWebFormSessions"
	index := s.webFormsKey(tenant, userID)
	keys, err := s.client.SMembers(ctx, index).Result()
	if err != nil {
		return unavailable(op, err)
	}
	// Session keys live in other slots than the index: one DEL each.
	for _, k := range keys {
		if err := s.client.Del(ctx, k).Err(); err != nil {
			return unavailable(op, err)
		}
		if err := s.client.SRem(ctx, index, k).Err(); err != nil {
			return unavailable(op, err)
		}
	}
	return nil
}

// TermsAccepted reports whether the user accepted the form's terms.
func (s *Store) TermsAccepted(ctx context.Context, tenant, userID string) (bool, error) {
	n, err := s.client.Exists(ctx, s.termsKey(tenant, userID)).Result()
	if err != nil {
		return false, unavailable("store.TermsAccepted", err)
	}
	return n == 1, nil
}

// AcceptTerms records the user's acceptance (the first one is kept).
func (s *Store) AcceptTerms(ctx context.Context, tenant, userID string, at time.Time) error {
	if err := s.client.SetNX(ctx, s.termsKey(tenant, userID), at.UTC().Format(time.RFC3339), 0).Err(); err != nil {
		return unavailable("store.AcceptTerms", err)
	}
	return nil
}
