// Package notifier delivers webhooks: events with per-endpoint serials, a
// durable outbox, signing, retries and dead letters.
//
// Status: arrives with issue #5; the package exists now so the dependency
// rules cover it from the start.
package notifier
