package aggregator_test

import (
	"slices"
	"testing"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/sca"
)

// TestRelWireValues pins every relation's wire value (the seed's names,
// byte for byte) and checks that AllRelations lists each exactly once.
func TestRelWireValues(t *testing.T) {
	want := map[aggregator.Rel]string{
		aggregator.RelSelf:                     "self",
		aggregator.RelLogo:                     "logo",
		aggregator.RelGetBankzugaenge:          "get_bankzugaenge",
		aggregator.RelAddBankzugaenge:          "add_bankzugaenge",
		aggregator.RelDeleteBankzugaenge:       "delete_bankzugaenge",
		aggregator.RelDeleteRegprotectSessions: "delete_regprotect_sessions",
		aggregator.RelDeleteBankzugang:         "delete_bankzugang",
		aggregator.RelGetIssues:                "get_issues",
		aggregator.RelGetChallengePDF:          "get_challenge_pdf",
		aggregator.RelRefreshBankzugang:        "refresh_bankzugang",
		aggregator.RelGetKontoumsaetze:         "get_kontoumsaetze",
		aggregator.RelGetDepotpositionen:       "get_depotpositionen",
		aggregator.RelGetConsent:               "get_consent",
		aggregator.RelStartSCA:                 "start_sca",
		aggregator.RelSetMethod:                "set_method",
		aggregator.RelSetMedium:                "set_medium",
		aggregator.RelAuthenticate:             "authenticate",
		aggregator.RelAuthenticateDecoupled:    "authenticate_decoupled",
		aggregator.RelRedirectURL:              "redirect_url",
		aggregator.RelCancel:                   "cancel",
	}
	for rel, name := range want {
		if string(rel) != name {
			t.Errorf("%q != %q", rel, name)
		}
	}
	all := aggregator.AllRelations()
	seen := map[aggregator.Rel]bool{}
	for _, r := range all {
		if seen[r] {
			t.Errorf("AllRelations lists %q twice", r)
		}
		seen[r] = true
		if _, ok := want[r]; !ok {
			t.Errorf("AllRelations lists %q, which this test does not pin", r)
		}
	}
	for r := range want {
		if !seen[r] {
			t.Errorf("%q is on no resource: AllRelations misses it", r)
		}
	}
	all[0] = "x"
	if aggregator.AllRelations()[0] == "x" || aggregator.RelationsOn(aggregator.ResourceAccess)[0] == "x" {
		t.Error("the lists returned shared memory")
	}
	if aggregator.RelationsOn(aggregator.ResourceCount) != nil {
		t.Error("an unknown resource has relations")
	}
}

// TestDecidedRelationsAreListed: whatever the deciding functions emit, on
// every resource and in every SCA state, is in RelationsOn for that
// resource, so web's coverage test over RelationsOn covers the wire.
func TestDecidedRelationsAreListed(t *testing.T) {
	within := func(t *testing.T, res aggregator.Resource, got []aggregator.Rel) {
		t.Helper()
		listed := aggregator.RelationsOn(res)
		for _, r := range got {
			if !slices.Contains(listed, r) {
				t.Errorf("%s emits %q, which RelationsOn(%s) does not list", res, r, res)
			}
		}
	}
	accesses := &aggregator.Accesses{SCA: sca.Machine{}}
	base := aggregator.BankAccess{ID: "a", SealedCredentials: []byte{1}}
	tests := []struct {
		name string
		res  aggregator.Resource
		got  []aggregator.Rel
	}{
		{"provider without logo", aggregator.ResourceProvider, aggregator.ProviderRelations(aggregator.ProviderInfo{})},
		{"provider with logo", aggregator.ResourceProvider, aggregator.ProviderRelations(aggregator.ProviderInfo{LogoSVG: []byte("<svg/>")})},
		{"customer", aggregator.ResourceCustomer, aggregator.CustomerRelations(false)},
		{"customer with web form", aggregator.ResourceCustomer, aggregator.CustomerRelations(true)},
		{"account", aggregator.ResourceProduct, aggregator.ProductRelations(aggregator.Product{Kategorie: "GIROKONTO"})},
		{"depot", aggregator.ResourceProduct, aggregator.ProductRelations(aggregator.Product{Kategorie: "DEPOT"})},
		{"access without SCA", aggregator.ResourceAccess, accesses.View(base).Relations},
	}
	for _, s := range sca.States() {
		acc := base
		acc.SCAs = []aggregator.SCA{{ConsentID: "c", State: s,
			Challenge: &aggregator.Challenge{PDF: []byte("%PDF"), RedirectURL: "https://bank.example/sca"}}}
		tests = append(tests, struct {
			name string
			res  aggregator.Resource
			got  []aggregator.Rel
		}{"access in " + string(s), aggregator.ResourceAccess, accesses.IssuesView(acc).Relations})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) == 0 {
				t.Fatal("no relations at all")
			}
			within(t, tt.res, tt.got)
		})
	}
}
