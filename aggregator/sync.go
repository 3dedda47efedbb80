package aggregator

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
)

// SyncPolicy decides how often a synced access is refreshed without its
// user. The rule (issue #5):
//
//   - Interval apart (default 6 h: 4 refreshes a day) while the user was
//     active in the last 7 days, twice that within 30 days (2 a day), four
//     times that after (1 a day). A user is active when a token is issued
//     for them (password grant): that is when an app acts for its user.
//   - Every time is moved by a random amount in ±Jitter, so accesses added
//     together do not refresh in lockstep.
//   - Never more than UnattendedPerDay bank calls per consent in any 24
//     hours (PSD2 allows four): when the budget is spent, the next refresh
//     waits until the oldest call is a day old.
type SyncPolicy struct {
	Interval         time.Duration
	Jitter           time.Duration
	UnattendedPerDay int
}

// DefaultSyncPolicy is four refreshes a day, ±30 minutes, at most four
// unattended bank calls per consent per day.
var DefaultSyncPolicy = SyncPolicy{Interval: 6 * time.Hour, Jitter: 30 * time.Minute, UnattendedPerDay: 4}

// SyncRef names a synced access for the scheduler.
type SyncRef struct {
	Tenant   string
	UserID   string
	AccessID string
}

// SyncQueue is where due refreshes wait, shared by every gateway process.
// ClaimSyncs leases what is due to one worker: a worker that dies loses
// its lease and the refresh becomes due again.
type SyncQueue interface {
	ScheduleSync(ctx context.Context, ref SyncRef, at time.Time) error
	UnscheduleSync(ctx context.Context, ref SyncRef) error
	ClaimSyncs(ctx context.Context, now time.Time, lease time.Duration, n int) ([]SyncRef, error)
	TouchUser(ctx context.Context, tenant, userID string, at time.Time) error
	UserSeen(ctx context.Context, tenant, userID string) (time.Time, error)
}

// Syncer refreshes synced accesses in the background and turns what it
// finds into notifications (new transactions, changed balances, errors),
// saved in the same atomic step as the data.
type Syncer struct {
	Accesses *Accesses
	Queue    SyncQueue
	Policy   SyncPolicy
	Lease    time.Duration // how long a claimed refresh is one worker's; 0: 2 min
	Now      Clock
	Log      *zap.Logger
	Rand     func() float64 // [0, 1); nil: math/rand
}

func (s *Syncer) rnd() float64 {
	if s.Rand != nil {
		return s.Rand()
	}
	return rand.Float64()
}

func (s *Syncer) lease() time.Duration {
	if s.Lease > 0 {
		return s.Lease
	}
	return 2 * time.Minute
}

// Schedule puts a synced access's next refresh on the queue (Accesses
// calls it after every successful fetch).
func (s *Syncer) Schedule(ctx context.Context, acc *BankAccess) error {
	ref := SyncRef{Tenant: acc.Tenant, UserID: acc.UserID, AccessID: acc.ID}
	if !acc.Sync {
		return s.Queue.UnscheduleSync(ctx, ref)
	}
	return s.Queue.ScheduleSync(ctx, ref, s.next(ctx, acc))
}

// next applies the policy to the access's user and unattended budget.
func (s *Syncer) next(ctx context.Context, acc *BankAccess) time.Time {
	now := s.Now()
	every := s.Policy.Interval
	seen, err := s.Queue.UserSeen(ctx, acc.Tenant, acc.UserID)
	switch idle := now.Sub(seen); {
	case err != nil || idle > 30*24*time.Hour:
		every *= 4
	case idle > 7*24*time.Hour:
		every *= 2
	}
	at := now.Add(every + time.Duration((2*s.rnd()-1)*float64(s.Policy.Jitter)))
	if calls := recentCalls(acc.Unattended, now); s.Policy.UnattendedPerDay > 0 && len(calls) >= s.Policy.UnattendedPerDay {
		if free := calls[len(calls)-s.Policy.UnattendedPerDay].Add(24 * time.Hour); free.After(at) {
			at = free
		}
	}
	return at
}

// recentCalls keeps the unattended calls of the last 24 hours, oldest first.
func recentCalls(calls []time.Time, now time.Time) []time.Time {
	out := calls[:0:0]
	for _, c := range calls {
		if now.Sub(c) < 24*time.Hour {
			out = append(out, c)
		}
	}
	return out
}

// RunOnce refreshes up to n due accesses and returns how many it claimed.
func (s *Syncer) RunOnce(ctx context.Context, n int) (int, error) {
	refs, err := s.Queue.ClaimSyncs(ctx, s.Now(), s.lease(), n)
	if err != nil {
		return 0, err
	}
	for _, ref := range refs {
		if err := s.Refresh(ctx, ref); err != nil {
			LoggerFrom(ctx, s.Log).Warn("background refresh failed", zap.String("tenant", ref.Tenant),
				zap.String("access", ref.AccessID), zap.Error(err))
			// Try again after a short while; the lease keeps others off meanwhile.
			_ = s.Queue.ScheduleSync(ctx, ref, s.Now().Add(min(s.Policy.Interval, 5*time.Minute)))
		}
	}
	return len(refs), nil
}

// Run refreshes due accesses every tick until ctx ends.
func (s *Syncer) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		for {
			n, err := s.RunOnce(ctx, 20)
			if err != nil && ctx.Err() == nil {
				LoggerFrom(ctx, s.Log).Warn("claiming refreshes failed", zap.Error(err))
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Refresh fetches one access without its user. A failure keeps the stable
// data and records issues plus an ERROR notification; a consent that needs
// a new SCA moves the access to start_sca and ends unattended refreshes
// until the user renews it.
func (s *Syncer) Refresh(ctx context.Context, ref SyncRef) error {
	a := s.Accesses
	acc, err := a.Store.Access(ctx, ref.Tenant, ref.UserID, ref.AccessID)
	if IsNotFound(err) {
		return s.Queue.UnscheduleSync(ctx, ref)
	}
	if err != nil {
		return err
	}
	cur := acc.CurrentSCA()
	if !acc.Sync || cur == nil || cur.State != SCAFinalised {
		return s.Queue.UnscheduleSync(ctx, ref) // the user has to act first
	}
	now := s.Now()
	if !now.Before(cur.ValidUntil) {
		return s.needsSCA(ctx, &acc, ref)
	}
	acc.Unattended = recentCalls(acc.Unattended, now)
	if s.Policy.UnattendedPerDay > 0 && len(acc.Unattended) >= s.Policy.UnattendedPerDay {
		return s.Queue.ScheduleSync(ctx, ref, s.next(ctx, &acc))
	}
	prov, _, err := a.Providers.Provider(acc.ProviderID)
	if err != nil {
		return Internal("syncer.Refresh", err)
	}
	creds, err := a.Sealer.OpenCredentials(acc.SealedCredentials, aad(&acc))
	if err != nil {
		return Internal("syncer.Refresh", err)
	}
	acc.Unattended = append(acc.Unattended, now)
	snap, fetchErr := a.fetch(ctx, prov, &acc, creds, AccessOptions{})
	if fetchErr != nil {
		e := AsError(fetchErr)
		if e.Code == CodeSCARequired {
			return s.needsSCA(ctx, &acc, ref)
		}
		if e.Kind == KindInternal {
			return fetchErr
		}
		msg := e.AsMessage()
		acc.Issues, acc.IssuesAt = []Message{msg}, now
		if err := a.Store.SaveAccess(ctx, &acc, nil, []Notification{s.errorNote(&acc, msg)}); err != nil {
			return err
		}
		return s.Queue.ScheduleSync(ctx, ref, s.next(ctx, &acc))
	}
	notes, err := s.changes(ctx, &acc, snap)
	if err != nil {
		return err
	}
	return a.saveAttempt(ctx, &acc, snap, notes, nil) // schedules the next refresh
}

// needsSCA expires the consent, tells the tenant and stops refreshing.
func (s *Syncer) needsSCA(ctx context.Context, acc *BankAccess, ref SyncRef) error {
	cur := acc.CurrentSCA()
	next, err := s.Accesses.SCA.Apply(cur.State, EventExpire)
	if err != nil {
		return err
	}
	now := s.Now()
	cur.State, cur.Updated = next, now
	msg := Message{Level: LevelInfo, Code: CodeSCARequired, Message: "SCA notwendig",
		Details: "Die Zustimmung ist abgelaufen; bitte starten Sie eine neue SCA."}
	acc.Issues, acc.IssuesAt = []Message{msg}, now
	if err := s.Accesses.Store.SaveAccess(ctx, acc, nil, []Notification{s.errorNote(acc, msg)}); err != nil {
		return err
	}
	LoggerFrom(ctx, s.Log).Info("background refresh needs an SCA", zap.String("access", acc.ID))
	return s.Queue.UnscheduleSync(ctx, ref)
}

func (s *Syncer) note(acc *BankAccess, t NotificationType) Notification {
	return Notification{ID: uuid.NewString(), Type: t, Tenant: acc.Tenant, UserID: acc.UserID, AccessID: acc.ID, Occurred: s.Now()}
}

func (s *Syncer) errorNote(acc *BankAccess, msg Message) Notification {
	n := s.note(acc, NotifyError)
	n.Level, n.Code, n.Message, n.Data = msg.Level, msg.Code, msg.Message, msg.Details
	return n
}

// changes compares a fetch with what is stored: a BALANCE notification
// per product whose balance moved, a TRANSACTION notification per product
// with bookings the store has not seen.
func (s *Syncer) changes(ctx context.Context, acc *BankAccess, snap *Snapshot) ([]Notification, error) {
	var notes []Notification
	old := make(map[string]*Amount, len(acc.Products))
	for i := range acc.Products {
		old[acc.Products[i].ID] = acc.Products[i].Saldo
	}
	for _, p := range snap.Products {
		prev, known := old[p.ID]
		if !known || p.Saldo == nil || prev == nil || prev.Equal(*p.Saldo) {
			continue
		}
		n := s.note(acc, NotifyBalance)
		n.ProductID, n.OldBalance, n.NewBalance = p.ID, prev, p.Saldo
		notes = append(notes, n)
	}
	byProduct := map[string][]Transaction{}
	var order []string
	for _, t := range snap.Transactions {
		if _, seen := byProduct[t.ProductID]; !seen {
			order = append(order, t.ProductID)
		}
		byProduct[t.ProductID] = append(byProduct[t.ProductID], t)
	}
	for _, pid := range order {
		if _, known := old[pid]; !known {
			continue // a product new to the access: no "new transactions" flood
		}
		txs := byProduct[pid]
		ids := make([]string, len(txs))
		for i, t := range txs {
			ids[i] = t.ID
		}
		unseen, err := s.Accesses.Store.UnknownTransactions(ctx, acc.Tenant, acc.UserID, acc.ID, pid, ids)
		if err != nil {
			return nil, err
		}
		if len(unseen) == 0 {
			continue
		}
		n := s.note(acc, NotifyTransaction)
		n.ProductID = pid
		for _, t := range txs {
			if unseen[t.ID] {
				amount := t.Betrag
				n.NewTransactions = append(n.NewTransactions, NotifiedTransaction{PayeeName: t.GegenkontoInhaber, Amount: &amount})
			}
		}
		notes = append(notes, n)
	}
	return notes, nil
}
