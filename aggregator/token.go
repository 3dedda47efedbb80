package aggregator

import "time"

// Token is an access token's grant: who it speaks for and what it may do.
// AccessToken carries the plaintext only on the response that issues it; it
// is never stored (the store keys tokens by their SHA-256 digest).
type Token struct {
	AccessToken string
	Tenant      string
	Client      string
	UserID      string // empty for client tokens
	Username    string // empty for client tokens
	Scopes      Scopes
	IssuedAt    time.Time
	ValidTo     time.Time
}

// IsUser reports whether the token was issued for a user (password grant).
func (t Token) IsUser() bool { return t.UserID != "" }

// Principal is the authenticated caller of a request.
type Principal = Token

// Require returns a Forbidden error naming the scope if t lacks it.
func (t Token) Require(scope Scope) error {
	if t.Scopes.Has(scope) {
		return nil
	}
	return &Error{Kind: KindForbidden, Op: "auth.Require", Message: "missing scope " + string(scope),
		Details: "the access token does not carry the scope " + string(scope) + "; request a token with it"}
}

// RequireClientToken refuses user tokens on management routes.
func (t Token) RequireClientToken() error {
	if !t.IsUser() {
		return nil
	}
	return &Error{Kind: KindForbidden, Op: "auth.RequireClientToken", Message: "client token required",
		Details: "this call manages users and needs a client token (grant_type=client_credentials)"}
}

// RequireUserToken refuses client tokens on customer routes.
func (t Token) RequireUserToken() error {
	if t.IsUser() {
		return nil
	}
	return &Error{Kind: KindForbidden, Op: "auth.RequireUserToken", Message: "user token required",
		Details: "this call acts for one user and needs a user token (grant_type=password)"}
}
