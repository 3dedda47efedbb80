package aggregator

import (
	"context"
	"time"
)

// NotificationStore is the durable path of a notification, in three
// stages, each surviving a crash of any process:
//
//  1. the user's outbox, written in the same atomic step as the data change
//     that caused it (the notes argument of SaveAccess);
//  2. the tenant's log, where it gets its serial (Sequence is idempotent by
//     the notification's ID, so a sequencer that dies between numbering
//     and dropping from the outbox never numbers twice);
//  3. the tenant's due deliveries, leased to one dispatcher at a time,
//     retried until delivered or dead-lettered.
//
// Errors: KindUnavailable when Redis is.
type NotificationStore interface {
	// OutboxUsers lists the users of a tenant whose outbox may hold
	// notifications.
	OutboxUsers(ctx context.Context, tenant string) ([]string, error)
	// Outbox returns up to n of the user's oldest unnumbered notifications;
	// none also drops the user from OutboxUsers.
	Outbox(ctx context.Context, tenant, userID string, n int) ([]Notification, error)
	// Sequence numbers n for its tenant (once per n.ID) and makes its
	// delivery due at due; it returns the serial.
	Sequence(ctx context.Context, n Notification, due time.Time) (int64, error)
	// DropOutbox removes the named notifications from the head of the
	// user's outbox (safe when two sequencers drop the same ones).
	DropOutbox(ctx context.Context, tenant, userID string, ids []string) error
	// ClaimDue leases up to n deliveries of the tenant that are due at now;
	// a lease that runs out makes the delivery due again.
	ClaimDue(ctx context.Context, tenant string, now time.Time, lease time.Duration, n int) ([]Delivery, error)
	// Delivered ends deliveries after the receiver's 2xx, in one step.
	Delivered(ctx context.Context, tenant string, serials ...int64) error
	// Retry schedules the next attempt.
	Retry(ctx context.Context, tenant string, serial int64, attempts int, first, at time.Time) error
	// DeadLetter gives up on a delivery; it can be redelivered by hand.
	DeadLetter(ctx context.Context, tenant string, serial int64, at time.Time) error
	// Notifications returns the logged notifications with serials in
	// [from, to], in order.
	Notifications(ctx context.Context, tenant string, from, to int64) ([]Notification, error)
	// DeadLetters lists the dead-lettered serials, oldest first.
	DeadLetters(ctx context.Context, tenant string) ([]int64, error)
	// TrimLog forgets logged notifications sequenced before before, unless
	// their delivery is still pending.
	TrimLog(ctx context.Context, tenant string, before time.Time) error
	// Redeliver makes a dead-lettered delivery due again at at.
	Redeliver(ctx context.Context, tenant string, serial int64, at time.Time) error
}

// Delivery is one notification on its way to the tenant's endpoint.
type Delivery struct {
	Notification
	Attempts     int       // failed attempts so far
	FirstAttempt time.Time // zero before the first attempt
}
