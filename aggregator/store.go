package aggregator

import (
	"context"
	"time"
)

// UserStore persists users and their role memberships.
//
// Errors: KindConflict from CreateUser when the username is taken in the
// tenant (also by a deactivated user); KindNotFound from the lookups when
// no such user exists; KindUnavailable or KindInternal when the backend
// fails.
type UserStore interface {
	// CreateUser stores a new user and claims its username atomically.
	CreateUser(ctx context.Context, u User) error
	// UserByID returns a user, active or not, with its roles.
	UserByID(ctx context.Context, tenant, id string) (User, error)
	// UserByUsername resolves a username to the user, active or not.
	UserByUsername(ctx context.Context, tenant, username string) (User, error)
	// ActiveUsers lists the tenant's activated users in creation order.
	ActiveUsers(ctx context.Context, tenant string) ([]User, error)
	// UpdateUser overwrites names, password hash and the active flag.
	UpdateUser(ctx context.Context, u User) error
	// AddRole grants the user the role of the client (idempotent).
	AddRole(ctx context.Context, tenant, userID, client, role string) error
	// RoleMembers lists the ids of the users holding the client's role.
	RoleMembers(ctx context.Context, tenant, client, role string) ([]string, error)
}

// TokenStore persists access tokens under the SHA-256 digest of their
// plaintext; the plaintext never reaches the store.
//
// Errors: KindNotFound from LookupToken when the token is unknown, revoked
// or expired.
type TokenStore interface {
	// SaveToken stores t under digest; it expires by itself at t.ValidTo.
	SaveToken(ctx context.Context, digest string, t Token) error
	// LookupToken returns the grant stored under digest.
	LookupToken(ctx context.Context, digest string) (Token, error)
	// DeleteToken revokes one token; revoking an unknown one is no error.
	DeleteToken(ctx context.Context, digest string) error
	// DeleteUserTokens revokes every token issued for the user.
	DeleteUserTokens(ctx context.Context, tenant, userID string) error
}

// Pinger checks that the backing store answers (readiness).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Store is everything the Auth and management use cases persist.
type Store interface {
	UserStore
	TokenStore
	Pinger
}

// Clock returns the current time; injected so tests control time.
type Clock func() time.Time
