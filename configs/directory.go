package configs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/zugang/zugang/aggregator"
)

// Directory converts the tenants and their clients into the domain's
// directory. The clients carry only secret digests; a plain secret still in
// c (a Config built without Load) is replaced by its digest, so none remains
// reachable afterwards. The aggregator values share no slices with c.
func (c *Config) Directory() (*aggregator.Directory, error) {
	c.hashSecrets()
	tenants := make([]*aggregator.Tenant, 0, len(c.Tenants))
	for ti, t := range c.Tenants {
		at := &aggregator.Tenant{Name: t.Name, Description: t.Description, Clients: make([]*aggregator.Client, 0, len(t.Clients))}
		for ci, cl := range t.Clients {
			hash, err := cl.secretHash()
			if err != nil {
				return nil, fmt.Errorf("tenants[%d].clients[%d]: %w", ti, ci, err)
			}
			scopes := make(aggregator.Scopes, len(cl.Scopes))
			for i, s := range cl.Scopes {
				scopes[i] = aggregator.Scope(s)
			}
			roles := make([]aggregator.Role, len(cl.Roles))
			for i, r := range cl.Roles {
				roles[i] = aggregator.Role{Name: r.Name, Description: r.Description}
			}
			at.Clients = append(at.Clients, &aggregator.Client{
				ID:                  cl.ID,
				Tenant:              t.Name,
				Name:                cl.Name,
				Description:         cl.Description,
				SecretHash:          hash,
				Scopes:              scopes,
				Roles:               roles,
				RegProtect:          cl.RegProtect,
				CallbackURLPrefixes: slices.Clone(cl.CallbackURLPrefixes),
				WebhookURL:          cl.WebhookURL,
			})
		}
		tenants = append(tenants, at)
	}
	return aggregator.NewDirectory(tenants)
}

// secretHash decodes the client's secret digest (hashSecrets has turned
// any plain secret into one). Its errors never quote the digest.
func (cl *Client) secretHash() ([sha256.Size]byte, error) {
	var h [sha256.Size]byte
	if cl.SecretSHA256 == "" {
		return h, errors.New("one of secret or secretSha256 is required")
	}
	b, err := hex.DecodeString(cl.SecretSHA256)
	if err != nil || len(b) != sha256.Size {
		return h, errors.New("secretSha256: must be 64 hexadecimal characters (the SHA-256 of the secret)")
	}
	copy(h[:], b)
	return h, nil
}
