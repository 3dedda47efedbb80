package aggregator

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"go.uber.org/zap"
)

// WebhookService manages a tenant's webhook endpoint (the management API).
//
// Errors: KindNotFound for another tenant or when none is set; KindInvalid
// for a URL that is not absolute http(s) or that the egress policy refuses
// (Webhooks.CheckURL), a malformed secret, more than two secrets or an
// unknown event type.
type WebhookService interface {
	Endpoint(ctx context.Context, p Principal, tenant string) (WebhookEndpoint, error)
	// PutEndpoint sets the endpoint. Without secrets it keeps the current
	// ones, or generates one for a new endpoint. Only a generated secret
	// is ever shown, in WebhookPut.Generated of this one answer: secrets
	// the caller sent, or that were kept, are never shown again.
	PutEndpoint(ctx context.Context, p Principal, tenant string, in WebhookEndpoint) (WebhookPut, error)
	DeleteEndpoint(ctx context.Context, p Principal, tenant string) error
	// Notifications reads sent or pending notifications by serial range
	// (at most MaxNotificationRange at once), for a receiver that missed some.
	Notifications(ctx context.Context, p Principal, tenant string, from, to int64) ([]Notification, error)
	// DeadLetters lists the serials given up on; Redeliver sends one again.
	DeadLetters(ctx context.Context, p Principal, tenant string) ([]int64, error)
	Redeliver(ctx context.Context, p Principal, tenant string, serial int64) error
}

// WebhookPut is the answer to PutEndpoint.
type WebhookPut struct {
	// Endpoint is the endpoint as stored, its secrets opened (for their
	// hints; they are not to be shown).
	Endpoint WebhookEndpoint
	// Generated are the secrets the gateway made in this call: the only
	// ones the caller may see, and only in this answer.
	Generated []string
}

// MaxNotificationRange bounds one read of the notification log.
const MaxNotificationRange = 500

// Webhooks implements WebhookService.
type Webhooks struct {
	Store  WebhookStore
	Notes  NotificationStore // the numbered notifications
	Sealer SecretSealer      // the secrets are kept sealed, bound to their tenant
	Now    Clock
	Log    *zap.Logger
	// CheckURL, when set, is the egress policy for endpoint URLs (package
	// egress): PutEndpoint and EnsureEndpoint refuse a URL it refuses,
	// with KindInvalid. It only sees what the URL says; deliveries are
	// checked again on the address they connect to.
	CheckURL func(rawURL string) error
}

// checkURL applies CheckURL. A refusal is KindInvalid; its message is the
// hook's when the hook gives an *Error (its messages are client-safe).
func (w *Webhooks) checkURL(op, rawURL string) error {
	if w.CheckURL == nil {
		return nil
	}
	err := w.CheckURL(rawURL)
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return &Error{Kind: KindInvalid, Op: op, Message: e.Message, Details: e.Details, Err: err}
	}
	return &Error{Kind: KindInvalid, Op: op, Message: "the gateway does not call this URL", Err: err}
}

func webhookAAD(tenant string) []byte { return []byte("webhook|" + tenant) }

// ActiveEndpoint is the tenant's endpoint with its secrets opened, for
// signing. Errors: KindNotFound when the tenant has none.
func (w *Webhooks) ActiveEndpoint(ctx context.Context, tenant string) (WebhookEndpoint, error) {
	const op = "webhooks.ActiveEndpoint"
	e, err := w.Store.Endpoint(ctx, tenant)
	if err != nil {
		return WebhookEndpoint{}, err
	}
	raw, err := w.Sealer.Open(e.SealedSecrets, webhookAAD(tenant))
	if err != nil {
		return WebhookEndpoint{}, Internal(op, err)
	}
	defer clear(raw)
	if err := json.Unmarshal(raw, &e.Secrets); err != nil {
		return WebhookEndpoint{}, Internal(op, err)
	}
	return e, nil
}

// save seals the secrets and stores the endpoint.
func (w *Webhooks) save(ctx context.Context, e WebhookEndpoint) error {
	raw, err := json.Marshal(e.Secrets)
	if err != nil {
		return Internal("webhooks.save", err)
	}
	defer clear(raw)
	if e.SealedSecrets, err = w.Sealer.Seal(raw, webhookAAD(e.Tenant)); err != nil {
		return Internal("webhooks.save", err)
	}
	e.Secrets = nil
	return w.Store.SaveEndpoint(ctx, e)
}

// EnsureEndpoint stores a configured endpoint unless the tenant has one
// already (the API's changes win over the configuration after the first
// start).
func (w *Webhooks) EnsureEndpoint(ctx context.Context, e WebhookEndpoint) error {
	const op = "webhooks.EnsureEndpoint"
	if err := CheckWebhookEndpoint(op, e); err != nil {
		return err
	}
	if err := w.checkURL(op, e.URL); err != nil {
		return err
	}
	_, err := w.Store.Endpoint(ctx, e.Tenant)
	if !IsNotFound(err) {
		return err
	}
	if len(e.Secrets) == 0 {
		e.Secrets = []string{NewWebhookSecret()}
	}
	e.Updated = w.Now()
	return w.save(ctx, e)
}

var _ WebhookService = (*Webhooks)(nil)

// maxSecrets: the current secret and, during a rotation, the next one.
const maxSecrets = 2

// secretPrefix is Standard Webhooks' serialisation of a secret.
const secretPrefix = "whsec_"

// NewWebhookSecret returns a fresh 32-byte secret as "whsec_" + base64.
func NewWebhookSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails
	return secretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

func ownTenant(p Principal, tenant, op string) error {
	if p.Tenant != tenant || p.IsUser() {
		return NotFound(op, "tenant "+quoteShort(tenant))
	}
	return nil
}

// Endpoint returns the tenant's endpoint.
func (w *Webhooks) Endpoint(ctx context.Context, p Principal, tenant string) (WebhookEndpoint, error) {
	if err := ownTenant(p, tenant, "webhooks.Endpoint"); err != nil {
		return WebhookEndpoint{}, err
	}
	return w.ActiveEndpoint(ctx, tenant)
}

// PutEndpoint validates and stores the endpoint.
func (w *Webhooks) PutEndpoint(ctx context.Context, p Principal, tenant string, in WebhookEndpoint) (WebhookPut, error) {
	const op = "webhooks.PutEndpoint"
	if err := ownTenant(p, tenant, op); err != nil {
		return WebhookPut{}, err
	}
	if err := CheckWebhookEndpoint(op, in); err != nil {
		return WebhookPut{}, err
	}
	if err := w.checkURL(op, in.URL); err != nil {
		return WebhookPut{}, err
	}
	var generated []string
	if len(in.Secrets) == 0 {
		cur, err := w.ActiveEndpoint(ctx, tenant)
		switch {
		case err == nil:
			in.Secrets = cur.Secrets
		case IsNotFound(err):
			generated = []string{NewWebhookSecret()}
			in.Secrets = generated
		default:
			return WebhookPut{}, err
		}
	}
	in.Tenant, in.Updated = tenant, w.Now()
	if err := w.save(ctx, in); err != nil {
		return WebhookPut{}, err
	}
	LoggerFrom(ctx, w.Log).Info("webhook endpoint set", zap.String("tenant", tenant), zap.Int("secrets", len(in.Secrets)),
		zap.Int("generated", len(generated)))
	return WebhookPut{Endpoint: in, Generated: generated}, nil
}

// DeleteEndpoint removes the tenant's endpoint; notifications are no longer
// sent (nor numbered) until a new one is set.
func (w *Webhooks) DeleteEndpoint(ctx context.Context, p Principal, tenant string) error {
	if err := ownTenant(p, tenant, "webhooks.DeleteEndpoint"); err != nil {
		return err
	}
	if _, err := w.Store.Endpoint(ctx, tenant); err != nil {
		return err
	}
	return w.Store.DeleteEndpoint(ctx, tenant)
}

// Notifications reads the tenant's log by serial range.
func (w *Webhooks) Notifications(ctx context.Context, p Principal, tenant string, from, to int64) ([]Notification, error) {
	const op = "webhooks.Notifications"
	if err := ownTenant(p, tenant, op); err != nil {
		return nil, err
	}
	if from < 1 || to < from || to-from >= MaxNotificationRange {
		return nil, invalidf(op, "from and to must be serials with 1 <= from <= to and at most %d at once", MaxNotificationRange)
	}
	return w.Notes.Notifications(ctx, tenant, from, to)
}

// DeadLetters lists the tenant's dead-lettered serials.
func (w *Webhooks) DeadLetters(ctx context.Context, p Principal, tenant string) ([]int64, error) {
	if err := ownTenant(p, tenant, "webhooks.DeadLetters"); err != nil {
		return nil, err
	}
	return w.Notes.DeadLetters(ctx, tenant)
}

// Redeliver makes a dead-lettered notification due now.
func (w *Webhooks) Redeliver(ctx context.Context, p Principal, tenant string, serial int64) error {
	if err := ownTenant(p, tenant, "webhooks.Redeliver"); err != nil {
		return err
	}
	return w.Notes.Redeliver(ctx, tenant, serial, w.Now())
}

// CheckWebhookEndpoint is the one rule set for endpoints from the API and
// from configuration. Messages never quote a secret.
func CheckWebhookEndpoint(op string, e WebhookEndpoint) error {
	u, err := url.Parse(e.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return invalidf(op, "url must be an absolute http(s) URL without user info or fragment")
	}
	if len(e.Secrets) > maxSecrets {
		return invalidf(op, "at most %d secrets may be active (the current one and, during a rotation, the next)", maxSecrets)
	}
	for i, s := range e.Secrets {
		key, ok := strings.CutPrefix(s, secretPrefix)
		raw, err := base64.StdEncoding.DecodeString(key)
		if !ok || err != nil || len(raw) < 24 || len(raw) > 64 {
			return invalidf(op, "secrets[%d] must be whsec_ followed by 24 to 64 bytes in base64", i)
		}
	}
	for _, t := range e.EventTypes {
		if !t.Valid() {
			return invalidf(op, "eventTypes: %s is not one of TRANSACTION, BALANCE, ERROR", quoteShort(string(t)))
		}
	}
	if len(e.Secrets) == maxSecrets && e.Secrets[0] == e.Secrets[1] {
		return invalidf(op, "the two secrets must differ")
	}
	return nil
}

// SecretHints show which secrets are active without revealing them: the
// last four characters of each. Only ActiveEndpoint's result has them.
func (e WebhookEndpoint) SecretHints() []string {
	hints := make([]string, 0, len(e.Secrets))
	for _, s := range e.Secrets {
		hints = append(hints, secretPrefix+"…"+s[max(len(secretPrefix), len(s)-4):])
	}
	return hints
}
