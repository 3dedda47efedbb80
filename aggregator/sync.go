package aggregator

import (
	"context"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
)

// Syncer refreshes synced accesses in the background and turns what it
// finds into notifications (new transactions, changed balances, errors),
// saved in the same atomic step as the data.
type Syncer struct {
	Accesses *Accesses
	Planner  *SyncPlanner  // the policy and the queue, shared with Accesses
	Lease    time.Duration // how long a claimed refresh is one worker's; 0: 2 min
	Now      Clock
	Log      *zap.Logger
}

func (s *Syncer) lease() time.Duration {
	if s.Lease > 0 {
		return s.Lease
	}
	return 2 * time.Minute
}

// RunOnce refreshes up to n due accesses and returns how many it claimed.
func (s *Syncer) RunOnce(ctx context.Context, n int) (int, error) {
	refs, err := s.Planner.Queue.ClaimSyncs(ctx, s.Now(), s.lease(), n)
	if err != nil {
		return 0, err
	}
	for _, ref := range refs {
		if err := s.Refresh(ctx, ref); err != nil {
			LoggerFrom(ctx, s.Log).Warn("background refresh failed", zap.String("tenant", ref.Tenant),
				zap.String("access", ref.AccessID), zap.Error(err))
			// Try again after a short while; the lease keeps others off meanwhile.
			_ = s.Planner.Queue.ScheduleSync(ctx, ref, s.Now().Add(min(s.Planner.Policy.Interval, 5*time.Minute)))
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
	acc, err := a.Stored(ctx, ref)
	if IsNotFound(err) {
		return s.Planner.Queue.UnscheduleSync(ctx, ref)
	}
	if err != nil {
		return err
	}
	cur := acc.CurrentSCA()
	if !acc.Sync || cur == nil || cur.State != SCAFinalised {
		return s.Planner.Queue.UnscheduleSync(ctx, ref) // the user has to act first
	}
	now := s.Now()
	if !now.Before(cur.ValidUntil) {
		return s.needsSCA(ctx, &acc, ref)
	}
	acc.Unattended = recentCalls(acc.Unattended, now)
	if s.Planner.Policy.UnattendedPerDay > 0 && len(acc.Unattended) >= s.Planner.Policy.UnattendedPerDay {
		return s.Planner.Queue.ScheduleSync(ctx, ref, s.Planner.Next(ctx, &acc))
	}
	acc.Unattended = append(acc.Unattended, now)
	snap, fetchErr := a.FetchUnattended(ctx, &acc)
	if fetchErr != nil {
		e := AsError(fetchErr)
		if e.Code == CodeSCARequired {
			return s.needsSCA(ctx, &acc, ref)
		}
		if e.Kind == KindInternal {
			return fetchErr
		}
		msg := e.AsMessage()
		if err := a.RecordIssue(ctx, &acc, msg, s.errorNote(&acc, msg)); err != nil {
			return err
		}
		return s.Planner.Queue.ScheduleSync(ctx, ref, s.Planner.Next(ctx, &acc))
	}
	notes, err := s.changes(ctx, &acc, snap)
	if err != nil {
		return err
	}
	return a.SaveFetched(ctx, &acc, snap, notes) // plans the next refresh
}

// needsSCA expires the consent, tells the tenant and stops refreshing.
func (s *Syncer) needsSCA(ctx context.Context, acc *BankAccess, ref SyncRef) error {
	msg := Message{Level: LevelInfo, Code: CodeSCARequired, Message: "SCA notwendig",
		Details: "Die Zustimmung ist abgelaufen; bitte starten Sie eine neue SCA."}
	if err := s.Accesses.ExpireConsent(ctx, acc, msg, s.errorNote(acc, msg)); err != nil {
		return err
	}
	LoggerFrom(ctx, s.Log).Info("background refresh needs an SCA", zap.String("access", acc.ID))
	return s.Planner.Queue.UnscheduleSync(ctx, ref)
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
		unseen, err := s.Accesses.UnknownTransactions(ctx, acc, pid, ids)
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
