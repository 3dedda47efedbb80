package aggregator

import (
	"context"

	"go.uber.org/zap"
)

// RoleRef names a role of a client.
type RoleRef struct {
	Client string
	Role   string
}

// EnsureUser creates a configured user unless its username exists, and
// grants it the given roles. It runs at start, so it is idempotent: an
// existing user keeps its password, even if the configuration changed.
func (m *Management) EnsureUser(ctx context.Context, tenant string, in NewUser, roles []RoleRef) (User, bool, error) {
	self := Principal{Tenant: tenant}
	for _, r := range roles { // refuse before anything is stored
		if _, err := m.Role(ctx, self, tenant, r.Client, r.Role); err != nil {
			return User{}, false, err
		}
	}
	u, err := m.Auth.Store.UserByUsername(ctx, tenant, in.Username)
	created := false
	switch {
	case IsNotFound(err):
		if u, err = m.CreateUser(ctx, self, tenant, in); err != nil {
			return User{}, false, err
		}
		created = true
	case err != nil:
		return User{}, false, err
	}
	for _, r := range roles {
		if err := m.Auth.Store.AddRole(ctx, tenant, u.ID, r.Client, r.Role); err != nil {
			return User{}, false, err
		}
	}
	if created {
		LoggerFrom(ctx, m.Log).Info("bootstrap user created", zap.String("tenant", tenant), zap.String("user", u.ID))
	}
	return u, created, nil
}
