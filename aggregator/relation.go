package aggregator

// Rel names a HATEOAS relation. Every relation Zugang emits is one of the
// constants below, defined once here: the domain decides which relations
// apply (ProviderRelations, CustomerRelations, View, ProductRelations and
// sca's next steps) and
// package web turns each into its absolute href with an exhaustive switch.
// A Rel outside this list is a programming error, never a wire value.
// The constants' values are the seed's relation names, byte for byte.
type Rel string

// Relations of the Auth and Providers APIs.
const (
	RelSelf Rel = "self"
	RelLogo Rel = "logo"
)

// Relations of the Customer API.
const (
	RelGetBankzugaenge          Rel = "get_bankzugaenge"
	RelAddBankzugaenge          Rel = "add_bankzugaenge"
	RelDeleteBankzugaenge       Rel = "delete_bankzugaenge"
	RelDeleteRegprotectSessions Rel = "delete_regprotect_sessions"
	RelDeleteBankzugang         Rel = "delete_bankzugang"
	RelGetIssues                Rel = "get_issues"
	RelGetChallengePDF          Rel = "get_challenge_pdf"
	RelRefreshBankzugang        Rel = "refresh_bankzugang"
	RelGetKontoumsaetze         Rel = "get_kontoumsaetze"
	RelGetDepotpositionen       Rel = "get_depotpositionen"
	RelGetConsent               Rel = "get_consent" // a bank access's open consent, as a Consent resource
)

// Next-step relations of an SCA. Package sca decides in which state each
// applies (sca.Relations); they live here so that there is one list of
// relations for web to cover.
const (
	RelStartSCA              Rel = "start_sca"              // POST: begin a new SCA
	RelSetMethod             Rel = "set_method"             // submit chosenScaMethodId
	RelSetMedium             Rel = "set_medium"             // submit chosenScaMedia
	RelAuthenticate          Rel = "authenticate"           // submit scaAuthenticationData, or {} to confirm a decoupled approval
	RelAuthenticateDecoupled Rel = "authenticate_decoupled" // GET: poll a decoupled approval
	RelRedirectURL           Rel = "redirect_url"           // the bank's page; it returns to callbackUrl
	RelCancel                Rel = "cancel"                 // cancel a redirect SCA
)

// Resource is a kind of wire object that carries relations.
type Resource uint8

// The resources with relations. ResourceCount is their number, for
// iterating them.
const (
	ResourceProvider Resource = iota // a provider of the catalogue
	ResourceCustomer                 // GET /customer/v2
	ResourceAccess                   // a bank access (and its issues)
	ResourceProduct                  // a bank product of an access
	ResourceConsent                  // GET /customer/v2/consent/{id}
	ResourceCount
)

var resourceNames = [...]string{"provider", "customer", "bank access", "product", "consent"}

func (r Resource) String() string {
	if r < ResourceCount {
		return resourceNames[r]
	}
	return "resource(?)"
}

// relationsOn is every relation the domain can emit on each resource. It
// is the list web must cover (a test in web builds an href for each entry)
// and that the deciding functions must stay within (tests in aggregator and
// sca check them against it).
var relationsOn = [ResourceCount][]Rel{
	ResourceProvider: {RelSelf, RelLogo},
	ResourceCustomer: {RelSelf, RelGetBankzugaenge, RelAddBankzugaenge, RelDeleteBankzugaenge, RelDeleteRegprotectSessions},
	ResourceAccess: {RelSelf, RelDeleteBankzugang, RelGetIssues, RelRefreshBankzugang,
		RelStartSCA, RelSetMethod, RelSetMedium, RelAuthenticateDecoupled, RelAuthenticate, RelRedirectURL, RelCancel,
		RelGetChallengePDF, RelGetConsent},
	ResourceProduct: {RelSelf, RelGetKontoumsaetze, RelGetDepotpositionen},
	ResourceConsent: {RelSelf, RelSetMethod, RelSetMedium, RelAuthenticateDecoupled, RelAuthenticate, RelRedirectURL, RelCancel},
}

// RelationsOn lists every relation the domain can emit on a resource of
// kind r (nil for an unknown kind). The slice is the caller's own.
func RelationsOn(r Resource) []Rel {
	if r >= ResourceCount {
		return nil
	}
	return append([]Rel(nil), relationsOn[r]...)
}

// AllRelations lists every relation Zugang can emit, each once, in the
// order of first appearance across the resources. The slice is the
// caller's own.
func AllRelations() []Rel {
	var out []Rel
	seen := map[Rel]bool{}
	for _, rels := range relationsOn {
		for _, r := range rels {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// ProviderRelations are the relations of a provider: self, and logo when
// the catalogue has its logo.
func ProviderRelations(p ProviderInfo) []Rel {
	if len(p.LogoSVG) > 0 {
		return []Rel{RelSelf, RelLogo}
	}
	return []Rel{RelSelf}
}

// CustomerRelations are the relations of GET /customer/v2; the REG/Protect
// session relation only when the gateway hosts the web form.
func CustomerRelations(webForm bool) []Rel {
	rels := []Rel{RelSelf, RelGetBankzugaenge, RelAddBankzugaenge, RelDeleteBankzugaenge}
	if webForm {
		rels = append(rels, RelDeleteRegprotectSessions)
	}
	return rels
}

// Relation is a relation with its absolute href, as rendered on the wire.
type Relation struct {
	Rel  Rel    `json:"rel"`
	Href string `json:"href"`
}
