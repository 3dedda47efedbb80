package aggregator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"golang.org/x/crypto/bcrypt"
)

// Grant types of the token endpoint.
const (
	GrantClientCredentials = "client_credentials"
	GrantPassword          = "password"
	GrantRefreshToken      = "refresh_token"
)

// DefaultTokenTTL is BANKSapi's access-token validity.
const DefaultTokenTTL = 24 * time.Hour

// TokenRequest is the parsed body of POST /auth/oauth2/token.
type TokenRequest struct {
	GrantType    string
	Username     string
	Password     string
	RefreshToken string // the still-valid access token to exchange
	Scope        Scopes
	Source       string // the caller's address, for the login throttle
}

// AuthService issues, checks and revokes access tokens.
//
// Errors: AuthenticateClient returns KindUnauthenticated for unknown
// clients or wrong secrets. IssueToken returns KindInvalid for a bad grant
// (unknown grant type, missing field, wrong user credentials, scope not
// granted). Both return KindTooManyRequests while the login throttle locks
// the client or user for the caller's source address. Authenticate returns KindForbidden for an unknown, revoked or
// expired token. Introspect returns KindForbidden when the token is not
// valid for the calling client's tenant.
type AuthService interface {
	AuthenticateClient(ctx context.Context, id, secret, source string) (*Client, error)
	IssueToken(ctx context.Context, c *Client, req TokenRequest) (Token, error)
	Authenticate(ctx context.Context, accessToken string) (Token, error)
	Revoke(ctx context.Context, accessToken string) error
	Introspect(ctx context.Context, c *Client, accessToken string) (Token, error)
}

// Auth implements AuthService on a Directory and a Store.
type Auth struct {
	Dir        *Directory
	Store      Store
	Now        Clock
	TokenTTL   time.Duration
	BcryptCost int
	Log        *zap.Logger
	// Activity learns when a user's app acted for them (a user token was
	// issued); the background sync refreshes active users more often.
	Activity interface {
		TouchUser(ctx context.Context, tenant, userID string, at time.Time) error
	}
	// Throttle slows down guessing of client secrets and passwords; nil:
	// none.
	Throttle *LoginThrottle

	dummyHash []byte // compared against for unknown users, so timing does not reveal them
}

// NewAuth returns an Auth with defaults filled in.
func NewAuth(dir *Directory, store Store, now Clock, ttl time.Duration, bcryptCost int, log *zap.Logger) *Auth {
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	if bcryptCost == 0 {
		bcryptCost = bcrypt.DefaultCost
	}
	if log == nil {
		log = zap.NewNop()
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte("zugang-timing-equaliser"), bcryptCost)
	return &Auth{Dir: dir, Store: store, Now: now, TokenTTL: ttl, BcryptCost: bcryptCost, Log: log, dummyHash: dummy}
}

// TokenDigest is the key under which a token is stored.
func TokenDigest(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return hex.EncodeToString(sum[:])
}

// HashPassword hashes a user password with bcrypt at the configured cost.
func (a *Auth) HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), a.BcryptCost)
	return string(h), err
}

func invalidClient(op string) *Error {
	return &Error{Kind: KindUnauthenticated, Op: op, OAuth: "invalid_client",
		Message: "client authentication failed",
		Details: "send the client id and secret as HTTP Basic authorization"}
}

// AuthenticateClient checks a client id and secret presented from source.
func (a *Auth) AuthenticateClient(ctx context.Context, id, secret, source string) (*Client, error) {
	const op = "auth.AuthenticateClient"
	account := ClientAccount(id)
	if err := a.Throttle.Check(ctx, account, source); err != nil {
		return nil, err
	}
	c, ok := a.Dir.Client(id)
	if !ok {
		HashSecret(secret) // same work as for a known client
		a.Throttle.Failed(ctx, account, source)
		return nil, invalidClient(op)
	}
	if !c.SecretMatches(secret) {
		a.Throttle.Failed(ctx, account, source)
		return nil, invalidClient(op)
	}
	a.Throttle.Succeeded(ctx, account, source)
	return c, nil
}

// IssueToken runs one grant for an authenticated client.
func (a *Auth) IssueToken(ctx context.Context, c *Client, req TokenRequest) (Token, error) {
	const op = "auth.IssueToken"
	scopes, missing, ok := c.Scopes.Narrow(req.Scope)
	if !ok {
		return Token{}, &Error{Kind: KindInvalid, Op: op, OAuth: "invalid_scope",
			Message: "scope not granted: " + string(missing),
			Details: "client " + c.ID + " may request only: " + c.Scopes.String()}
	}
	t := Token{Tenant: c.Tenant, Client: c.ID, Scopes: scopes}
	var replaced string // the token a refresh grant retires once the new one exists
	switch req.GrantType {
	case GrantClientCredentials:
	case GrantPassword:
		u, err := a.checkUserPassword(ctx, c.Tenant, req.Username, req.Password, req.Source)
		if err != nil {
			return Token{}, err
		}
		t.UserID, t.Username = u.ID, u.Username
	case GrantRefreshToken:
		old, err := a.refreshable(ctx, c, req.RefreshToken)
		if err != nil {
			return Token{}, err
		}
		if len(req.Scope) == 0 {
			t.Scopes = old.Scopes
		}
		t.UserID, t.Username = old.UserID, old.Username
		replaced = req.RefreshToken
	case "":
		return Token{}, &Error{Kind: KindInvalid, Op: op, OAuth: "invalid_request", Message: "grant_type is required"}
	default:
		return Token{}, &Error{Kind: KindInvalid, Op: op, OAuth: "unsupported_grant_type",
			Message: "unsupported grant_type " + quoteShort(req.GrantType),
			Details: "use client_credentials, password or refresh_token"}
	}
	issued, err := a.issue(ctx, t)
	if err != nil {
		return Token{}, err
	}
	if replaced != "" {
		if err := a.Store.DeleteToken(ctx, TokenDigest(replaced)); err != nil {
			LoggerFrom(ctx, a.Log).Warn("refreshed token not retired", zap.Error(err))
		}
	}
	return issued, nil
}

func (a *Auth) issue(ctx context.Context, t Token) (Token, error) {
	id, err := uuid.NewRandom() // version 4 from crypto/rand
	if err != nil {
		return Token{}, Internal("auth.issue", err)
	}
	t.AccessToken = id.String()
	t.IssuedAt = a.Now().Truncate(time.Second)
	t.ValidTo = t.IssuedAt.Add(a.TokenTTL)
	if err := a.Store.SaveToken(ctx, TokenDigest(t.AccessToken), t); err != nil {
		return Token{}, err
	}
	if t.IsUser() && a.Activity != nil {
		if err := a.Activity.TouchUser(ctx, t.Tenant, t.UserID, t.IssuedAt); err != nil {
			LoggerFrom(ctx, a.Log).Warn("user activity not recorded", zap.Error(err))
		}
	}
	LoggerFrom(ctx, a.Log).Info("token issued", zap.String("tenant", t.Tenant), zap.String("client", t.Client),
		zap.String("user", t.UserID), zap.Time("validTo", t.ValidTo))
	return t, nil
}

// checkUserPassword checks a password grant. Unknown usernames count
// against the throttle like known ones, so locks reveal nothing.
func (a *Auth) checkUserPassword(ctx context.Context, tenant, username, password, source string) (User, error) {
	const op = "auth.checkUserPassword"
	if username == "" || password == "" {
		return User{}, &Error{Kind: KindInvalid, Op: op, OAuth: "invalid_request",
			Message: "username and password are required for grant_type=password"}
	}
	account := UserAccount(tenant, username)
	if err := a.Throttle.Check(ctx, account, source); err != nil {
		return User{}, err
	}
	bad := &Error{Kind: KindInvalid, Op: op, OAuth: "invalid_grant", Message: "username or password incorrect"}
	u, err := a.Store.UserByUsername(ctx, tenant, username)
	if IsNotFound(err) {
		_ = bcrypt.CompareHashAndPassword(a.dummyHash, []byte(password))
		a.Throttle.Failed(ctx, account, source)
		return User{}, bad
	}
	if err != nil {
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || !u.Active {
		a.Throttle.Failed(ctx, account, source)
		return User{}, bad
	}
	a.Throttle.Succeeded(ctx, account, source)
	return u, nil
}

// refreshable returns the grant of a still-valid token of the same client.
func (a *Auth) refreshable(ctx context.Context, c *Client, token string) (Token, error) {
	const op = "auth.refreshable"
	if token == "" {
		return Token{}, &Error{Kind: KindInvalid, Op: op, OAuth: "invalid_request",
			Message: "refresh_token is required for grant_type=refresh_token"}
	}
	old, err := a.lookup(ctx, token)
	if err != nil || old.Client != c.ID {
		return Token{}, &Error{Kind: KindInvalid, Op: op, OAuth: "invalid_grant",
			Message: "refresh_token is not valid", Details: "it is unknown, expired, revoked or was issued to another client"}
	}
	return old, nil
}

func (a *Auth) lookup(ctx context.Context, accessToken string) (Token, error) {
	t, err := a.Store.LookupToken(ctx, TokenDigest(accessToken))
	if err != nil {
		return Token{}, err
	}
	if !a.Now().Before(t.ValidTo) {
		return Token{}, NotFound("auth.lookup", "token")
	}
	return t, nil
}

// Authenticate resolves a bearer token to its grant.
func (a *Auth) Authenticate(ctx context.Context, accessToken string) (Token, error) {
	t, err := a.lookup(ctx, accessToken)
	if IsNotFound(err) {
		return Token{}, &Error{Kind: KindForbidden, Op: "auth.Authenticate", Message: "access token not valid",
			Details: "the token is unknown, expired or revoked; request a new one"}
	}
	return t, err
}

// Revoke deletes a token. Unknown tokens are not an error (RFC 7009).
func (a *Auth) Revoke(ctx context.Context, accessToken string) error {
	if accessToken == "" {
		return &Error{Kind: KindInvalid, Op: "auth.Revoke", OAuth: "invalid_request", Message: "token is required"}
	}
	return a.Store.DeleteToken(ctx, TokenDigest(accessToken))
}

// Introspect describes a token to a client of the same tenant.
func (a *Auth) Introspect(ctx context.Context, c *Client, accessToken string) (Token, error) {
	const op = "auth.Introspect"
	if accessToken == "" {
		return Token{}, &Error{Kind: KindInvalid, Op: op, OAuth: "invalid_request", Message: "no token provided",
			Details: "pass the token as query parameter token"}
	}
	t, err := a.lookup(ctx, accessToken)
	if err == nil && t.Tenant != c.Tenant {
		err = NotFound(op, "token")
	}
	if IsNotFound(err) {
		return Token{}, &Error{Kind: KindForbidden, Op: op, Message: "provided token not valid"}
	}
	return t, err
}

// quoteShort quotes user input for a message, cut to a harmless length.
func quoteShort(s string) string {
	const max = 40
	if len(s) > max {
		s = s[:max] + "…"
	}
	return `"` + s + `"`
}
