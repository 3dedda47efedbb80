package web

import (
	"net/url"

	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
)

// links builds every absolute href and Location from the public base URL.
//
// The relation builders (providerRel, customerRel, accessRel, productRel)
// are exhaustive switches over the relations aggregator lists for their
// resource, without a default: a relation a builder does not name is a
// programming error, logged and left out (ok=false), never given a guessed
// href. TestEveryRelationHasAnHref builds every relation of
// aggregator.RelationsOn and fails on such a gap. ok=false also means that
// a relation does not apply in the given context (redirect_url without the
// bank's URL, an SCA relation without an SCA).
type links struct {
	base string
	log  *zap.Logger
}

func (l links) rel(rel aggregator.Rel, path string) aggregator.Relation {
	return aggregator.Relation{Rel: rel, Href: l.base + path}
}

// unknownRel reports a relation its resource's builder does not know.
func (l links) unknownRel(res aggregator.Resource, r aggregator.Rel) (aggregator.Relation, bool) {
	if l.log != nil {
		l.log.Error("relation without an href: add it to its builder in web/links.go",
			zap.Stringer("resource", res), zap.String("rel", string(r)))
	}
	return aggregator.Relation{}, false
}

func (l links) provider(id string) string { return "/providers/v2/" + url.PathEscape(id) }

func (l links) logo(name string) string { return "/providers/v2/" + url.PathEscape(name) + ".svg" }

func (l links) user(tenant, id string) string {
	return l.base + "/auth/mgmt/v1/tenants/" + url.PathEscape(tenant) + "/users/" + url.PathEscape(id)
}

const customerBase = "/customer/v2"

func (l links) access(id string) string { return customerBase + "/bankzugaenge/" + url.PathEscape(id) }

func (l links) consent(accessID, consentID string) string {
	return l.access(accessID) + "/consent/" + url.PathEscape(consentID)
}

// providerRel builds the href of one of a provider's relations.
func (l links) providerRel(r aggregator.Rel, p *aggregator.ProviderInfo) (aggregator.Relation, bool) {
	switch r {
	case aggregator.RelSelf:
		return l.rel(r, l.provider(p.ID)), true
	case aggregator.RelLogo:
		return l.rel(r, l.logo(p.Logo)), true
	}
	return l.unknownRel(aggregator.ResourceProvider, r)
}

// customerRel builds the href of one of the customer resource's relations.
func (l links) customerRel(r aggregator.Rel) (aggregator.Relation, bool) {
	switch r {
	case aggregator.RelSelf:
		return l.rel(r, customerBase), true
	case aggregator.RelGetBankzugaenge, aggregator.RelAddBankzugaenge, aggregator.RelDeleteBankzugaenge:
		return l.rel(r, customerBase+"/bankzugaenge"), true
	case aggregator.RelDeleteRegprotectSessions:
		return l.rel(r, customerBase+"/regprotect/sessions"), true
	}
	return l.unknownRel(aggregator.ResourceCustomer, r)
}

// accessRel builds the href of one of a bank access's relations; the SCA
// relations need the current SCA.
func (l links) accessRel(r aggregator.Rel, acc *aggregator.BankAccess, sca *aggregator.SCA) (aggregator.Relation, bool) {
	switch r {
	case aggregator.RelSelf, aggregator.RelDeleteBankzugang:
		return l.rel(r, l.access(acc.ID)), true
	case aggregator.RelGetIssues:
		return l.rel(r, l.access(acc.ID)+"/issues"), true
	case aggregator.RelGetChallengePDF:
		return l.rel(r, l.access(acc.ID)+"/challenge/pdf"), true
	case aggregator.RelRefreshBankzugang:
		return l.rel(r, customerBase+"/bankzugaenge?refresh=true"), true
	case aggregator.RelStartSCA:
		return l.rel(r, l.access(acc.ID)+"/consent"), true
	case aggregator.RelRedirectURL:
		if sca == nil || sca.Challenge == nil || sca.Challenge.RedirectURL == "" {
			return aggregator.Relation{}, false
		}
		return aggregator.Relation{Rel: r, Href: sca.Challenge.RedirectURL}, true
	case aggregator.RelCancel:
		if sca == nil {
			return aggregator.Relation{}, false
		}
		return l.rel(r, l.consent(acc.ID, sca.ConsentID)+"/cancel"), true
	case aggregator.RelSetMethod, aggregator.RelSetMedium, aggregator.RelAuthenticate, aggregator.RelAuthenticateDecoupled:
		if sca == nil {
			return aggregator.Relation{}, false
		}
		return l.rel(r, l.consent(acc.ID, sca.ConsentID)), true
	case aggregator.RelGetConsent:
		if sca == nil {
			return aggregator.Relation{}, false
		}
		return l.rel(r, l.consentResource(sca.ConsentID)), true
	}
	return l.unknownRel(aggregator.ResourceAccess, r)
}

// consentResource is the Consent resource of a consent.
func (l links) consentResource(consentID string) string {
	return customerBase + "/consent/" + url.PathEscape(consentID)
}

// consentRel builds the href of one of the Consent resource's relations:
// every step posts to the consent itself, as the seed's examples show;
// authenticate_decoupled polls …/poll and cancel posts …/cancel.
func (l links) consentRel(r aggregator.Rel, sca *aggregator.SCA) (aggregator.Relation, bool) {
	if sca == nil {
		return aggregator.Relation{}, false
	}
	base := l.consentResource(sca.ConsentID)
	switch r {
	case aggregator.RelSelf, aggregator.RelSetMethod, aggregator.RelSetMedium, aggregator.RelAuthenticate:
		return l.rel(r, base), true
	case aggregator.RelAuthenticateDecoupled:
		return l.rel(r, base+"/poll"), true
	case aggregator.RelCancel:
		return l.rel(r, base+"/cancel"), true
	case aggregator.RelRedirectURL:
		if sca.Challenge == nil || sca.Challenge.RedirectURL == "" {
			return aggregator.Relation{}, false
		}
		return aggregator.Relation{Rel: r, Href: sca.Challenge.RedirectURL}, true
	}
	return l.unknownRel(aggregator.ResourceConsent, r)
}

// productRel builds the href of one of a product's relations.
func (l links) productRel(r aggregator.Rel, accessID, productID string) (aggregator.Relation, bool) {
	p := l.access(accessID) + "/" + url.PathEscape(productID)
	switch r {
	case aggregator.RelSelf:
		return l.rel(r, p), true
	case aggregator.RelGetKontoumsaetze:
		return l.rel(r, p+"/kontoumsaetze"), true
	case aggregator.RelGetDepotpositionen:
		return l.rel(r, p+"/depotpositionen"), true
	}
	return l.unknownRel(aggregator.ResourceProduct, r)
}

// webFormPath is where the hosted REG/Protect form lives.
const webFormPath = customerBase + "/webform"

// webForm is the 451 Location of a web-form session; the client appends
// its callbackUrl.
func (l links) webForm(ref *aggregator.WebFormRef) string {
	return l.base + webFormPath + "?session=" + url.QueryEscape(ref.Session) + "&useCase=" + url.QueryEscape(string(ref.UseCase))
}
