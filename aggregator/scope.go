package aggregator

import (
	"slices"
	"strings"
)

// Scope is an OAuth2 scope. The names are BANKSapi's own strings, so
// existing clients' token requests keep working unchanged.
type Scope string

// Scopes of the BANKSapi APIs.
const (
	ScopeProviderRead         Scope = "http://banksapi.io/provider/read"
	ScopeCustomerRead         Scope = "http://banksapi.io/customer/read"
	ScopeCustomerModify       Scope = "http://banksapi.io/customer/modify"
	ScopeCustomerUeberweisung Scope = "http://banksapi.io/customer/ueberweisung"
	ScopeScheduleRead         Scope = "http://banksapi.io/schedule/read"
)

// Management scopes. "auth/tenants/users/create" is the seed's; the others
// follow its pattern for the management calls the seed does not scope.
const (
	ScopeTenantsRead Scope = "auth/tenants/read"
	ScopeClientsRead Scope = "auth/tenants/clients/read"
	ScopeRolesModify Scope = "auth/tenants/roles/modify"
	ScopeUsersCreate Scope = "auth/tenants/users/create"
	ScopeUsersRead   Scope = "auth/tenants/users/read"
	ScopeUsersModify Scope = "auth/tenants/users/modify"
)

// Scopes is an ordered set of scopes; order is kept as granted so the wire
// form ("scope" field) is stable.
type Scopes []Scope

// ParseScopes splits a space-separated scope string, dropping duplicates.
func ParseScopes(s string) Scopes {
	var out Scopes
	for _, f := range strings.Fields(s) {
		if !slices.Contains(out, Scope(f)) {
			out = append(out, Scope(f))
		}
	}
	return out
}

// Has reports whether s contains want.
func (s Scopes) Has(want Scope) bool { return slices.Contains(s, want) }

// String is the space-separated wire form.
func (s Scopes) String() string {
	parts := make([]string, len(s))
	for i, sc := range s {
		parts[i] = string(sc)
	}
	return strings.Join(parts, " ")
}

// Narrow returns the requested scopes if all of them are granted. An empty
// request means "everything granted". The first scope not granted is
// returned as missing.
func (s Scopes) Narrow(requested Scopes) (granted Scopes, missing Scope, ok bool) {
	if len(requested) == 0 {
		return slices.Clone(s), "", true
	}
	for _, r := range requested {
		if !s.Has(r) {
			return nil, r, false
		}
	}
	return slices.Clone(requested), "", true
}

// Webhook scopes: only an admin client of the tenant manages where its
// notifications go.
const (
	ScopeWebhookRead   Scope = "auth/tenants/webhook/read"
	ScopeWebhookModify Scope = "auth/tenants/webhook/modify"
)
