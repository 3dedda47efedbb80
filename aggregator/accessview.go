package aggregator

import "time"

// AccessView is what a bank access shows a client: its record plus the
// messages and relations its state implies. Package web renders it.
type AccessView struct {
	Access    BankAccess
	SCA       *SCA // the current consent process, if any
	Messages  []Message
	Relations []Rel
}

// View derives the messages and relations of an access.
func (a *Accesses) View(acc BankAccess) AccessView {
	v := AccessView{Access: acc, SCA: acc.CurrentSCA()}
	v.Messages = append(v.Messages, acc.Messages...)
	v.Relations = []Rel{RelSelf, RelDeleteBankzugang, RelGetIssues}
	if len(acc.SealedCredentials) > 0 {
		v.Relations = append(v.Relations, RelRefreshBankzugang)
	}
	if s := v.SCA; s != nil {
		failed := s.State == SCAFailed
		if m, ok := a.SCA.Message(s.State); ok && (!failed || !hasCode(s.Messages, CodeSCAFailed) && !hasCode(s.Messages, CodeSCANoMethod)) {
			v.Messages = append(v.Messages, m)
		}
		v.Messages = append(v.Messages, s.Messages...)
		if failed { // as the seed's cancel example: the failure, then "SCA notwendig"
			if m, ok := a.SCA.Message(SCARequired); ok {
				v.Messages = append(v.Messages, m)
			}
		}
		v.Relations = append(v.Relations, a.SCA.Relations(s.State)...)
		if s.Challenge != nil && len(s.Challenge.PDF) > 0 {
			v.Relations = append(v.Relations, RelGetChallengePDF)
		}
		if s.Open() {
			v.Relations = append(v.Relations, RelGetConsent)
		}
	}
	if v.Messages == nil {
		v.Messages = []Message{}
	}
	return v
}

// ViewUntil is when the view of an unchanged access changes by itself: the
// end of its granted consent (zero: never).
func ViewUntil(acc BankAccess) time.Time {
	if s := acc.CurrentSCA(); s != nil && s.State == SCAFinalised {
		return s.ValidUntil
	}
	return time.Time{}
}

// IssuesView is the tentative state behind /issues: the messages of the
// last attempt with the current SCA's relations.
func (a *Accesses) IssuesView(acc BankAccess) AccessView {
	v := a.View(acc)
	v.Messages = append(append([]Message{}, acc.Issues...), v.Messages...)
	return v
}

// ProductRelations are the relations a product offers.
func ProductRelations(p Product) []Rel {
	if p.Kategorie == "DEPOT" {
		return []Rel{RelSelf, RelGetDepotpositionen}
	}
	return []Rel{RelSelf, RelGetKontoumsaetze}
}

func hasCode(ms []Message, c MessageCode) bool {
	for _, m := range ms {
		if m.Code == c {
			return true
		}
	}
	return false
}
