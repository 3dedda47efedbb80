package aggregator

import (
	"context"
	"errors"
	"strconv"

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

// ConsentSubject is the resource a consent belongs to, as the engine sees
// it: today a bank access (accessSubject), next a payment. The engine
// moves the subject's current SCA through the machine and copies the
// bank's answer into it; what a granted consent is worth, when it ends and
// how the subject is stored are the subject's.
type ConsentSubject interface {
	// CurrentSCA is the SCA the engine works on.
	CurrentSCA() *SCA
	// Granted is told that sca was granted, before the subject settles.
	Granted(sca *SCA, out Outcome)
	// Further opens another SCA after a granted one (a bank that asks
	// for a second channel).
	Further(sca SCA)
	// Settle stores the subject after a step left sca in its new state;
	// a granted consent does what it is for (an access fetches its data).
	Settle(ctx context.Context, sca *SCA, out Outcome) error
}

// consentEngine moves SCAs: the machine's table and the clock, nothing of
// the resource behind a consent.
type consentEngine struct {
	machine SCAMachine
	now     Clock
}

func (a *Accesses) engine() consentEngine { return consentEngine{machine: a.SCA, now: a.Now} }

// transition moves the SCA by ev as the machine's table allows, or
// returns the machine's KindConflict and leaves it as it was.
func (e consentEngine) transition(cur *SCA, ev SCAEvent) error {
	next, err := e.machine.Apply(cur.State, ev)
	if err != nil {
		return err
	}
	cur.State, cur.Updated = next, e.now()
	return nil
}

// transition is the engine's, for the bank-access use cases.
func (a *Accesses) transition(cur *SCA, ev SCAEvent) error { return a.engine().transition(cur, ev) }

// advance applies a provider's outcome to the subject's current SCA: a
// further SCA when the bank asks for one, the move the outcome names
// (an outcome the table forbids is the provider breaking its contract:
// internal), the bank's offer copied in; then the subject settles.
func (e consentEngine) advance(ctx context.Context, subj ConsentSubject, out Outcome) error {
	const op = "consents.advance"
	cur := subj.CurrentSCA()
	if out.NewSCA {
		if err := e.transition(cur, EventDone); err != nil || cur.State != SCAFinalised {
			return Internal(op, errors.New("a further SCA before the current one was granted"))
		}
		subj.Granted(cur, out)
		subj.Further(e.newSCA(out.Channel))
		cur = subj.CurrentSCA()
	}
	if err := e.transition(cur, out.Step); err != nil {
		return Internal(op, err) // the provider broke the machine's contract
	}
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
	if cur.State == SCAFinalised {
		cur.Challenge = nil
		subj.Granted(cur, out)
	}
	return subj.Settle(ctx, cur, out)
}

// newSCA opens a consent process with fresh random ids.
func (e consentEngine) newSCA(channel string) SCA {
	now := e.now()
	return SCA{ConsentID: uuid.NewString(), RedirectToken: uuid.NewString(), State: SCARequired, Channel: channel,
		Started: now, Updated: now}
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
func (e consentEngine) step(ctx context.Context, ps *providerSession, state SCAState, in SCASubmission) (Outcome, error) {
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
