package aggregator

import (
	"context"
	"net/url"
	"time"
)

// Credentials are decrypted bank credentials, keyed by the provider's
// fieldkeys (userid, pin, …). They live in memory only for the duration of
// a provider call; String and GoString hide them so a stray %v can never
// print one.
type Credentials map[string]string

func (Credentials) String() string   { return "[credentials redacted]" }
func (Credentials) GoString() string { return "[credentials redacted]" }

// ProviderState is an adapter's own state between the calls of one SCA
// process (the demo bank's chosen method, a real bank's consent handle).
// The gateway treats it as opaque and secret: it is stored sealed, like
// credentials.
type ProviderState []byte

// ConnectRequest asks a provider to log in.
type ConnectRequest struct {
	AccessID    string
	Credentials Credentials
	CustomerIP  string // the end user's address, for the bank's fraud checks; never stored
	CallbackURL string // where a redirect SCA returns the user's browser
	// RedirectToken is the gateway's unguessable handle of this SCA for a
	// redirect: a provider puts it into the URL the user's browser comes
	// back with (the demo bank into its page's link), so the gateway can
	// find the consent again without trusting client-chosen ids.
	RedirectToken string
	State         ProviderState
}

// StepRequest continues an SCA process.
type StepRequest struct {
	AccessID      string
	ConsentID     string
	Credentials   Credentials
	CustomerIP    string
	CallbackURL   string
	RedirectToken string
	State         ProviderState
}

// FetchRequest reads data under the consents granted so far.
type FetchRequest struct {
	AccessID         string
	Credentials      Credentials
	State            ProviderState
	SelectedProducts []string // empty: all
	From             time.Time
	HeadOnly         bool // products without balances and transactions
}

// Outcome is a provider's answer: what the bank needs next.
//
// Step is EventDone when the current SCA (if any) is granted and data can be
// fetched; one of the EventNeed* events when the user must act; EventFail
// when the SCA failed for good (Messages say why, e.g. BA3040). A wrong TAN
// that may be retried is EventNeedTAN again with a BA1103 message.
//
// NewSCA marks an outcome that opens a further SCA (another channel of the
// provider, see Provider.channels): the previous SCA is then granted until
// ConsentValidUntil and this outcome's step belongs to the new one.
type Outcome struct {
	Step              SCAEvent
	NewSCA            bool
	Channel           string
	Methods           []SCAMethod
	ActiveMethod      *SCAMethod
	Media             []TANMedium
	Challenge         *Challenge
	Messages          []Message
	State             ProviderState
	ConsentValidUntil time.Time // when Step is EventDone (or NewSCA): how long the granted consent lasts
}

// Provider is what every bank adapter implements. Adapters classify bank
// failures as *Error: KindInvalid with CodeWrongCredentials (BA1011) or
// CodeAccessBlocked (BA1010), KindUnavailable with CodeAccessUnavailable
// (BA1051) or CodeProviderMaintenance (BA1000), KindTimeout when the bank
// does not answer in time.
type Provider interface {
	// Connect logs in and says what the bank needs next.
	Connect(ctx context.Context, req ConnectRequest) (Outcome, error)
	// Fetch reads products, transactions and positions.
	Fetch(ctx context.Context, req FetchRequest) (Snapshot, error)
}

// EmbeddedSCA is implemented by providers whose SCA the gateway drives
// step by step (method, medium, TAN).
type EmbeddedSCA interface {
	SelectMethod(ctx context.Context, req StepRequest, code int) (Outcome, error)
	SelectMedium(ctx context.Context, req StepRequest, medium string) (Outcome, error)
	Authenticate(ctx context.Context, req StepRequest, tan string) (Outcome, error)
}

// DecoupledSCA is implemented by providers whose users approve in an app;
// Poll asks whether they have.
type DecoupledSCA interface {
	Poll(ctx context.Context, req StepRequest) (Outcome, error)
}

// RedirectSCA is implemented by providers that authenticate on their own
// page; CompleteRedirect takes what the bank's page returned.
type RedirectSCA interface {
	CompleteRedirect(ctx context.Context, req StepRequest, result url.Values) (Outcome, error)
}

// ProviderConfig is what an adapter factory gets from the catalogue entry
// and the gateway.
type ProviderConfig struct {
	Info     ProviderInfo
	BaseURL  string // the gateway's public base URL (for pages it serves for the bank)
	Now      Clock
	Settings map[string]any // the adapter's own settings from configuration
}

// ProviderFactory builds an adapter.
type ProviderFactory func(cfg ProviderConfig) (Provider, error)
