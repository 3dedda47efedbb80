package aggregator

import "context"

// The Consent resource (GET, POST /customer/v2/consent/{id}, GET …/poll,
// POST …/cancel): one SCA process seen on its own, whatever resource it
// belongs to. Today every consent belongs to a bank access; payments will
// add theirs.

// Open reports whether the SCA is under way: a client can still act on it
// (it is neither granted nor failed).
func (s *SCA) Open() bool { return s.State != SCAFinalised && s.State != SCAFailed }

// ConsentView is what the Consent resource shows: the state's message and
// the last step's messages, the methods, media and challenge it offers,
// and the relations that drive it. It has no id and no status (the seed's
// Consent has neither): the messages' codes and the relations present tell
// the state.
type ConsentView struct {
	SCA       *SCA
	Messages  []Message
	Methods   []SCAMethod // while a method is to be chosen
	Media     []TANMedium // while a medium is to be chosen
	Challenge *Challenge  // while the user answers one (TAN, app, bank page)
	Relations []Rel
}

// ConsentView builds the consent's view from its access. The relations
// are the SCA's next steps (start_sca belongs to the bank access, which
// offers it) plus self.
func (a *Accesses) ConsentView(acc BankAccess, consentID string) ConsentView {
	s := acc.SCAByConsent(consentID)
	v := ConsentView{SCA: s, Messages: []Message{}, Relations: []Rel{RelSelf}}
	if s == nil {
		return v
	}
	if m, ok := a.SCA.Message(s.State); ok && s.Open() {
		v.Messages = append(v.Messages, m)
	}
	v.Messages = append(v.Messages, s.Messages...)
	// Each step shows what it asks about, as the seed's examples do.
	switch s.State {
	case SCAMethodSelection:
		v.Methods = s.Methods
	case SCAMediumSelection:
		v.Media = s.Media
	case SCAChallenge, SCADecoupled, SCARedirect:
		v.Challenge = s.Challenge
	}
	for _, r := range a.SCA.Relations(s.State) {
		if r != RelStartSCA {
			v.Relations = append(v.Relations, r)
		}
	}
	return v
}

// Consent returns the access a consent belongs to, as stored: unlike Poll
// it never asks the bank. Errors: KindNotFound for an unknown consent or
// another user's; KindConflict for a consent a newer SCA replaced.
func (a *Accesses) Consent(ctx context.Context, p Principal, consentID string) (BankAccess, error) {
	acc, _, err := a.consent(ctx, p, "", consentID, "accesses.Consent")
	return acc, err
}
