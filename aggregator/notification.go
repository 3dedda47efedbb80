package aggregator

import (
	"context"
	"time"
)

// NotificationType is the seed's notificationType.
type NotificationType string

// The seed's notification types.
const (
	NotifyTransaction NotificationType = "TRANSACTION"
	NotifyBalance     NotificationType = "BALANCE"
	NotifyError       NotificationType = "ERROR"
)

// NotificationTypes are all types, in the seed's order.
var NotificationTypes = []NotificationType{NotifyTransaction, NotifyBalance, NotifyError}

// Valid reports whether t is one of the seed's types.
func (t NotificationType) Valid() bool {
	for _, v := range NotificationTypes {
		if v == t {
			return true
		}
	}
	return false
}

// Notification is one webhook event as the seed's notification objects
// describe it. Serial is assigned when the event is sequenced for its
// tenant's endpoint (1, 2, 3, … without gap or repeat); ID is the event's
// own identity (the webhook-id), fixed when the event is created.
type Notification struct {
	ID        string
	Serial    int64
	Type      NotificationType
	Tenant    string
	UserID    string
	AccessID  string
	Occurred  time.Time
	ProductID string // TRANSACTION and BALANCE

	NewTransactions []NotifiedTransaction // TRANSACTION
	OldBalance      *Amount               // BALANCE
	NewBalance      *Amount               // BALANCE

	Level   Level       // ERROR
	Code    MessageCode // ERROR
	Message string      // ERROR
	Data    string      // ERROR, optional
}

// NotifiedTransaction is a transaction as a TRANSACTION notification shows it.
type NotifiedTransaction struct {
	PayeeName string
	Amount    *Amount
}

// WebhookEndpoint is where a tenant's notifications go. Secrets sign every
// request (Standard Webhooks); during a rotation two are active and each
// request carries a signature of each. EventTypes empty means all.
type WebhookEndpoint struct {
	Tenant  string
	URL     string
	Secrets []string `json:"-"` // "whsec_" + base64; only sealed at rest
	// SealedSecrets is what the store keeps of Secrets (see Webhooks).
	SealedSecrets []byte
	EventTypes    []NotificationType
	Updated       time.Time
}

// Wants reports whether the endpoint subscribed to t.
func (e WebhookEndpoint) Wants(t NotificationType) bool {
	if len(e.EventTypes) == 0 {
		return true
	}
	for _, v := range e.EventTypes {
		if v == t {
			return true
		}
	}
	return false
}

// WebhookStore keeps each tenant's endpoint.
//
// Errors: Endpoint returns KindNotFound when the tenant has none.
type WebhookStore interface {
	SaveEndpoint(ctx context.Context, e WebhookEndpoint) error
	Endpoint(ctx context.Context, tenant string) (WebhookEndpoint, error)
	DeleteEndpoint(ctx context.Context, tenant string) error
}
