package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// The Consent resource under /customer/v2/consent/{consent-id}: GET shows
// the consent as stored (the bank is not asked), POST submits one step,
// GET …/poll asks the bank about a decoupled approval, POST …/cancel
// cancels a redirect SCA. Each answers the seed's Consent object. The
// bank-access-scoped consent routes keep answering the bank access.

// scaMethodJSON is SecurityProcedureEn.
type scaMethodJSON struct {
	Code int    `json:"code"`
	Name string `json:"name,omitempty"`
	Hint string `json:"hint,omitempty"`
}

// scaMediumJSON is TanMediumEn.
type scaMediumJSON struct {
	Name       string `json:"name"`
	MediaClass string `json:"mediaClass,omitempty"`
	ValidFrom  string `json:"validFrom,omitempty"`
	ValidTo    string `json:"validTo,omitempty"`
}

// consentJSON is the seed's Consent: no id and no status; the messages'
// codes and the relations present tell the state.
type consentJSON struct {
	Messages   []aggregator.Message  `json:"messages"`
	ScaMethods []scaMethodJSON       `json:"scaMethods,omitempty"`
	ScaMediums []scaMediumJSON       `json:"scaMediums,omitempty"`
	Challenge  *challengeJSON        `json:"challenge,omitempty"`
	Relations  []aggregator.Relation `json:"relations"`
}

// englishMediaClass maps the German media classes the bank access shows
// (TanMedium.medienklasse) to the English enum of TanMediumEn.mediaClass.
var englishMediaClass = map[string]string{
	"LISTE": "LIST", "GENERATOR": "GENERATOR", "MOBIL": "MOBILE", "SECODER": "SECODER",
	"PUSHTAN": "PUSHTAN", "ALL": "ALL", "PROPRIETARY": "PROPRIETARY",
}

func (s *Server) newConsentJSON(v aggregator.ConsentView) consentJSON {
	out := consentJSON{Messages: v.Messages, Challenge: newChallengeJSON(v.Challenge),
		ScaMethods: mapSlice(v.Methods, func(m aggregator.SCAMethod) scaMethodJSON {
			return scaMethodJSON{Code: m.Code, Name: m.Name, Hint: m.Hint}
		}),
		ScaMediums: mapSlice(v.Media, func(m aggregator.TANMedium) scaMediumJSON {
			return scaMediumJSON{Name: m.Name, MediaClass: englishMediaClass[m.Class], ValidFrom: timestamp(m.ValidFrom), ValidTo: timestamp(m.ValidTo)}
		})}
	for _, r := range v.Relations {
		if rel, ok := s.links.consentRel(r, v.SCA); ok {
			out.Relations = append(out.Relations, rel)
		}
	}
	return out
}

// writeConsent answers the Consent resource of consentID in acc.
func (s *Server) writeConsent(c *gin.Context, acc aggregator.BankAccess, consentID string) {
	writeJSON(c, http.StatusOK, s.newConsentJSON(s.accesses.ConsentView(acc, consentID)))
}

// getConsent is GET /customer/v2/consent/{consent-id}: the consent as
// stored, without asking the bank.
func (s *Server) getConsent(c *gin.Context) error {
	acc, err := s.accesses.Consent(c.Request.Context(), principal(c), c.Param("consent"))
	if err != nil {
		return err
	}
	s.writeConsent(c, acc, c.Param("consent"))
	return nil
}

// submitConsentResource is POST /customer/v2/consent/{consent-id}.
func (s *Server) submitConsentResource(c *gin.Context) error {
	sub, err := s.decodeSubmission(c)
	if err != nil {
		return err
	}
	acc, err := s.accesses.Submit(c.Request.Context(), principal(c), "", c.Param("consent"), sub)
	if err != nil {
		return err
	}
	s.writeConsent(c, acc, c.Param("consent"))
	return nil
}

// pollConsentResource is GET /customer/v2/consent/{consent-id}/poll: a
// decoupled SCA asks the bank whether the user approved.
func (s *Server) pollConsentResource(c *gin.Context) error {
	acc, err := s.accesses.Poll(c.Request.Context(), principal(c), "", c.Param("consent"))
	if err != nil {
		return err
	}
	s.writeConsent(c, acc, c.Param("consent"))
	return nil
}

// cancelConsentResource is POST /customer/v2/consent/{consent-id}/cancel.
func (s *Server) cancelConsentResource(c *gin.Context) error {
	acc, err := s.accesses.Cancel(c.Request.Context(), principal(c), "", c.Param("consent"))
	if err != nil {
		return err
	}
	s.writeConsent(c, acc, c.Param("consent"))
	return nil
}
