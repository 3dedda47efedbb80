package aggregator

import (
	"context"
	"errors"
	"net/url"

	"go.uber.org/zap"
)

// The consent use cases: a step submitted to a consent, a poll, a cancel,
// the return from a bank's redirect page, and finding and claiming a
// consent. Each loads the consent's access, claims it where it writes, and
// lets the engine (consentengine.go) apply the bank's answer.

// Submit drives the consent with one SubmitScaData body and returns the
// access after the step.
func (a *Accesses) Submit(ctx context.Context, p Principal, accessID, consentID string, in SCASubmission) (BankAccess, error) {
	const op = "accesses.Submit"
	acc, cur, err := a.lockedConsent(ctx, p, accessID, consentID, op)
	if err != nil {
		return BankAccess{}, err
	}
	defer a.Store.Unlock(ctx, &acc)
	ps, err := a.session(&acc, cur)
	if err != nil {
		return BankAccess{}, err
	}
	out, err := a.engine().step(ctx, ps, cur.State, in)
	if err != nil {
		return BankAccess{}, err
	}
	rememberTANChoice(cur, in)
	if err := a.engine().advance(ctx, a.subject(&acc, ps.prov, ps.creds, AccessOptions{}), out); err != nil {
		return BankAccess{}, err
	}
	return acc, nil
}

// Poll is GET on a consent: for a decoupled SCA it asks the bank whether
// the user approved; otherwise it shows the access as it is.
func (a *Accesses) Poll(ctx context.Context, p Principal, accessID, consentID string) (BankAccess, error) {
	const op = "accesses.Poll"
	acc, cur, err := a.consent(ctx, p, accessID, consentID, op)
	if err != nil || cur.State != SCADecoupled {
		return acc, err
	}
	acc, err = a.Submit(ctx, p, accessID, consentID, SCASubmission{})
	if ErrorKind(err) == KindConflict { // another poll is under way: show the state as it is
		acc, _, err = a.consent(ctx, p, accessID, consentID, op)
	}
	return acc, err
}

// Cancel cancels a redirect SCA (the seed allows it for that approach only)
// and stops the access's background sync.
func (a *Accesses) Cancel(ctx context.Context, p Principal, accessID, consentID string) (BankAccess, error) {
	const op = "accesses.Cancel"
	acc, cur, err := a.lockedConsent(ctx, p, accessID, consentID, op)
	if err != nil {
		return BankAccess{}, err
	}
	defer a.Store.Unlock(ctx, &acc)
	// The table allows cancel in the redirect approach only, as the seed does.
	if err := a.transition(cur, EventCancel); err != nil {
		return BankAccess{}, &Error{Kind: KindConflict, Op: op, Message: "only a redirect SCA can be cancelled",
			Details: "the consent is in state " + string(cur.State), Err: err}
	}
	cur.Challenge = nil
	cur.Messages = []Message{{Level: LevelError, Code: CodeSCAFailed, Message: "SCA fehlgeschlagen", Details: "Redirect-SCA wurde abgebrochen"}}
	acc.Status, acc.Sync = StatusComplete, false
	if err := a.Store.SaveAccess(ctx, &acc, nil, nil); err != nil {
		return BankAccess{}, err
	}
	return acc, nil
}

// CompleteRedirect takes what a bank's redirect page returned for the
// consent behind token and returns where to send the user's browser (the
// access's callbackUrl if it still passes CheckCallbackURL, "" when none
// was given or it does not). It needs no principal: the unguessable token
// in the page's link is the capability, and it works once.
func (a *Accesses) CompleteRedirect(ctx context.Context, token string, result url.Values) (string, error) {
	const op = "accesses.CompleteRedirect"
	ref, err := a.Store.Redirect(ctx, token)
	if err != nil {
		return "", err
	}
	p := Principal{Tenant: ref.Tenant, UserID: ref.UserID}
	acc, cur, err := a.lockedConsent(ctx, p, ref.AccessID, ref.ConsentID, op)
	if err != nil {
		return "", err
	}
	defer a.Store.Unlock(ctx, &acc)
	if cur.State != SCARedirect {
		return "", &Error{Kind: KindConflict, Op: op, Message: "the consent is not waiting for a redirect",
			Details: "the consent is in state " + string(cur.State)}
	}
	ps, err := a.session(&acc, cur)
	if err != nil {
		return "", err
	}
	redirecting, ok := ps.prov.(RedirectSCA)
	if !ok {
		return "", Internal(op, errors.New("provider offers a redirect SCA without completing one"))
	}
	ps.req.RedirectToken = token
	out, err := redirecting.CompleteRedirect(ctx, ps.req, result)
	if err != nil {
		return "", err
	}
	if err := a.engine().advance(ctx, a.subject(&acc, ps.prov, ps.creds, AccessOptions{}), out); err != nil {
		return "", err
	}
	if err := a.Store.DeleteRedirect(ctx, token); err != nil {
		a.log(ctx).Warn("redirect token not deleted", zap.Error(err))
	}
	// Defence in depth: the callback was checked when it was stored, but
	// perhaps under older rules. The access does not record its client,
	// so only the structural rules apply here; a refused callback ends on
	// the bank's own page instead.
	if acc.CallbackURL == "" {
		return "", nil
	}
	if err := CheckCallbackURL(acc.CallbackURL, nil); err != nil {
		a.log(ctx).Warn("stored callbackUrl refused, not redirecting", zap.String("access", acc.ID), zap.Error(err))
		return "", nil
	}
	return acc.CallbackURL, nil
}

// lockedConsent claims a consent for one step (a concurrent step gets
// KindConflict) and loads it in one store call. The claim travels in
// acc.Lock: the step's save releases it; callers defer Store.Unlock for
// the paths that do not save.
func (a *Accesses) lockedConsent(ctx context.Context, p Principal, accessID, consentID, op string) (BankAccess, *SCA, error) {
	acc, err := a.Store.LockAndLoad(ctx, p.Tenant, p.UserID, accessID, consentID, consentLockTTL)
	if err != nil {
		return BankAccess{}, nil, err
	}
	cur, err := a.checkConsent(&acc, accessID, consentID, op)
	if err != nil {
		a.Store.Unlock(ctx, &acc)
		return BankAccess{}, nil, err
	}
	return acc, cur, nil
}

// consent loads the access of a consent and checks the consent is the
// current one; accessID "" means the generic /customer/v2/consent route.
func (a *Accesses) consent(ctx context.Context, p Principal, accessID, consentID, op string) (BankAccess, *SCA, error) {
	acc, err := a.Store.AccessByConsent(ctx, p.Tenant, p.UserID, consentID)
	if err != nil {
		return BankAccess{}, nil, err
	}
	cur, err := a.checkConsent(&acc, accessID, consentID, op)
	return acc, cur, err
}

// checkConsent finds the consent in its access and insists it is current.
func (a *Accesses) checkConsent(acc *BankAccess, accessID, consentID, op string) (*SCA, error) {
	if accessID != "" && acc.ID != accessID {
		return nil, NotFound(op, "consent")
	}
	a.expire(acc)
	cur := acc.CurrentSCA()
	if cur == nil || cur.ConsentID != consentID {
		sca := acc.SCAByConsent(consentID)
		if sca == nil {
			return nil, NotFound(op, "consent")
		}
		return sca, &Error{Kind: KindConflict, Op: op, Message: "consent is no longer current",
			Details: "a newer SCA was started for this bank access"}
	}
	return cur, nil
}

// expire shows a granted consent whose time ran out as required again.
func (a *Accesses) expire(acc *BankAccess) {
	if cur := acc.CurrentSCA(); cur != nil && cur.State == SCAFinalised && !a.Now().Before(cur.ValidUntil) {
		_ = a.transition(cur, EventExpire) // finalised → required is always in the table
	}
}
