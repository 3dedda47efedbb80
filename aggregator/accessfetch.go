package aggregator

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// Fetching from the bank and storing what came back: a fetch, its save
// (which plans the next background refresh), a bank's refusal recorded as
// an issue, and the sealed provider state between calls.

func (a *Accesses) fetch(ctx context.Context, prov Provider, acc *BankAccess, creds Credentials, o AccessOptions) (*Snapshot, error) {
	state, err := a.openState(acc)
	if err != nil {
		return nil, err
	}
	from := a.Now().Add(-DefaultTransactionWindow)
	if o.MaxTransactions == "all" || o.MaxTransactions == "paymentAccounts" || acc.Updated.IsZero() {
		from = time.Time{} // the first fetch and maxTransactions read everything the bank has
	}
	snap, err := prov.Fetch(ctx, FetchRequest{AccessID: acc.ID, Credentials: creds, State: state,
		SelectedProducts: acc.SelectedProducts, From: from, HeadOnly: o.HeadOnly})
	if err != nil {
		return nil, err
	}
	return &snap, nil
}

// saveAttempt stores a fetch's result. A failed attempt never overwrites
// the stable data: it records issues (the tentative state) only. notes
// are saved with a successful fetch's data.
func (a *Accesses) saveAttempt(ctx context.Context, acc *BankAccess, snap *Snapshot, notes []Notification, fetchErr error) error {
	now := a.Now()
	if fetchErr != nil {
		return a.bankFailed(ctx, acc, fetchErr)
	}
	acc.Products = snap.Products
	for i := range acc.Products {
		if acc.Products[i].Updated.IsZero() {
			acc.Products[i].Updated = now
		}
	}
	acc.Updated, acc.Status, acc.Messages = now, StatusComplete, nil
	acc.Issues, acc.IssuesAt = nil, now
	if err := a.Store.SaveAccess(ctx, acc, snap, notes); err != nil {
		return err
	}
	if a.Scheduler != nil {
		if err := a.Scheduler.Schedule(ctx, acc); err != nil {
			// The data is saved; the next user-driven fetch schedules again.
			a.log(ctx).Warn("background refresh not scheduled", zap.String("access", acc.ID), zap.Error(err))
		}
	}
	return nil
}

// SyncScheduler plans an access's next background refresh (Syncer).
type SyncScheduler interface {
	Schedule(ctx context.Context, acc *BankAccess) error
}

// bankFailed records a bank's refusal. A new access is stored with the
// message (the client sees it on GET, as with BANKSapi); an existing one
// keeps its stable data and gets the message as an issue. Timeouts are
// also returned to the caller (504).
func (a *Accesses) bankFailed(ctx context.Context, acc *BankAccess, bankErr error) error {
	e := AsError(bankErr)
	if e.Kind == KindInternal || e.Kind == KindConflict {
		return bankErr
	}
	msg := e.AsMessage()
	a.log(ctx).Info("bank refused", zap.String("access", acc.ID), zap.String("code", string(msg.Code)))
	acc.Issues, acc.IssuesAt = []Message{msg}, a.Now()
	if acc.Version == 0 {
		acc.Messages, acc.Status = []Message{msg}, StatusComplete
	}
	if cur := acc.CurrentSCA(); cur != nil && cur.State == SCARequired {
		acc.SCAs = acc.SCAs[:len(acc.SCAs)-1] // the login never got as far as an SCA
	}
	if err := a.Store.SaveAccess(ctx, acc, nil, nil); err != nil {
		return err
	}
	if e.Kind == KindTimeout {
		return bankErr
	}
	return nil
}

func (a *Accesses) openState(acc *BankAccess) (ProviderState, error) {
	if len(acc.SealedState) == 0 {
		return nil, nil
	}
	b, err := a.Sealer.Open(acc.SealedState, aad(acc))
	if err != nil {
		return nil, Internal("accesses.openState", err)
	}
	return ProviderState(b), nil
}

func (a *Accesses) sealState(acc *BankAccess, s ProviderState) error {
	if s == nil {
		return nil
	}
	sealed, err := a.Sealer.Seal(s, aad(acc))
	if err != nil {
		return Internal("accesses.sealState", err)
	}
	acc.SealedState = sealed
	return nil
}
