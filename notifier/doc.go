// Package notifier delivers the seed's webhook notifications (TRANSACTION,
// BALANCE, ERROR) to each tenant's endpoint.
//
// A notification travels in three durable stages (aggregator.NotificationStore):
// the user's outbox, written in the same MULTI as the data change that
// caused it; the tenant's log, where the Dispatcher gives it the next
// serial (1, 2, 3, … per tenant endpoint, never a gap or a repeat: the
// numbering is idempotent by the notification's id, and dropping from the
// outbox compares ids, so two processes sequencing at once cannot lose or
// double anything); and the due set, from which deliveries are leased to
// one process at a time. A lease that runs out (the process died) makes the
// delivery due again.
//
// Decisions:
//   - Requests are signed with Standard Webhooks (webhook-id = the
//     notification's id, webhook-timestamp, webhook-signature with one
//     "v1,…" per active secret), using the specification's reference
//     library; the body is the seed's object, User-Agent "Zugang Notifier".
//   - Only a 2xx answer counts; a redirect is a failed attempt like any
//     other answer, never followed (the client the gateway passes in
//     refuses to, and refuses non-public addresses when it connects).
//     Retries wait 10 s, 20 s, 40 s, … up to an hour, each ±20 %, for 24
//     hours (Schedule); then the delivery is dead-lettered and can be
//     redelivered by hand.
//   - Delivery is at least once: a process that dies after the receiver's
//     2xx but before recording it sends that notification again after the
//     lease. Receivers deduplicate by webhook-id (or serial).
//   - The log keeps a notification for Retention (30 days) for receivers
//     that read missed ones; a delivery still pending is kept longer.
//   - Without an endpoint, or for event types it did not subscribe to,
//     notifications are dropped before they are numbered, so the serials
//     count exactly what the receiver is sent.
package notifier
