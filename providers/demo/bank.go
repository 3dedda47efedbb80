package demo

import (
	"context"
	"crypto/subtle"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/providers"
)

func init() { providers.Register("demo", New) }

// The capabilities the gateway discovers by type assertion.
var (
	_ aggregator.Provider     = (*Bank)(nil)
	_ aggregator.EmbeddedSCA  = (*Bank)(nil)
	_ aggregator.DecoupledSCA = (*Bank)(nil)
	_ aggregator.RedirectSCA  = (*Bank)(nil)
)

// maxWrongPINs is how many wrong PINs in a row block a login.
const maxWrongPINs = 3

// Bank is the demo bank. It is safe for concurrent use. Apart from the
// wrong-PIN counters it keeps no state: where an SCA stands travels in
// aggregator.ProviderState, which the gateway stores sealed and passes back.
type Bank struct {
	now     aggregator.Clock
	baseURL string
	latency time.Duration
	booking time.Duration // the booking-interval setting; 0: one business day
	logins  map[string]Login

	mu        sync.Mutex
	wrongPINs map[string]int   // by user id; maxWrongPINs blocks the login for this Bank's lifetime
	days      map[string]books // a login's books of one day, by user id and day: the same all day
}

// maxCachedDays bounds the books kept; beyond it the cache starts afresh.
const maxCachedDays = 256

// dayBooks returns the login's books of now's day, generated once a day.
func (b *Bank) dayBooks(l Login, now time.Time) books {
	today := dayOf(now.In(berlin()))
	key := l.UserID + "|" + today.String()
	b.mu.Lock()
	bk, ok := b.days[key]
	b.mu.Unlock()
	if ok {
		return bk
	}
	bk = dayBooks(l, today) // outside the lock: two first fetches may both generate
	b.mu.Lock()
	if len(b.days) >= maxCachedDays {
		clear(b.days)
	}
	b.days[key] = bk
	b.mu.Unlock()
	return bk
}

// New builds the demo bank from its catalogue entry and settings (see the
// package doc). cfg.Now is required: the bank reads time from nowhere else.
func New(cfg aggregator.ProviderConfig) (aggregator.Provider, error) {
	if cfg.Now == nil {
		return nil, errors.New("demo: ProviderConfig.Now (the clock) is required")
	}
	s, err := decodeSettings(cfg.Settings)
	if err != nil {
		return nil, errors.New("demo: settings: " + err.Error())
	}
	b := &Bank{now: cfg.Now, baseURL: strings.TrimRight(cfg.BaseURL, "/"), latency: s.latency, booking: s.bookingInterval,
		logins: make(map[string]Login, len(s.logins)), wrongPINs: map[string]int{}, days: map[string]books{}}
	for _, l := range s.logins {
		b.logins[l.UserID] = l
	}
	return b, nil
}

// wait simulates the bank's latency. A context that is done, before or
// during the wait, is the bank not answering in time.
func (b *Bank) wait(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return timeout(op, err)
	}
	if b.latency <= 0 {
		return nil
	}
	t := time.NewTimer(b.latency)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return timeout(op, ctx.Err())
	case <-t.C:
		return nil
	}
}

func timeout(op string, cause error) *aggregator.Error {
	return &aggregator.Error{Kind: aggregator.KindTimeout, Op: op, Code: aggregator.CodeAccessUnavailable,
		Message: "Bankzugang nicht verfügbar", Details: "Die Bank hat nicht rechtzeitig geantwortet.", Err: cause}
}

// Connect checks the credentials and starts the login's scenario.
func (b *Bank) Connect(ctx context.Context, req aggregator.ConnectRequest) (aggregator.Outcome, error) {
	const op = "demo.Connect"
	if err := b.wait(ctx, op); err != nil {
		return aggregator.Outcome{}, err
	}
	l, err := b.authenticateLogin(op, req.Credentials)
	if err != nil {
		return aggregator.Outcome{}, err
	}
	now := b.now()
	st := &state{Version: stateVersion, Scenario: l.Scenario, Login: l.UserID,
		Nonce: nonce(req.AccessID, l.UserID, now)}
	switch l.Scenario {
	case ScenarioMaintenance:
		return aggregator.Outcome{}, &aggregator.Error{Kind: aggregator.KindUnavailable, Op: op,
			Code: aggregator.CodeAccessUnavailable, Message: "Bankzugang nicht verfügbar",
			Details: "Die Bank führt Wartungsarbeiten durch. Bitte versuchen Sie es später erneut."}
	case ScenarioNone, ScenarioExpiring:
		return b.done(op, st, now)
	case ScenarioSelectMethod:
		st.Step = stepMethod
		return outcome(op, st, aggregator.Outcome{Step: aggregator.EventNeedMethod, Methods: methods()})
	case ScenarioDecoupled:
		st.Step, st.Method = stepDecoupled, methodPush
		return outcome(op, st, b.needDecoupled(st))
	case ScenarioRedirect:
		st.Step = stepRedirect
		return outcome(op, st, aggregator.Outcome{Step: aggregator.EventNeedRedirect,
			Challenge: &aggregator.Challenge{Name: "Redirect", Redirect: true,
				Instructions: "Bitte melden Sie sich auf der Seite der Demo-Bank an und geben Sie den Zugriff frei.",
				RedirectURL:  b.redirectURL(req.RedirectToken, st.Nonce)}})
	case ScenarioTwoChannels:
		st.Step, st.Method = stepTAN, methodMockTAN
		return b.needTAN(op, st, nil)
	}
	return aggregator.Outcome{}, aggregator.Internal(op, errors.New("login "+l.UserID+" has unknown scenario "+string(l.Scenario)))
}

// authenticateLogin checks user id and PIN and counts wrong PINs.
func (b *Bank) authenticateLogin(op string, creds aggregator.Credentials) (Login, error) {
	userID, pin := strings.TrimSpace(creds["userid"]), creds["pin"]
	if userID == "" || pin == "" {
		return Login{}, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Code: aggregator.CodeIncompleteCredentials,
			Message: "Zugangsdaten unvollständig", Details: "Benötigt werden die Felder userid und pin."}
	}
	wrong := &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Code: aggregator.CodeWrongCredentials,
		Message: "Zugangsdaten nicht korrekt",
		Details: "Bitte prüfen Sie Ihre Zugangsdaten. Nach drei Fehleingaben wird Ihr Zugang gesperrt."}
	l, ok := b.logins[userID]
	if !ok {
		return Login{}, wrong
	}
	blocked := &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Code: aggregator.CodeAccessBlocked,
		Message: "Zugang gesperrt",
		Details: "Die PIN wurde dreimal falsch eingegeben. Ihr Zugang ist gesperrt; bitte wenden Sie sich an Ihre Bank."}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.wrongPINs[userID] >= maxWrongPINs {
		return Login{}, blocked
	}
	if subtle.ConstantTimeCompare([]byte(pin), []byte(l.PIN)) != 1 {
		b.wrongPINs[userID]++
		if b.wrongPINs[userID] >= maxWrongPINs {
			return Login{}, blocked
		}
		return Login{}, wrong
	}
	delete(b.wrongPINs, userID)
	return l, nil
}

// Fetch returns the login's data once its SCA is done: the products, the
// transactions of the two years before now (booked on or after req.From)
// and the depot positions, limited to req.SelectedProducts when given;
// HeadOnly returns the products without balances.
func (b *Bank) Fetch(ctx context.Context, req aggregator.FetchRequest) (aggregator.Snapshot, error) {
	const op = "demo.Fetch"
	if err := b.wait(ctx, op); err != nil {
		return aggregator.Snapshot{}, err
	}
	st, err := decodeState(op, req.State)
	if err != nil {
		return aggregator.Snapshot{}, err
	}
	if st.Step != stepDone {
		return aggregator.Snapshot{}, &aggregator.Error{Kind: aggregator.KindConflict, Op: op,
			Message: "SCA not completed", Details: "the SCA is at step " + string(st.Step) + "; data can be read once it is done"}
	}
	now := b.now()
	if !st.ValidUntil.IsZero() && !now.Before(st.ValidUntil) {
		return aggregator.Snapshot{}, &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Code: aggregator.CodeSCARequired,
			Message: "SCA notwendig", Details: "Die Zustimmung ist abgelaufen; bitte starten Sie eine neue SCA."}
	}
	l, ok := b.logins[st.Login]
	if !ok {
		return aggregator.Snapshot{}, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Code: aggregator.CodeWrongCredentials,
			Message: "Zugangsdaten nicht korrekt", Details: "Die Bank kennt diesen Zugang nicht mehr."}
	}
	return filter(atTime(b.dayBooks(l, now), l, now, b.booking).snap, req), nil
}

// filter applies a fetch request's selection to a full snapshot.
func filter(s aggregator.Snapshot, req aggregator.FetchRequest) aggregator.Snapshot {
	keep := func(string) bool { return true }
	if len(req.SelectedProducts) > 0 {
		sel := make(map[string]bool, len(req.SelectedProducts))
		for _, id := range req.SelectedProducts {
			sel[id] = true
		}
		keep = func(id string) bool { return sel[id] }
	}
	out := aggregator.Snapshot{Fetched: s.Fetched, Products: make([]aggregator.Product, 0, len(s.Products))}
	for _, p := range s.Products {
		if !keep(p.ID) {
			continue
		}
		if req.HeadOnly {
			p.Saldo, p.Verfuegungsrahmen, p.VerfuegterBetrag = nil, nil, nil
			p.SaldoDatum = time.Time{}
		}
		out.Products = append(out.Products, p)
	}
	if req.HeadOnly {
		return out
	}
	for _, t := range s.Transactions {
		if keep(t.ProductID) && !t.Buchungsdatum.Before(req.From) {
			out.Transactions = append(out.Transactions, t)
		}
	}
	for _, inv := range s.Investments {
		if keep(inv.ProductID) {
			out.Investments = append(out.Investments, inv)
		}
	}
	return out
}
