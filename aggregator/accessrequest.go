package aggregator

import (
	"net"
	"strings"
	"time"

	"github.com/google/uuid"
)

// AccessRequest is one entry of BANKSapi's CreateBankAccess map: what a
// client sends for one bank-access id. Credentials are still encrypted.
type AccessRequest struct {
	ProviderID       string
	Credentials      map[string]string
	Sync             *bool
	SelectedProducts []string
	// Plain carries credentials the user typed into the hosted web form;
	// the API never fills it (its credentials arrive RSA-encrypted).
	Plain Credentials
}

// AccessOptions are the query parameters and headers of add, refresh and
// start-SCA calls.
type AccessOptions struct {
	Refresh          bool
	HeadOnly         bool
	QueryTANSettings bool
	MaxTransactions  string // none (default), all, paymentAccounts
	CallbackURL      string
	CustomerIP       string // never stored
	// WebForm is set by the hosted web form, which acts for REG/Protect
	// clients: their API calls get 451 instead, and the form's own return
	// URL needs no allowed prefix.
	WebForm bool
}

// SCASubmission is BANKSapi's SubmitScaData: one field per step; nil means
// absent, so an empty object (a decoupled confirmation) is all nils.
type SCASubmission struct {
	MethodID *string
	Medium   *string
	AuthData *string
}

// CredentialDecrypter turns a client's RSA-encrypted, Base64 credentials
// into plaintext for the provider's fields. Errors: KindInvalid with
// CodeIncompleteCredentials (BA1012) naming the field.
type CredentialDecrypter interface {
	Decrypt(encrypted map[string]string, fields []string) (Credentials, error)
}

// SecretSealer seals credentials and provider state at rest; aad binds a
// blob to its owner.
type SecretSealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
	SealCredentials(c Credentials, aad []byte) ([]byte, error)
	OpenCredentials(sealed, aad []byte) (Credentials, error)
}

// SCAMachine validates SCA transitions and says what each state shows
// (implemented by package sca).
type SCAMachine interface {
	Apply(from SCAState, ev SCAEvent) (SCAState, error)
	Message(s SCAState) (Message, bool)
	Relations(s SCAState) []Rel
}

// Providers resolves a catalogue id to its adapter.
type Providers interface {
	Provider(id string) (Provider, ProviderInfo, error)
}

// Transaction window defaults of the seed.
const (
	DefaultTransactionWindow = 90 * 24 * time.Hour
	DefaultConsentValidity   = 180 * 24 * time.Hour
	consentLockTTL           = 2 * time.Minute
	redirectTTL              = time.Hour // how long a user may take on the bank's page
)

func invalidf(op, format string, args ...any) *Error { return Errorf(KindInvalid, op, format, args...) }

// validAccessID reports whether a client-chosen id is a UUID in canonical
// form, in lower case: ids are compared byte for byte, so an upper-case
// spelling would be a second access with a second bank login. The HTTP
// edge lower-cases what clients send.
func validAccessID(id string) bool {
	u, err := uuid.Parse(id)
	return err == nil && u.String() == id
}

// checkOptions validates the query parameters and headers at the edge.
func checkOptions(op string, o AccessOptions, allowed []string) error {
	switch o.MaxTransactions {
	case "", "none", "all", "paymentAccounts":
	default:
		return invalidf(op, "maxTransactions must be none, all or paymentAccounts")
	}
	if o.CustomerIP != "" && net.ParseIP(strings.TrimSpace(o.CustomerIP)) == nil {
		return invalidf(op, "Customer-IP-Address is not an IPv4 or IPv6 address")
	}
	if o.CallbackURL != "" {
		// Without allowed prefixes any host will do, the structural rules
		// still hold.
		return CheckCallbackURL(o.CallbackURL, allowed)
	}
	return nil
}

// checkPlainCredentials wants a non-blank value for every field the
// provider asks for. Like BA1012 for encrypted credentials it names the
// field, never a value.
func checkPlainCredentials(op string, plain Credentials, fields []LoginField) error {
	for _, f := range fields {
		if strings.TrimSpace(plain[f.Key]) == "" {
			return &Error{Kind: KindInvalid, Op: op, Code: CodeIncompleteCredentials, Message: "Zugangsdaten unvollständig",
				Details: "the field " + f.Key + " is empty"}
		}
	}
	return nil
}
