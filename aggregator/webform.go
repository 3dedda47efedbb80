package aggregator

import (
	"context"
	"time"
)

// UseCase is what a REG/Protect web-form session does (the seed's useCase
// query parameter).
type UseCase string

// Use cases of the web form.
const (
	UseCaseCreateAccount       UseCase = "CREATE_ACCOUNT"       // add a bank access under the client's UUID
	UseCaseAuthenticateAccount UseCase = "AUTHENTICATE_ACCOUNT" // renew the consent of an existing access
)

// Reentry is the baReentry value the user's browser brings back to the
// client's callbackUrl.
type Reentry string

// The seed's baReentry values.
const (
	ReentryFinished           Reentry = "FINISHED"
	ReentryLegalNotAccepted   Reentry = "LEGAL_NOT_ACCEPTED"
	ReentryUserCancelled      Reentry = "USER_CANCELLED"
	ReentryInvalidCredentials Reentry = "INVALID_CREDENTIALS"
	ReentryInvalidTAN         Reentry = "INVALID_TAN"
	ReentryBackendError       Reentry = "BACKEND_ERROR"
	ReentryError              Reentry = "ERROR"
	ReentryNoAccounts         Reentry = "NO_ACCOUNTS"
)

// WebFormRef names a session for the 451 Location: web builds the URL.
type WebFormRef struct {
	Session string
	UseCase UseCase
}

// WebFormSession is one REG/Protect session: created by the API call that
// answered 451, opened once by the user's browser, bound to that browser
// by a secret cookie (only its digest is kept) and to the user that
// created it, and gone after its lifetime.
type WebFormSession struct {
	ID         string
	Tenant     string
	UserID     string
	Client     string
	UseCase    UseCase
	AccessID   string
	ProviderID string // preset by the client or chosen in the form
	Refresh    bool   // the client asked for a refresh: skip the account confirmation
	Created    time.Time
	Expires    time.Time

	// Set when the browser opens the session.
	Opened        bool
	BrowserDigest string // hex SHA-256 of the browser's cookie secret
	CallbackURL   string
	Lang          string

	// Progress.
	TermsDone        bool // accepted now or earlier (the user's acceptance is kept apart)
	LoggedIn         bool // the bank accepted the credentials in this session
	WrongCredentials int
	AtBank           bool    // the user was sent to the bank's redirect page
	Finished         Reentry // set once the session has ended
}

// Principal is whom the session acts for: its user through its client.
func (s *WebFormSession) Principal() Principal {
	return Principal{Tenant: s.Tenant, UserID: s.UserID, Client: s.Client}
}

// WebFormStore keeps web-form sessions and the users' acceptance of the
// terms.
//
// Errors: KindNotFound for an unknown or expired session; OpenWebFormSession
// returns KindConflict when the session was opened before.
type WebFormStore interface {
	CreateWebFormSession(ctx context.Context, s WebFormSession, ttl time.Duration) error
	WebFormSession(ctx context.Context, id string) (WebFormSession, error)
	// OpenWebFormSession claims the session for one browser, once.
	OpenWebFormSession(ctx context.Context, s WebFormSession) error
	// SaveWebFormSession writes the session back, keeping its expiry.
	SaveWebFormSession(ctx context.Context, s WebFormSession) error
	// DeleteWebFormSessions ends every session of a user.
	DeleteWebFormSessions(ctx context.Context, tenant, userID string) error
	TermsAccepted(ctx context.Context, tenant, userID string) (bool, error)
	AcceptTerms(ctx context.Context, tenant, userID string, at time.Time) error
}
