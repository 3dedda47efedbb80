package web

import (
	"net/url"

	"github.com/zugang/zugang/aggregator"
)

// links builds every absolute href and Location from the public base URL.
type links struct{ base string }

func (l links) rel(rel aggregator.Rel, path string) aggregator.Relation {
	return aggregator.Relation{Rel: rel, Href: l.base + path}
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

// accessRel builds the href of one of a bank access's relations.
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
	case "start_sca":
		return l.rel(r, l.access(acc.ID)+"/consent"), true
	case "redirect_url":
		if sca == nil || sca.Challenge == nil || sca.Challenge.RedirectURL == "" {
			return aggregator.Relation{}, false
		}
		return aggregator.Relation{Rel: r, Href: sca.Challenge.RedirectURL}, true
	case "cancel":
		if sca == nil {
			return aggregator.Relation{}, false
		}
		return l.rel(r, l.consent(acc.ID, sca.ConsentID)+"/cancel"), true
	default: // set_method, set_medium, authenticate, authenticate_decoupled
		if sca == nil {
			return aggregator.Relation{}, false
		}
		return l.rel(r, l.consent(acc.ID, sca.ConsentID)), true
	}
}

// productRel builds the href of one of a product's relations.
func (l links) productRel(r aggregator.Rel, accessID, productID string) aggregator.Relation {
	p := l.access(accessID) + "/" + url.PathEscape(productID)
	switch r {
	case aggregator.RelGetKontoumsaetze:
		return l.rel(r, p+"/kontoumsaetze")
	case aggregator.RelGetDepotpositionen:
		return l.rel(r, p+"/depotpositionen")
	default:
		return l.rel(r, p)
	}
}

// webFormPath is where the hosted REG/Protect form lives.
const webFormPath = customerBase + "/webform"

// webForm is the 451 Location of a web-form session; the client appends
// its callbackUrl.
func (l links) webForm(ref *aggregator.WebFormRef) string {
	return l.base + webFormPath + "?session=" + url.QueryEscape(ref.Session) + "&useCase=" + url.QueryEscape(string(ref.UseCase))
}
