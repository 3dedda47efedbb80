package aggregator

// Rel names a HATEOAS relation. The domain decides which relations apply;
// package web turns them into absolute hrefs in one place.
type Rel string

// Relations of the Auth and Providers APIs.
const (
	RelSelf Rel = "self"
	RelLogo Rel = "logo"
)

// Relations of the Customer API (the SCA relations are package sca's).
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
)

// Relation is a relation with its absolute href, as rendered on the wire.
type Relation struct {
	Rel  Rel    `json:"rel"`
	Href string `json:"href"`
}
