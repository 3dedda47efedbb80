package aggregator

import (
	"context"
	"time"
)

// SCA is one consent process of a bank access. Its state moves through the
// machine of package sca; ConsentID is its UUID on the wire.
type SCA struct {
	ConsentID     string
	State         SCAState
	Channel       string
	Methods       []SCAMethod
	ActiveMethod  *SCAMethod
	Media         []TANMedium
	Challenge     *Challenge
	Messages      []Message    // what the last step said (e.g. BA1103 after a wrong TAN)
	ValidUntil    time.Time    // when finalised: the consent's end
	RedirectToken string       // the handle a redirect returns with (see ConnectRequest)
	TANChoice     *TANSettings // chosen so far; saved on the access once granted
	Started       time.Time
	Updated       time.Time
}

// BankAccess is a stored bank access ("Bankzugang") under the id its
// client chose. Credentials and provider state are kept only sealed.
//
// The type carries no storage format: the store converts it to a record of
// its own. Three fields are handles between a use case and its store, not
// data of the access: Version, Lock and IndexedSCAs. A use case copies
// them along and reads only Version (0: never saved; equal: the same
// stored state).
type BankAccess struct {
	ID                string
	Tenant            string
	UserID            string
	ProviderID        string
	Sync              bool
	SelectedProducts  []string
	Created           time.Time
	Updated           time.Time // aktualisierungszeitpunkt: the last successful fetch
	Status            AccessStatus
	Products          []Product
	Messages          []Message // messages of the stable state
	Issues            []Message // the tentative state: messages of the last attempt
	IssuesAt          time.Time
	SCAs              []SCA // consent processes; the last one is current
	CallbackURL       string
	SealedCredentials []byte
	SealedState       []byte
	TANSettings       *TANSettings // the user's last choices, reused by the next SCA
	Unattended        []time.Time  // background bank calls under the current consent

	// Version is the optimistic-concurrency token: the stored state this
	// value was read at, 0 before the first save. SaveAccess refuses a
	// stale one and advances it.
	Version int64
	// Lock is the claim LockAndLoad took on a consent; SaveAccess releases
	// it in the same atomic step. Never stored.
	Lock *ConsentLock
	// IndexedSCAs is store bookkeeping: how many of SCAs the store has
	// indexed (set when it loads or saves the access), so a save indexes
	// only new consents. Use cases leave it alone.
	IndexedSCAs int
}

// TANSettings are BANKSapi's "saved TAN settings": the method and medium
// the user chose in an earlier SCA of the access. A later SCA answers the
// bank's method and medium questions with them, if the bank still offers
// them, unless the client asks with queryTanSettings=true to ignore them;
// then the bank's offer is shown and the new choice saved instead.
type TANSettings struct {
	MethodCode int
	Medium     string
}

// ConsentLock is a claim on one consent: the step that holds it is the only
// one talking to the bank for that consent.
type ConsentLock struct {
	ConsentID string
	Token     string
}

// CurrentSCA returns the process the access is in, if any.
func (b *BankAccess) CurrentSCA() *SCA {
	if len(b.SCAs) == 0 {
		return nil
	}
	return &b.SCAs[len(b.SCAs)-1]
}

// SCAByConsent finds a consent process by id.
func (b *BankAccess) SCAByConsent(id string) *SCA {
	for i := range b.SCAs {
		if b.SCAs[i].ConsentID == id {
			return &b.SCAs[i]
		}
	}
	return nil
}

// Product returns the product with the given id.
func (b *BankAccess) Product(id string) (Product, bool) {
	for _, p := range b.Products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

// AccessStore persists bank accesses with their data. All keys of one user
// share a hash tag, so every method is atomic for that user.
//
// Errors: KindNotFound for an unknown access, consent or product;
// KindConflict from SaveAccess when the stored Version is not the one the
// caller read (a concurrent update won), and from LockAndLoad when the
// consent is already being worked on; KindUnavailable on backend failure.
type AccessStore interface {
	// Access returns one access of a user.
	Access(ctx context.Context, tenant, userID, id string) (BankAccess, error)
	// AccessVersion returns only the stored version of an access.
	AccessVersion(ctx context.Context, tenant, userID, id string) (int64, error)
	// AccessCount returns how many accesses the user has.
	AccessCount(ctx context.Context, tenant, userID string) (int, error)
	// Accesses lists a user's accesses ordered by creation.
	Accesses(ctx context.Context, tenant, userID string) ([]BankAccess, error)
	// AccessByConsent resolves a consent id to its access.
	AccessByConsent(ctx context.Context, tenant, userID, consentID string) (BankAccess, error)
	// SaveAccess writes a; a.Version must equal the stored version (0 for a
	// new access) and is incremented on success; a new access beyond the
	// store's accesses-per-user limit is KindInvalid and stores nothing; a.Lock, if any, is released
	// in the same step. New consent ids are indexed. Transactions and investments of snap (may be nil) are merged by id in the same
	// atomic step, so a retried fetch never duplicates a transaction.
	// notes go to the user's notification outbox in that same step: the
	// change and what it tells the tenant are stored both or neither.
	SaveAccess(ctx context.Context, a *BankAccess, snap *Snapshot, notes []Notification) error
	// DeleteAccess removes an access with its data and consent index.
	DeleteAccess(ctx context.Context, tenant, userID, id string) error
	// Transactions returns a product's transactions booked in [from, to),
	// newest first.
	Transactions(ctx context.Context, tenant, userID, accessID, productID string, from, to time.Time) ([]Transaction, error)
	// Transaction returns one transaction of a product by id.
	Transaction(ctx context.Context, tenant, userID, accessID, productID, txID string) (Transaction, error)
	// UnknownTransactions returns which of ids the product has not stored.
	UnknownTransactions(ctx context.Context, tenant, userID, accessID, productID string, ids []string) (map[string]bool, error)
	// Investments returns a depot's positions.
	Investments(ctx context.Context, tenant, userID, accessID, productID string) ([]Investment, error)
	// LockAndLoad claims a consent for one step (KindConflict when another
	// step holds it) and returns its access with the claim in Lock. The
	// claim ends with the next SaveAccess of that access, with Unlock, or
	// after ttl.
	// accessID may be "" (the generic consent route) when the caller does not
	// know the consent's access.
	LockAndLoad(ctx context.Context, tenant, userID, accessID, consentID string, ttl time.Duration) (BankAccess, error)
	// Unlock releases a.Lock if SaveAccess has not already.
	Unlock(ctx context.Context, a *BankAccess)
	// SaveRedirect remembers which consent a redirect token belongs to.
	SaveRedirect(ctx context.Context, token string, ref RedirectRef, ttl time.Duration) error
	// Redirect resolves a redirect token (KindNotFound once used or expired).
	Redirect(ctx context.Context, token string) (RedirectRef, error)
	// DeleteRedirect forgets a used token.
	DeleteRedirect(ctx context.Context, token string) error
}

// RedirectRef is what a redirect token stands for.
type RedirectRef struct {
	Tenant    string
	UserID    string
	AccessID  string
	ConsentID string
}
