package notifier

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
)

// Endpoints gives a tenant's endpoint with its secrets opened
// (aggregator.Webhooks implements it).
type Endpoints interface {
	ActiveEndpoint(ctx context.Context, tenant string) (aggregator.WebhookEndpoint, error)
}

// UserAgent names the sender, as BANKSapi's "BANKSapi Notifier" does.
const UserAgent = "Zugang Notifier"

// Dispatcher moves notifications from the users' outboxes into each
// tenant's numbered log and delivers them. Every gateway process runs one;
// all of their state is in the store, so any of them may die at any time.
type Dispatcher struct {
	Store     aggregator.NotificationStore
	Endpoints Endpoints
	Tenants   func() []string // the tenants to serve
	Client    *http.Client    // nil: http.DefaultClient's transport; the gateway passes package egress's guarded client
	Schedule  Schedule        // zero: DefaultSchedule
	Timeout   time.Duration   // per attempt; 0: 10 s
	Lease     time.Duration   // how long a claimed delivery is this process's; 0: Timeout + 5 s
	Batch     int             // requests in flight per tenant at most; 0: 50
	Tick      time.Duration   // how often Run looks for work; 0: 1 s
	Retention time.Duration   // how long the log keeps a notification for readers; 0: 30 days
	Now       aggregator.Clock
	Log       *zap.Logger
}

func (d *Dispatcher) defaults() {
	if d.Client == nil {
		d.Client = &http.Client{}
	}
	if d.Schedule == (Schedule{}) {
		d.Schedule = DefaultSchedule
	}
	if d.Timeout <= 0 {
		d.Timeout = 10 * time.Second
	}
	if d.Lease <= 0 {
		d.Lease = d.Timeout + 5*time.Second
	}
	if d.Batch <= 0 {
		d.Batch = 50
	}
	if d.Tick <= 0 {
		d.Tick = time.Second
	}
	if d.Retention <= 0 {
		d.Retention = 30 * 24 * time.Hour
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = zap.NewNop()
	}
}

// sweeper is implemented by stores that can find outboxes whose index
// entry was lost in a crash (store.Store).
type sweeper interface {
	SweepOutboxes(ctx context.Context) error
}

// Run sequences and delivers until ctx ends. It first sweeps for outboxes
// a crashed process left unindexed.
func (d *Dispatcher) Run(ctx context.Context) {
	d.defaults()
	if sw, ok := d.Store.(sweeper); ok {
		if err := sw.SweepOutboxes(ctx); err != nil && ctx.Err() == nil {
			d.Log.Warn("sweeping outboxes failed", zap.Error(err))
		}
	}
	t := time.NewTicker(d.Tick)
	defer t.Stop()
	lastTrim := time.Time{}
	for {
		if now := d.Now(); now.Sub(lastTrim) >= time.Hour { // trimming is cheap, but needs no haste
			for _, tenant := range d.Tenants() {
				if err := d.Store.TrimLog(ctx, tenant, now.Add(-d.Retention)); err != nil && ctx.Err() == nil {
					d.Log.Warn("trimming the notification log failed", zap.String("tenant", tenant), zap.Error(err))
				}
			}
			lastTrim = now
		}
		for _, tenant := range d.Tenants() {
			if _, err := d.SequenceTenant(ctx, tenant); err != nil && ctx.Err() == nil {
				d.Log.Warn("sequencing notifications failed", zap.String("tenant", tenant), zap.Error(err))
			}
			if _, err := d.DeliverTenant(ctx, tenant); err != nil && ctx.Err() == nil {
				d.Log.Warn("delivering notifications failed", zap.String("tenant", tenant), zap.Error(err))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SequenceTenant numbers what the tenant's outboxes hold and returns how
// many it numbered. Without an endpoint, or for event types the endpoint
// did not subscribe to, notifications are dropped unnumbered, so serials
// count exactly what is sent.
func (d *Dispatcher) SequenceTenant(ctx context.Context, tenant string) (int, error) {
	d.defaults()
	users, err := d.Store.OutboxUsers(ctx, tenant)
	if err != nil || len(users) == 0 {
		return 0, err
	}
	ep, err := d.Endpoints.ActiveEndpoint(ctx, tenant)
	hasEndpoint := err == nil
	if err != nil && !aggregator.IsNotFound(err) {
		return 0, err
	}
	numbered := 0
	for _, user := range users {
		for {
			notes, err := d.Store.Outbox(ctx, tenant, user, d.Batch)
			if err != nil {
				return numbered, err
			}
			if len(notes) == 0 {
				break
			}
			ids := make([]string, len(notes))
			for i, n := range notes {
				ids[i] = n.ID
				if !hasEndpoint || !ep.Wants(n.Type) {
					continue
				}
				if _, err := d.Store.Sequence(ctx, n, d.Now()); err != nil {
					return numbered, err
				}
				numbered++
			}
			if err := d.Store.DropOutbox(ctx, tenant, user, ids); err != nil {
				return numbered, err
			}
		}
	}
	return numbered, nil
}

// deliveryWorkers claim and send batches side by side, so one slow
// receiver answer does not hold back the next batch.
const deliveryWorkers = 4

// DeliverTenant sends the tenant's due deliveries until none is left and
// returns how many the receiver accepted. At most Batch requests are in
// flight at once.
func (d *Dispatcher) DeliverTenant(ctx context.Context, tenant string) (int, error) {
	d.defaults()
	ep, err := d.Endpoints.ActiveEndpoint(ctx, tenant)
	if err != nil && !aggregator.IsNotFound(err) {
		return 0, err
	}
	var signer *Signer
	if err == nil {
		if signer, err = NewSigner(ep.Secrets); err != nil {
			return 0, aggregator.Internal("notifier.DeliverTenant", err)
		}
	}
	per := max(1, d.Batch/deliveryWorkers)
	var (
		mu       sync.Mutex
		accepted int
		firstErr error
		workers  sync.WaitGroup
	)
	for range deliveryWorkers {
		workers.Go(func() {
			for ctx.Err() == nil {
				n, more, err := d.deliverBatch(ctx, tenant, ep, signer, per)
				mu.Lock()
				accepted += n
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				if err != nil || !more {
					return
				}
			}
		})
	}
	workers.Wait()
	return accepted, firstErr
}

// deliverBatch claims up to n due deliveries, sends them at once and
// records the answers; more reports whether the claim was full.
func (d *Dispatcher) deliverBatch(ctx context.Context, tenant string, ep aggregator.WebhookEndpoint, signer *Signer, n int) (int, bool, error) {
	due, err := d.Store.ClaimDue(ctx, tenant, d.Now(), d.Lease, n)
	if err != nil || len(due) == 0 {
		return 0, false, err
	}
	results := make([]error, len(due))
	var sending sync.WaitGroup
	for i, dl := range due {
		if signer == nil {
			results[i] = fmt.Errorf("the tenant has no webhook endpoint")
			continue
		}
		sending.Go(func() { results[i] = d.send(ctx, ep.URL, signer, dl.Notification) })
	}
	sending.Wait()
	var delivered []int64
	for i, dl := range due {
		if results[i] == nil {
			delivered = append(delivered, dl.Serial)
			continue
		}
		if err := d.failed(ctx, tenant, dl, results[i]); err != nil {
			return 0, false, err
		}
	}
	if err := d.Store.Delivered(ctx, tenant, delivered...); err != nil {
		return 0, false, err
	}
	return len(delivered), len(due) == n, nil
}

// failed schedules the next attempt or dead-letters the delivery.
func (d *Dispatcher) failed(ctx context.Context, tenant string, dl aggregator.Delivery, cause error) error {
	now := d.Now()
	first := dl.FirstAttempt
	if first.IsZero() {
		first = now
	}
	failures := dl.Attempts + 1
	log := d.Log.With(zap.String("tenant", tenant), zap.Int64("serial", dl.Serial), zap.Int("failures", failures))
	if d.Schedule.GiveUp(first, now) {
		log.Warn("webhook dead-lettered", zap.Error(cause))
		return d.Store.DeadLetter(ctx, tenant, dl.Serial, now)
	}
	next := now.Add(d.Schedule.Delay(failures, jitter()))
	log.Info("webhook delivery failed; retrying", zap.Time("next", next), zap.Error(cause))
	return d.Store.Retry(ctx, tenant, dl.Serial, failures, first, next)
}

// send POSTs one signed notification; only a 2xx answer counts.
func (d *Dispatcher) send(ctx context.Context, url string, signer *Signer, n aggregator.Notification) error {
	body, err := Body(n)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	if err := signer.Sign(req.Header, n.ID, d.Now(), body); err != nil {
		return err
	}
	res, err := d.Client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // reuse the connection
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("the endpoint answered %d", res.StatusCode)
	}
	return nil
}
