package aggregator

import (
	"crypto/sha256"
	"crypto/subtle"
)

// Tenant is a customer of the gateway: a fintech with its clients and users.
type Tenant struct {
	Name        string // technical name, a URL component
	Description string
	Clients     []*Client
}

// Client is a set of OAuth2 client credentials of a tenant: an application
// or an admin client. Its id may contain '/' (e.g. "tenant/clientName").
type Client struct {
	ID                  string
	Tenant              string
	Name                string
	Description         string
	SecretHash          [sha256.Size]byte // SHA-256 of the secret; the secret itself is never kept
	Scopes              Scopes
	Roles               []Role
	RegProtect          bool     // the tenant has no licence: bank credentials go through the web form
	CallbackURLPrefixes []string // allowed callbackUrl prefixes
	WebhookURL          string
}

// Role is a named role a client offers its users.
type Role struct {
	Name        string
	Description string
}

// HashSecret returns the SHA-256 digest under which a client secret is kept.
func HashSecret(secret string) [sha256.Size]byte { return sha256.Sum256([]byte(secret)) }

// SecretMatches compares a presented secret with the stored digest in
// constant time.
func (c *Client) SecretMatches(secret string) bool {
	h := HashSecret(secret)
	return subtle.ConstantTimeCompare(h[:], c.SecretHash[:]) == 1
}

// Role returns the client's role with the given name.
func (c *Client) Role(name string) (Role, bool) {
	for _, r := range c.Roles {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}
