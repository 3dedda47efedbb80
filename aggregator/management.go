package aggregator

import (
	"context"
	"sort"

	"github.com/google/uuid"
	"go.uber.org/zap"
)

// ManagementService is the Auth API's management part: tenants, clients,
// roles and users, always seen from one calling client token.
//
// Errors: KindNotFound for anything outside the caller's tenant (existence
// is never revealed), for unknown clients, roles and users, and for
// deactivated users (except by Reactivate); KindInvalid for a body that
// breaks a rule (the message names it); KindConflict from CreateUser when
// the username is taken.
type ManagementService interface {
	Tenants(ctx context.Context, p Principal) ([]*Tenant, error)
	Tenant(ctx context.Context, p Principal, tenant string) (*Tenant, error)
	Clients(ctx context.Context, p Principal, tenant string) ([]*Client, error)
	Client(ctx context.Context, p Principal, tenant, client string) (*Client, error)
	Role(ctx context.Context, p Principal, tenant, client, role string) (Role, error)
	RoleUsers(ctx context.Context, p Principal, tenant, client, role string) ([]User, error)
	AddRoleUser(ctx context.Context, p Principal, tenant, client, role, userID string) error
	CreateUser(ctx context.Context, p Principal, tenant string, in NewUser) (User, error)
	Users(ctx context.Context, p Principal, tenant string) ([]User, error)
	User(ctx context.Context, p Principal, tenant, id string) (User, error)
	DeactivateUser(ctx context.Context, p Principal, tenant, id string) error
	ReactivateUser(ctx context.Context, p Principal, tenant, id string, in NewUser) error
}

// Management implements ManagementService.
type Management struct {
	Auth *Auth // directory, store, clock and password hashing
	Log  *zap.Logger
}

// NewManagement returns the management use cases over auth's directory and store.
func NewManagement(auth *Auth) *Management { return &Management{Auth: auth, Log: auth.Log} }

// tenant returns the caller's tenant if it is the one asked for.
func (m *Management) tenant(p Principal, name, op string) (*Tenant, error) {
	t, ok := m.Auth.Dir.Tenant(name)
	if !ok || p.Tenant != name {
		return nil, NotFound(op, "tenant "+quoteShort(name))
	}
	return t, nil
}

// Tenants lists the tenants visible to the caller: its own.
func (m *Management) Tenants(_ context.Context, p Principal) ([]*Tenant, error) {
	t, ok := m.Auth.Dir.Tenant(p.Tenant)
	if !ok {
		return []*Tenant{}, nil
	}
	return []*Tenant{t}, nil
}

// Tenant returns the caller's tenant.
func (m *Management) Tenant(_ context.Context, p Principal, name string) (*Tenant, error) {
	return m.tenant(p, name, "management.Tenant")
}

// Clients lists the clients of the caller's tenant, sorted by id.
func (m *Management) Clients(_ context.Context, p Principal, tenant string) ([]*Client, error) {
	t, err := m.tenant(p, tenant, "management.Clients")
	if err != nil {
		return nil, err
	}
	out := append([]*Client(nil), t.Clients...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Client returns one client of the caller's tenant.
func (m *Management) Client(_ context.Context, p Principal, tenant, id string) (*Client, error) {
	const op = "management.Client"
	if _, err := m.tenant(p, tenant, op); err != nil {
		return nil, err
	}
	c, ok := m.Auth.Dir.Client(id)
	if !ok || c.Tenant != tenant {
		return nil, NotFound(op, "client "+quoteShort(id))
	}
	return c, nil
}

// Role returns one role of a client.
func (m *Management) Role(ctx context.Context, p Principal, tenant, client, role string) (Role, error) {
	c, err := m.Client(ctx, p, tenant, client)
	if err != nil {
		return Role{}, err
	}
	r, ok := c.Role(role)
	if !ok {
		return Role{}, NotFound("management.Role", "role "+quoteShort(role))
	}
	return r, nil
}

// RoleUsers lists the active users holding a role.
func (m *Management) RoleUsers(ctx context.Context, p Principal, tenant, client, role string) ([]User, error) {
	if _, err := m.Role(ctx, p, tenant, client, role); err != nil {
		return nil, err
	}
	ids, err := m.Auth.Store.RoleMembers(ctx, tenant, client, role)
	if err != nil {
		return nil, err
	}
	users := make([]User, 0, len(ids))
	for _, id := range ids {
		u, err := m.Auth.Store.UserByID(ctx, tenant, id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.Active {
			users = append(users, u)
		}
	}
	return users, nil
}

// AddRoleUser grants an active user a client's role.
func (m *Management) AddRoleUser(ctx context.Context, p Principal, tenant, client, role, userID string) error {
	if _, err := m.Role(ctx, p, tenant, client, role); err != nil {
		return err
	}
	if _, err := m.User(ctx, p, tenant, userID); err != nil {
		return err
	}
	if err := m.Auth.Store.AddRole(ctx, tenant, userID, client, role); err != nil {
		return err
	}
	LoggerFrom(ctx, m.Log).Info("role granted", zap.String("tenant", tenant), zap.String("client", client),
		zap.String("role", role), zap.String("user", userID))
	return nil
}

func invalid(op, msg string) *Error { return &Error{Kind: KindInvalid, Op: op, Message: msg} }

// CreateUser creates an activated user in the caller's tenant.
func (m *Management) CreateUser(ctx context.Context, p Principal, tenant string, in NewUser) (User, error) {
	const op = "management.CreateUser"
	if _, err := m.tenant(p, tenant, op); err != nil {
		return User{}, err
	}
	if msg := CheckUsername(in.Username); msg != "" {
		return User{}, invalid(op, msg)
	}
	if in.Password == "" {
		return User{}, invalid(op, "password is required")
	}
	if msg := CheckPassword(in.Password); msg != "" {
		return User{}, invalid(op, msg)
	}
	hash, err := m.Auth.HashPassword(in.Password)
	if err != nil {
		return User{}, Internal(op, err)
	}
	u := User{ID: uuid.NewString(), Tenant: tenant, Username: in.Username, PasswordHash: hash,
		Firstname: in.Firstname, Lastname: in.Lastname, Active: true, Created: m.Auth.Now()}
	if err := m.Auth.Store.CreateUser(ctx, u); err != nil {
		return User{}, err
	}
	LoggerFrom(ctx, m.Log).Info("user created", zap.String("tenant", tenant), zap.String("user", u.ID))
	return u, nil
}

// Users lists the activated users of the caller's tenant.
func (m *Management) Users(ctx context.Context, p Principal, tenant string) ([]User, error) {
	if _, err := m.tenant(p, tenant, "management.Users"); err != nil {
		return nil, err
	}
	return m.Auth.Store.ActiveUsers(ctx, tenant)
}

// user returns a user of the caller's tenant, active or not.
func (m *Management) user(ctx context.Context, p Principal, tenant, id, op string) (User, error) {
	if _, err := m.tenant(p, tenant, op); err != nil {
		return User{}, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return User{}, NotFound(op, "user")
	}
	return m.Auth.Store.UserByID(ctx, tenant, id)
}

// User returns one activated user.
func (m *Management) User(ctx context.Context, p Principal, tenant, id string) (User, error) {
	const op = "management.User"
	u, err := m.user(ctx, p, tenant, id, op)
	if err != nil {
		return User{}, err
	}
	if !u.Active {
		return User{}, NotFound(op, "user")
	}
	return u, nil
}

// DeactivateUser deactivates an active user and revokes its tokens.
func (m *Management) DeactivateUser(ctx context.Context, p Principal, tenant, id string) error {
	const op = "management.DeactivateUser"
	u, err := m.User(ctx, p, tenant, id)
	if err != nil {
		return err
	}
	u.Active = false
	if err := m.Auth.Store.UpdateUser(ctx, u); err != nil {
		return err
	}
	if err := m.Auth.Store.DeleteUserTokens(ctx, tenant, id); err != nil {
		return Internal(op, err)
	}
	LoggerFrom(ctx, m.Log).Info("user deactivated", zap.String("tenant", tenant), zap.String("user", id))
	return nil
}

// ReactivateUser activates a user again. The body must repeat the username;
// a password in it replaces the old one.
func (m *Management) ReactivateUser(ctx context.Context, p Principal, tenant, id string, in NewUser) error {
	const op = "management.ReactivateUser"
	u, err := m.user(ctx, p, tenant, id, op)
	if err != nil {
		return err
	}
	if in.Username == "" {
		return invalid(op, "username is required and must repeat the user's username")
	}
	if in.Username != u.Username {
		return invalid(op, "username does not match the user's username")
	}
	if in.Password != "" {
		if msg := CheckPassword(in.Password); msg != "" {
			return invalid(op, msg)
		}
		if u.PasswordHash, err = m.Auth.HashPassword(in.Password); err != nil {
			return Internal(op, err)
		}
	}
	if in.Firstname != "" {
		u.Firstname = in.Firstname
	}
	if in.Lastname != "" {
		u.Lastname = in.Lastname
	}
	u.Active = true
	if err := m.Auth.Store.UpdateUser(ctx, u); err != nil {
		return err
	}
	LoggerFrom(ctx, m.Log).Info("user reactivated", zap.String("tenant", tenant), zap.String("user", id))
	return nil
}
