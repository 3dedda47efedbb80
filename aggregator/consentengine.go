package aggregator

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// The consent engine: how a submission and a provider's answer move an
// SCA. transition is the one place that writes an SCA's state, always
// through the machine's transition table (SCAMachine.Apply), so a move the
// table does not allow cannot happen; decideStep is the one table of which
// submission fits which state and which provider capability answers it;
// advance applies a provider's outcome. newSCA opens a process, validUntil
// bounds a granted consent, and the TAN choices a granted SCA made become
// the access's settings.

// transition moves the SCA by ev as the machine's table allows, or
// returns the machine's KindConflict and leaves it as it was.
func (a *Accesses) transition(cur *SCA, ev SCAEvent) error {
	next, err := a.SCA.Apply(cur.State, ev)
	if err != nil {
		return err
	}
	cur.State, cur.Updated = next, a.Now()
	return nil
}

// advance applies a provider outcome to the current SCA, fetches when the
// consent is granted, and saves.
func (a *Accesses) advance(ctx context.Context, prov Provider, acc *BankAccess, creds Credentials, out Outcome, o AccessOptions) error {
	const op = "accesses.advance"
	now := a.Now()
	cur := acc.CurrentSCA()
	if out.NewSCA {
		// The bank granted the current SCA and asks for another channel.
		if err := a.transition(cur, EventDone); err != nil || cur.State != SCAFinalised {
			return Internal(op, errors.New("a further SCA before the current one was granted"))
		}
		keepTANChoice(acc, cur)
		cur.ValidUntil, cur.Updated = a.validUntil(acc, out, now), now
		acc.SCAs = append(acc.SCAs, a.newSCA(out.Channel))
		cur = acc.CurrentSCA()
	}
	if err := a.transition(cur, out.Step); err != nil {
		return Internal(op, err) // the provider broke the machine's contract
	}
	next := cur.State
	cur.Messages = out.Messages
	if out.Channel != "" {
		cur.Channel = out.Channel
	}
	if out.Methods != nil {
		cur.Methods = out.Methods
	}
	if out.Media != nil {
		cur.Media = out.Media
	}
	if out.ActiveMethod != nil {
		cur.ActiveMethod = out.ActiveMethod
	}
	cur.Challenge = out.Challenge
	if err := a.sealState(acc, out.State); err != nil {
		return err
	}
	switch next {
	case SCAFinalised:
		keepTANChoice(acc, cur)
		acc.Unattended = nil // a new consent, a new unattended budget
		cur.ValidUntil = a.validUntil(acc, out, now)
		cur.Challenge = nil
		snap, err := a.fetch(ctx, prov, acc, creds, o)
		return a.saveAttempt(ctx, acc, snap, nil, err)
	case SCAFailed:
		acc.Status = StatusComplete
	case SCARedirect:
		acc.Status = StatusInteraction
		ref := RedirectRef{Tenant: acc.Tenant, UserID: acc.UserID, AccessID: acc.ID, ConsentID: cur.ConsentID}
		if err := a.Store.SaveRedirect(ctx, cur.RedirectToken, ref, redirectTTL); err != nil {
			return err
		}
	default:
		acc.Status = StatusInteraction
	}
	return a.Store.SaveAccess(ctx, acc, nil, nil)
}

// newSCA opens a consent process with fresh random ids.
func (a *Accesses) newSCA(channel string) SCA {
	now := a.Now()
	return SCA{ConsentID: uuid.NewString(), RedirectToken: uuid.NewString(), State: SCARequired, Channel: channel,
		Started: now, Updated: now}
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

// submissionKind is what a SubmitScaData body carries. The first field
// set counts, in this order: a method, a medium, authentication data;
// none is the empty object that confirms a decoupled approval.
type submissionKind uint8

const (
	submitMethod submissionKind = iota
	submitMedium
	submitAuthData
	submitEmpty
)

func kindOf(in SCASubmission) submissionKind {
	switch {
	case in.MethodID != nil:
		return submitMethod
	case in.Medium != nil:
		return submitMedium
	case in.AuthData != nil:
		return submitAuthData
	}
	return submitEmpty
}

var submissionNames = [...]string{"chosenScaMethodId", "chosenScaMedia", "scaAuthenticationData", "an empty submission"}

// stepCall is the provider call that answers a submission.
type stepCall uint8

const (
	callSelectMethod  stepCall = iota + 1 // EmbeddedSCA.SelectMethod
	callSelectMedium                      // EmbeddedSCA.SelectMedium
	callAuthenticate                      // EmbeddedSCA.Authenticate
	callPollDecoupled                     // DecoupledSCA.Poll
)

// stepRules is THE table of submissions: in which state a kind of
// submission is taken, and which provider call answers it. Anything else
// is a conflict, except an empty submission to a challenge, which lacks
// its TAN (invalid).
var stepRules = []struct {
	kind  submissionKind
	state SCAState
	call  stepCall
}{
	{submitMethod, SCAMethodSelection, callSelectMethod},
	{submitMedium, SCAMediumSelection, callSelectMedium},
	{submitAuthData, SCAChallenge, callAuthenticate},
	// A decoupled approval is confirmed by any submission: the bank is asked.
	{submitAuthData, SCADecoupled, callPollDecoupled},
	{submitEmpty, SCADecoupled, callPollDecoupled},
}

// capabilities are the optional SCA interfaces a provider implements.
type capabilities struct {
	embedded  EmbeddedSCA
	decoupled DecoupledSCA
}

func capabilitiesOf(prov Provider) capabilities {
	e, _ := prov.(EmbeddedSCA)
	d, _ := prov.(DecoupledSCA)
	return capabilities{embedded: e, decoupled: d}
}

func (c capabilities) can(call stepCall) bool {
	if call == callPollDecoupled {
		return c.decoupled != nil
	}
	return c.embedded != nil
}

// decideStep picks the provider call for a submission in state, or the
// refusal: KindInvalid for a challenge answered without its TAN,
// KindConflict for a submission that does not fit the step (or a step the
// provider cannot take).
func decideStep(state SCAState, kind submissionKind, caps capabilities) (stepCall, error) {
	const op = "accesses.Submit"
	for _, r := range stepRules {
		if r.kind == kind && r.state == state && caps.can(r.call) {
			return r.call, nil
		}
	}
	if kind == submitEmpty && state == SCAChallenge {
		return 0, invalidf(op, "scaAuthenticationData is required to answer the challenge")
	}
	return 0, &Error{Kind: KindConflict, Op: op, Message: submissionNames[kind] + " does not fit the consent's current step",
		Details: "the consent is in state " + string(state) + "; follow the relations of the bank access"}
}

// step makes the provider call decideStep picked.
func (a *Accesses) step(ctx context.Context, ps *providerSession, state SCAState, in SCASubmission) (Outcome, error) {
	caps := capabilitiesOf(ps.prov)
	call, err := decideStep(state, kindOf(in), caps)
	if err != nil {
		return Outcome{}, err
	}
	switch call {
	case callSelectMethod:
		code, err := strconv.Atoi(*in.MethodID)
		if err != nil {
			return Outcome{}, &Error{Kind: KindInvalid, Op: "accesses.Submit", Code: CodeInvalidTANProcedure,
				Message: "Ungültiges TAN-Verfahren", Details: "chosenScaMethodId " + quoteShort(*in.MethodID) + " is not a method code"}
		}
		return caps.embedded.SelectMethod(ctx, ps.req, code)
	case callSelectMedium:
		return caps.embedded.SelectMedium(ctx, ps.req, *in.Medium)
	case callAuthenticate:
		return caps.embedded.Authenticate(ctx, ps.req, *in.AuthData)
	default:
		return caps.decoupled.Poll(ctx, ps.req)
	}
}

// providerSession is one call's view of the bank: the provider, the
// access's unsealed credentials and provider state, and the step request
// built from them, once per call.
type providerSession struct {
	prov  Provider
	creds Credentials
	req   StepRequest
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
