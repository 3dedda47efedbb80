package store

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

var _ aggregator.WebhookStore = (*Store)(nil)

func (s *Store) webhookKey(tenant string) string { return s.prefix + tenantTag(tenant) + ":webhook" }

// SaveEndpoint stores a tenant's endpoint (its secrets arrive sealed).
func (s *Store) SaveEndpoint(ctx context.Context, e aggregator.WebhookEndpoint) error {
	const op = "store.SaveEndpoint"
	if len(e.Secrets) > 0 {
		return aggregator.Internal(op, errors.New("webhook secrets must be sealed before they are stored"))
	}
	raw, err := json.Marshal(toWebhookRecord(e))
	if err != nil {
		return aggregator.Internal(op, err)
	}
	if err := s.client.Set(ctx, s.webhookKey(e.Tenant), raw, 0).Err(); err != nil {
		return unavailable(op, err)
	}
	return nil
}

// Endpoint loads a tenant's endpoint.
func (s *Store) Endpoint(ctx context.Context, tenant string) (aggregator.WebhookEndpoint, error) {
	const op = "store.Endpoint"
	raw, err := s.reads.Get(ctx, s.webhookKey(tenant)).Bytes()
	if errors.Is(err, redis.Nil) {
		return aggregator.WebhookEndpoint{}, aggregator.NotFound(op, "webhook endpoint")
	}
	if err != nil {
		return aggregator.WebhookEndpoint{}, unavailable(op, err)
	}
	var rec webhookRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return aggregator.WebhookEndpoint{}, aggregator.Internal(op, err)
	}
	e, err := rec.domain()
	if err != nil {
		return aggregator.WebhookEndpoint{}, aggregator.Internal(op, err)
	}
	return e, nil
}

// DeleteEndpoint removes a tenant's endpoint.
func (s *Store) DeleteEndpoint(ctx context.Context, tenant string) error {
	if err := s.client.Del(ctx, s.webhookKey(tenant)).Err(); err != nil {
		return unavailable("store.DeleteEndpoint", err)
	}
	return nil
}
