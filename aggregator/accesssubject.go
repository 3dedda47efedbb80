package aggregator

import (
	"context"
	"strconv"
	"time"
)

// A bank access as the subject of its consents: what a granted consent
// does for it (fetch the data, keep the TAN choices, a consent end bounded
// by the provider's validity), how it is stored after a step, and where
// its provider session comes from.

// accessSubject is a bank access as a consent's subject.
type accessSubject struct {
	a     *Accesses
	acc   *BankAccess
	prov  Provider
	creds Credentials
	o     AccessOptions
}

func (a *Accesses) subject(acc *BankAccess, prov Provider, creds Credentials, o AccessOptions) accessSubject {
	return accessSubject{a: a, acc: acc, prov: prov, creds: creds, o: o}
}

func (s accessSubject) CurrentSCA() *SCA { return s.acc.CurrentSCA() }

func (s accessSubject) Further(sca SCA) { s.acc.SCAs = append(s.acc.SCAs, sca) }

// Granted keeps the TAN choices as the access's settings, gives the
// consent its end and a fresh unattended budget.
func (s accessSubject) Granted(sca *SCA, out Outcome) {
	keepTANChoice(s.acc, sca)
	sca.ValidUntil = s.a.validUntil(s.acc, out, s.a.Now())
	s.acc.Unattended = nil
}

// Settle seals the provider's state and stores the access: a granted
// consent fetches the data, a redirect remembers its token, every other
// step waits for the user.
func (s accessSubject) Settle(ctx context.Context, sca *SCA, out Outcome) error {
	a, acc := s.a, s.acc
	if err := a.sealState(acc, out.State); err != nil {
		return err
	}
	switch sca.State {
	case SCAFinalised:
		snap, err := a.fetch(ctx, s.prov, acc, s.creds, s.o)
		return a.saveAttempt(ctx, acc, snap, nil, err)
	case SCAFailed:
		acc.Status = StatusComplete
	case SCARedirect:
		acc.Status = StatusInteraction
		ref := RedirectRef{Tenant: acc.Tenant, UserID: acc.UserID, AccessID: acc.ID, ConsentID: sca.ConsentID}
		if err := a.Store.SaveRedirect(ctx, sca.RedirectToken, ref, redirectTTL); err != nil {
			return err
		}
	default:
		acc.Status = StatusInteraction
	}
	return a.Store.SaveAccess(ctx, acc, nil, nil)
}

// validUntil is when a consent granted now ends: what the bank said,
// bounded by the provider's configured validity.
func (a *Accesses) validUntil(acc *BankAccess, out Outcome, now time.Time) time.Time {
	limit := DefaultConsentValidity
	if _, info, err := a.Providers.Provider(acc.ProviderID); err == nil && info.ConsentValidity > 0 {
		limit = info.ConsentValidity
	}
	end := now.Add(limit)
	if !out.ConsentValidUntil.IsZero() && out.ConsentValidUntil.Before(end) {
		end = out.ConsentValidUntil
	}
	return end
}

// rememberTANChoice notes the method or medium the bank just accepted on
// the SCA; they become the access's TAN settings only when the SCA
// succeeds, so a choice that led nowhere is offered afresh next time.
func rememberTANChoice(cur *SCA, in SCASubmission) {
	switch {
	case in.MethodID != nil:
		if code, err := strconv.Atoi(*in.MethodID); err == nil {
			cur.TANChoice = &TANSettings{MethodCode: code}
		}
	case in.Medium != nil:
		if cur.TANChoice == nil {
			cur.TANChoice = &TANSettings{}
		}
		cur.TANChoice.Medium = *in.Medium
	}
}

// keepTANChoice makes a granted SCA's choices the access's TAN settings.
func keepTANChoice(acc *BankAccess, granted *SCA) {
	if granted.TANChoice != nil {
		acc.TANSettings = granted.TANChoice
	}
}

// bank returns the access's provider and its unsealed credentials.
func (a *Accesses) bank(acc *BankAccess) (Provider, Credentials, error) {
	const op = "accesses.bank"
	prov, _, err := a.Providers.Provider(acc.ProviderID)
	if err != nil {
		return nil, nil, Internal(op, err)
	}
	creds, err := a.Sealer.OpenCredentials(acc.SealedCredentials, aad(acc))
	if err != nil {
		return nil, nil, Internal(op, err)
	}
	return prov, creds, nil
}

// session opens the provider session of the access's consent cur.
func (a *Accesses) session(acc *BankAccess, cur *SCA) (*providerSession, error) {
	prov, creds, err := a.bank(acc)
	if err != nil {
		return nil, err
	}
	state, err := a.openState(acc)
	if err != nil {
		return nil, err
	}
	return &providerSession{prov: prov, creds: creds, req: StepRequest{AccessID: acc.ID, ConsentID: cur.ConsentID,
		Credentials: creds, CallbackURL: acc.CallbackURL, RedirectToken: cur.RedirectToken, State: state}}, nil
}
