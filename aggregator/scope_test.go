package aggregator

import (
	"reflect"
	"testing"
)

func TestScopesNarrow(t *testing.T) {
	granted := Scopes{ScopeProviderRead, ScopeCustomerRead, ScopeCustomerModify}
	tests := []struct {
		name      string
		requested string
		want      Scopes
		missing   Scope
		ok        bool
	}{
		{"empty request gets everything", "", granted, "", true},
		{"subset", "http://banksapi.io/customer/read", Scopes{ScopeCustomerRead}, "", true},
		{"duplicates folded", "http://banksapi.io/customer/read  http://banksapi.io/customer/read", Scopes{ScopeCustomerRead}, "", true},
		{"request order kept", "http://banksapi.io/customer/modify http://banksapi.io/provider/read", Scopes{ScopeCustomerModify, ScopeProviderRead}, "", true},
		{"not granted", "http://banksapi.io/provider/read auth/tenants/users/create", nil, ScopeUsersCreate, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, missing, ok := granted.Narrow(ParseScopes(tt.requested))
			if ok != tt.ok || missing != tt.missing || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Narrow(%q) = %v, %q, %v; want %v, %q, %v", tt.requested, got, missing, ok, tt.want, tt.missing, tt.ok)
			}
		})
	}
	if s := granted.String(); s != "http://banksapi.io/provider/read http://banksapi.io/customer/read http://banksapi.io/customer/modify" {
		t.Errorf("String() = %q", s)
	}
}

func TestTokenRequire(t *testing.T) {
	client := Token{Tenant: "demo", Client: "demo-app", Scopes: Scopes{ScopeProviderRead}}
	user := client
	user.UserID = "u1"
	if err := client.Require(ScopeProviderRead); err != nil {
		t.Errorf("Require granted scope: %v", err)
	}
	err := client.Require(ScopeCustomerRead)
	if ErrorKind(err) != KindForbidden || AsError(err).Message != "missing scope http://banksapi.io/customer/read" {
		t.Errorf("Require missing scope = %v", err)
	}
	if ErrorKind(user.RequireClientToken()) != KindForbidden || client.RequireClientToken() != nil {
		t.Error("RequireClientToken must refuse user tokens only")
	}
	if ErrorKind(client.RequireUserToken()) != KindForbidden || user.RequireUserToken() != nil {
		t.Error("RequireUserToken must refuse client tokens only")
	}
}
