package aggregator

import (
	"context"
	"errors"
)

var errNoSCA = errors.New("the access has no SCA")

// Refreshing a stored access without its user: what the Syncer asks of
// the bank-access use case. Provider lookup, credentials and state stay
// here; the Syncer only decides when and what to tell the tenant.

// Stored returns a synced access as stored, for a worker that acts
// without its user. Errors: KindNotFound once the access is gone.
func (a *Accesses) Stored(ctx context.Context, ref SyncRef) (BankAccess, error) {
	return a.Store.Access(ctx, ref.Tenant, ref.UserID, ref.AccessID)
}

// FetchUnattended asks the bank for what a stored access holds now, with
// its sealed credentials and provider state.
func (a *Accesses) FetchUnattended(ctx context.Context, acc *BankAccess) (*Snapshot, error) {
	prov, creds, err := a.bank(acc)
	if err != nil {
		return nil, err
	}
	return a.fetch(ctx, prov, acc, creds, AccessOptions{})
}

// SaveFetched stores a fetch's result with the notifications it caused,
// in one atomic step, and plans the next refresh.
func (a *Accesses) SaveFetched(ctx context.Context, acc *BankAccess, snap *Snapshot, notes []Notification) error {
	return a.saveAttempt(ctx, acc, snap, notes, nil)
}

// RecordIssue stores a failed refresh's message as the access's issue,
// with its notification; the stable data stays as it was.
func (a *Accesses) RecordIssue(ctx context.Context, acc *BankAccess, msg Message, note Notification) error {
	acc.Issues, acc.IssuesAt = []Message{msg}, a.Now()
	return a.Store.SaveAccess(ctx, acc, nil, []Notification{note})
}

// ExpireConsent moves the access's granted consent, whose time ran out,
// back to required (the machine's expire event) and records msg as the
// access's issue with its notification.
func (a *Accesses) ExpireConsent(ctx context.Context, acc *BankAccess, msg Message, note Notification) error {
	cur := acc.CurrentSCA()
	if cur == nil {
		return Internal("accesses.ExpireConsent", errNoSCA)
	}
	if err := a.transition(cur, EventExpire); err != nil {
		return err
	}
	acc.Issues, acc.IssuesAt = []Message{msg}, a.Now()
	return a.Store.SaveAccess(ctx, acc, nil, []Notification{note})
}

// UnknownTransactions returns which of ids a product of the access has
// not stored yet.
func (a *Accesses) UnknownTransactions(ctx context.Context, acc *BankAccess, productID string, ids []string) (map[string]bool, error) {
	return a.Store.UnknownTransactions(ctx, acc.Tenant, acc.UserID, acc.ID, productID, ids)
}
