package aggregator

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
)

// AccessService is the Customer API's bank-access use cases as package web
// sees them; Accesses implements it.
type AccessService interface {
	Add(ctx context.Context, p Principal, req map[string]AccessRequest, order []string, o AccessOptions) ([]string, error)
	StartSCA(ctx context.Context, p Principal, id string, req map[string]AccessRequest, o AccessOptions) error
	Submit(ctx context.Context, p Principal, accessID, consentID string, in SCASubmission) (BankAccess, error)
	Poll(ctx context.Context, p Principal, accessID, consentID string) (BankAccess, error)
	Cancel(ctx context.Context, p Principal, accessID, consentID string) (BankAccess, error)
	Consent(ctx context.Context, p Principal, consentID string) (BankAccess, error)
	ConsentView(acc BankAccess, consentID string) ConsentView
	Access(ctx context.Context, p Principal, id string) (BankAccess, error)
	AccessVersion(ctx context.Context, p Principal, id string) (int64, error)
	List(ctx context.Context, p Principal) ([]BankAccess, error)
	Delete(ctx context.Context, p Principal, id string) error
	DeleteAll(ctx context.Context, p Principal) error
	Product(ctx context.Context, p Principal, accessID, productID string) (BankAccess, Product, error)
	Transactions(ctx context.Context, p Principal, accessID, productID string, from, to time.Time) ([]Transaction, error)
	Transaction(ctx context.Context, p Principal, accessID, productID, txID string) (Transaction, error)
	Positions(ctx context.Context, p Principal, accessID, productID string) ([]Investment, error)
	View(acc BankAccess) AccessView
	IssuesView(acc BankAccess) AccessView
}

var _ AccessService = (*Accesses)(nil)

// Accesses is the Customer API's use cases for bank accesses: adding and
// refreshing them, driving their SCAs and reading what the bank returned.
//
// Errors: KindNotFound for anything outside the calling user (another
// user's or tenant's access, product or consent); KindInvalid for a bad
// request (the message names the problem) with nothing stored;
// KindConflict for an SCA step that does not fit the consent's state or a
// concurrent submission to the same consent; KindTimeout when the bank
// does not answer in time.
type Accesses struct {
	Store       AccessStore
	Providers   Providers
	Credentials CredentialDecrypter
	Sealer      SecretSealer
	SCA         SCAMachine
	Directory   *Directory
	Scheduler   SyncScheduler // plans background refreshes; nil: none
	Limits      Limits        // bound the accesses per request and per user
	Now         Clock
	Log         *zap.Logger
}

func (a *Accesses) log(ctx context.Context) *zap.Logger { return LoggerFrom(ctx, a.Log) }

// aad binds sealed secrets to their access.
func aad(acc *BankAccess) []byte { return []byte(acc.Tenant + "|" + acc.UserID + "|" + acc.ID) }

// callbackPrefixes returns the calling client's allowed callback URLs;
// the web form's own return URL is checked by the form.
func (a *Accesses) callbackPrefixes(p Principal, o AccessOptions) []string {
	if c, ok := a.Directory.Client(p.Client); ok && !o.WebForm {
		return c.CallbackURLPrefixes
	}
	return nil
}

// preparedAccess is a validated entry of an add request, ready to run.
type preparedAccess struct {
	access      BankAccess
	provider    Provider
	credentials Credentials
	isNew       bool
}

// Add adds or refreshes the bank accesses of one CreateBankAccess map and
// returns their ids in request order. Every entry is validated (and its
// credentials decrypted) before any bank is called, so a bad entry stores
// nothing.
func (a *Accesses) Add(ctx context.Context, p Principal, req map[string]AccessRequest, order []string, o AccessOptions) ([]string, error) {
	if err := a.checkAdd(p, req, o); err != nil {
		return nil, err
	}
	prepared := make([]preparedAccess, 0, len(req))
	for _, id := range order {
		pa, err := a.prepare(ctx, p, id, req[id], o)
		if err != nil {
			return nil, err
		}
		prepared = append(prepared, pa)
	}
	if err := a.checkRoom(ctx, p, prepared); err != nil {
		return nil, err
	}
	for i := range prepared {
		if err := a.run(ctx, &prepared[i], o); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// checkAdd validates an add request as a whole at the edge.
func (a *Accesses) checkAdd(p Principal, req map[string]AccessRequest, o AccessOptions) error {
	const op = "accesses.Add"
	if len(req) == 0 {
		return invalidf(op, "the body must map at least one bank-access id to its data")
	}
	if n := a.Limits.AccessesPerRequest; n > 0 && len(req) > n {
		return LimitError(op, "bank accesses per request", n, "limits.accessesPerRequest")
	}
	return checkOptions(op, o, a.callbackPrefixes(p, o))
}

// checkRoom refuses an add whose new accesses would exceed the user's
// limit before any bank is called; the store enforces the same limit
// atomically when it saves a new access.
func (a *Accesses) checkRoom(ctx context.Context, p Principal, prepared []preparedAccess) error {
	limit := a.Limits.AccessesPerUser
	added := 0
	for _, pa := range prepared {
		if pa.isNew {
			added++
		}
	}
	if limit <= 0 || added == 0 {
		return nil
	}
	have, err := a.Store.AccessCount(ctx, p.Tenant, p.UserID)
	if err != nil {
		return err
	}
	if have+added > limit {
		return LimitError("accesses.Add", "bank accesses per user", limit, "limits.accessesPerUser")
	}
	return nil
}

func (a *Accesses) prepare(ctx context.Context, p Principal, id string, r AccessRequest, o AccessOptions) (preparedAccess, error) {
	const op = "accesses.Add"
	if !validAccessID(id) {
		return preparedAccess{}, invalidf(op, "bank-access id %s is not a UUID", quoteShort(id))
	}
	existing, err := a.Store.Access(ctx, p.Tenant, p.UserID, id)
	isNew := IsNotFound(err)
	if err != nil && !isNew {
		return preparedAccess{}, err
	}
	acc := existing
	if isNew {
		if r.ProviderID == "" {
			return preparedAccess{}, invalidf(op, "bank access %s: providerId is required", id)
		}
		acc = BankAccess{ID: id, Tenant: p.Tenant, UserID: p.UserID, ProviderID: r.ProviderID, Sync: true, Created: a.Now()}
	} else if r.ProviderID != "" && r.ProviderID != acc.ProviderID {
		return preparedAccess{}, invalidf(op, "bank access %s belongs to provider %s; providerId cannot change", id, acc.ProviderID)
	}
	prov, info, err := a.Providers.Provider(acc.ProviderID)
	if err != nil {
		return preparedAccess{}, invalidf(op, "bank access %s: unknown providerId %s", id, quoteShort(acc.ProviderID))
	}
	if o.HeadOnly && (r.Sync != nil && *r.Sync || len(r.SelectedProducts) > 0) {
		return preparedAccess{}, invalidf(op, "bank access %s: headOnly needs sync false and no selectedBankProducts", id)
	}
	switch {
	case r.Sync != nil:
		acc.Sync = *r.Sync
	case o.HeadOnly: // a header-only look is no subscription to background sync
		acc.Sync = false
	}
	if r.SelectedProducts != nil {
		acc.SelectedProducts = r.SelectedProducts
	}
	if o.CallbackURL != "" {
		acc.CallbackURL = o.CallbackURL
	}
	var creds Credentials
	switch {
	case len(r.Plain) > 0:
		if err := checkPlainCredentials(op, r.Plain, info.Fields); err != nil {
			return preparedAccess{}, err
		}
		creds = r.Plain
		if acc.SealedCredentials, err = a.Sealer.SealCredentials(creds, aad(&acc)); err != nil {
			return preparedAccess{}, Internal(op, err)
		}
	case len(r.Credentials) > 0:
		fields := make([]string, len(info.Fields))
		for i, f := range info.Fields {
			fields[i] = f.Key
		}
		if creds, err = a.Credentials.Decrypt(r.Credentials, fields); err != nil {
			return preparedAccess{}, err
		}
		if acc.SealedCredentials, err = a.Sealer.SealCredentials(creds, aad(&acc)); err != nil {
			return preparedAccess{}, Internal(op, err)
		}
	case isNew:
		return preparedAccess{}, &Error{Kind: KindInvalid, Op: op, Code: CodeIncompleteCredentials,
			Message: "Zugangsdaten unvollständig", Details: "bank access " + id + ": credentials are required for a new bank access"}
	default:
		if creds, err = a.Sealer.OpenCredentials(acc.SealedCredentials, aad(&acc)); err != nil {
			return preparedAccess{}, Internal(op, err)
		}
	}
	return preparedAccess{access: acc, provider: prov, credentials: creds, isNew: isNew}, nil
}

// run logs in (or, for a refresh under a valid consent, just fetches) and
// stores the result.
func (a *Accesses) run(ctx context.Context, pa *preparedAccess, o AccessOptions) error {
	acc := &pa.access
	cur := acc.CurrentSCA()
	if !pa.isNew && o.Refresh && cur != nil && cur.State == SCAFinalised && len(pa.credentials) > 0 {
		if a.Now().Before(cur.ValidUntil) {
			snap, err := a.fetch(ctx, pa.provider, acc, pa.credentials, o)
			return a.saveAttempt(ctx, acc, snap, nil, err)
		}
		// The consent ran out: the user must authenticate again.
		next, err := a.SCA.Apply(cur.State, EventExpire)
		if err != nil {
			return err
		}
		cur.State, cur.Updated = next, a.Now()
		acc.Status = StatusComplete
		return a.Store.SaveAccess(ctx, acc, nil, nil)
	}
	return a.connect(ctx, pa.provider, acc, pa.credentials, o)
}

// connect starts a new SCA process with a login at the bank.
func (a *Accesses) connect(ctx context.Context, prov Provider, acc *BankAccess, creds Credentials, o AccessOptions) error {
	state, err := a.openState(acc)
	if err != nil {
		return err
	}
	acc.SCAs = append(acc.SCAs, a.newSCA(""))
	out, err := prov.Connect(ctx, ConnectRequest{AccessID: acc.ID, Credentials: creds, CustomerIP: o.CustomerIP,
		CallbackURL: acc.CallbackURL, RedirectToken: acc.CurrentSCA().RedirectToken, State: state})
	if err != nil {
		return a.bankFailed(ctx, acc, err)
	}
	if out, err = a.applyTANSettings(ctx, prov, acc, creds, out, o); err != nil {
		return a.bankFailed(ctx, acc, err)
	}
	return a.advance(ctx, prov, acc, creds, out, o)
}

// applyTANSettings answers the bank's method and medium questions after a
// login with the access's saved TAN settings, if the bank still offers
// those choices. queryTanSettings=true forgets them instead, so the user
// sees the bank's current offer and the new choice is saved.
func (a *Accesses) applyTANSettings(ctx context.Context, prov Provider, acc *BankAccess, creds Credentials, out Outcome, o AccessOptions) (Outcome, error) {
	saved := acc.TANSettings
	embedded, ok := prov.(EmbeddedSCA)
	if o.QueryTANSettings {
		acc.TANSettings = nil
		return out, nil
	}
	if saved == nil || !ok {
		return out, nil
	}
	cur := acc.CurrentSCA()
	req := func(state ProviderState) StepRequest {
		return StepRequest{AccessID: acc.ID, ConsentID: cur.ConsentID, Credentials: creds, CustomerIP: o.CustomerIP,
			CallbackURL: acc.CallbackURL, RedirectToken: cur.RedirectToken, State: state}
	}
	offered := out
	var err error
	if out.Step == EventNeedMethod && slices.ContainsFunc(out.Methods, func(m SCAMethod) bool { return m.Code == saved.MethodCode }) {
		if out, err = embedded.SelectMethod(ctx, req(out.State), saved.MethodCode); err != nil {
			return Outcome{}, err
		}
		cur.TANChoice = &TANSettings{MethodCode: saved.MethodCode}
	}
	if out.Step == EventNeedMedium && slices.ContainsFunc(out.Media, func(m TANMedium) bool { return m.Name == saved.Medium }) {
		media := out.Media
		if out, err = embedded.SelectMedium(ctx, req(out.State), saved.Medium); err != nil {
			return Outcome{}, err
		}
		if out.Media == nil {
			out.Media = media
		}
		if cur.TANChoice == nil {
			cur.TANChoice = &TANSettings{}
		}
		cur.TANChoice.Medium = saved.Medium
	}
	if out.Methods == nil { // still show what the bank offered
		out.Methods = offered.Methods
	}
	return out, nil
}

// advance applies a provider outcome to the current SCA, fetches when the
// consent is granted, and saves.
func (a *Accesses) advance(ctx context.Context, prov Provider, acc *BankAccess, creds Credentials, out Outcome, o AccessOptions) error {
	const op = "accesses.advance"
	now := a.Now()
	cur := acc.CurrentSCA()
	if out.NewSCA {
		// The bank granted the current SCA and asks for another channel.
		if cur.State, _ = a.SCA.Apply(cur.State, EventDone); cur.State != SCAFinalised {
			return Internal(op, errors.New("a further SCA before the current one was granted"))
		}
		keepTANChoice(acc, cur)
		cur.ValidUntil, cur.Updated = a.validUntil(acc, out, now), now
		acc.SCAs = append(acc.SCAs, a.newSCA(out.Channel))
		cur = acc.CurrentSCA()
	}
	next, err := a.SCA.Apply(cur.State, out.Step)
	if err != nil {
		return Internal(op, err) // the provider broke the machine's contract
	}
	cur.State, cur.Updated, cur.Messages = next, now, out.Messages
	if out.Channel != "" {
		cur.Channel = out.Channel
	}
	if out.Methods != nil {
		cur.Methods = out.Methods
	}
	if out.Media != nil {
		cur.Media = out.Media
	}
	if out.ActiveMethod != nil {
		cur.ActiveMethod = out.ActiveMethod
	}
	cur.Challenge = out.Challenge
	if err := a.sealState(acc, out.State); err != nil {
		return err
	}
	switch next {
	case SCAFinalised:
		keepTANChoice(acc, cur)
		acc.Unattended = nil // a new consent, a new unattended budget
		cur.ValidUntil = a.validUntil(acc, out, now)
		cur.Challenge = nil
		snap, err := a.fetch(ctx, prov, acc, creds, o)
		return a.saveAttempt(ctx, acc, snap, nil, err)
	case SCAFailed:
		acc.Status = StatusComplete
	case SCARedirect:
		acc.Status = StatusInteraction
		ref := RedirectRef{Tenant: acc.Tenant, UserID: acc.UserID, AccessID: acc.ID, ConsentID: cur.ConsentID}
		if err := a.Store.SaveRedirect(ctx, cur.RedirectToken, ref, redirectTTL); err != nil {
			return err
		}
	default:
		acc.Status = StatusInteraction
	}
	return a.Store.SaveAccess(ctx, acc, nil, nil)
}

// newSCA opens a consent process with fresh random ids.
func (a *Accesses) newSCA(channel string) SCA {
	now := a.Now()
	return SCA{ConsentID: uuid.NewString(), RedirectToken: uuid.NewString(), State: SCARequired, Channel: channel,
		Started: now, Updated: now}
}

// validUntil is when a consent granted now ends: what the bank said,
// bounded by the provider's configured validity.
func (a *Accesses) validUntil(acc *BankAccess, out Outcome, now time.Time) time.Time {
	limit := DefaultConsentValidity
	if _, info, err := a.Providers.Provider(acc.ProviderID); err == nil && info.ConsentValidity > 0 {
		limit = info.ConsentValidity
	}
	end := now.Add(limit)
	if !out.ConsentValidUntil.IsZero() && out.ConsentValidUntil.Before(end) {
		end = out.ConsentValidUntil
	}
	return end
}

func (a *Accesses) fetch(ctx context.Context, prov Provider, acc *BankAccess, creds Credentials, o AccessOptions) (*Snapshot, error) {
	state, err := a.openState(acc)
	if err != nil {
		return nil, err
	}
	from := a.Now().Add(-DefaultTransactionWindow)
	if o.MaxTransactions == "all" || o.MaxTransactions == "paymentAccounts" || acc.Updated.IsZero() {
		from = time.Time{} // the first fetch and maxTransactions read everything the bank has
	}
	snap, err := prov.Fetch(ctx, FetchRequest{AccessID: acc.ID, Credentials: creds, State: state,
		SelectedProducts: acc.SelectedProducts, From: from, HeadOnly: o.HeadOnly})
	if err != nil {
		return nil, err
	}
	return &snap, nil
}

// saveAttempt stores a fetch's result. A failed attempt never overwrites
// the stable data: it records issues (the tentative state) only. notes
// are saved with a successful fetch's data.
func (a *Accesses) saveAttempt(ctx context.Context, acc *BankAccess, snap *Snapshot, notes []Notification, fetchErr error) error {
	now := a.Now()
	if fetchErr != nil {
		return a.bankFailed(ctx, acc, fetchErr)
	}
	acc.Products = snap.Products
	for i := range acc.Products {
		if acc.Products[i].Updated.IsZero() {
			acc.Products[i].Updated = now
		}
	}
	acc.Updated, acc.Status, acc.Messages = now, StatusComplete, nil
	acc.Issues, acc.IssuesAt = nil, now
	if err := a.Store.SaveAccess(ctx, acc, snap, notes); err != nil {
		return err
	}
	if a.Scheduler != nil {
		if err := a.Scheduler.Schedule(ctx, acc); err != nil {
			// The data is saved; the next user-driven fetch schedules again.
			a.log(ctx).Warn("background refresh not scheduled", zap.String("access", acc.ID), zap.Error(err))
		}
	}
	return nil
}

// SyncScheduler plans an access's next background refresh (Syncer).
type SyncScheduler interface {
	Schedule(ctx context.Context, acc *BankAccess) error
}

// bankFailed records a bank's refusal. A new access is stored with the
// message (the client sees it on GET, as with BANKSapi); an existing one
// keeps its stable data and gets the message as an issue. Timeouts are
// also returned to the caller (504).
func (a *Accesses) bankFailed(ctx context.Context, acc *BankAccess, bankErr error) error {
	e := AsError(bankErr)
	if e.Kind == KindInternal || e.Kind == KindConflict {
		return bankErr
	}
	msg := e.AsMessage()
	a.log(ctx).Info("bank refused", zap.String("access", acc.ID), zap.String("code", string(msg.Code)))
	acc.Issues, acc.IssuesAt = []Message{msg}, a.Now()
	if acc.Version == 0 {
		acc.Messages, acc.Status = []Message{msg}, StatusComplete
	}
	if cur := acc.CurrentSCA(); cur != nil && cur.State == SCARequired {
		acc.SCAs = acc.SCAs[:len(acc.SCAs)-1] // the login never got as far as an SCA
	}
	if err := a.Store.SaveAccess(ctx, acc, nil, nil); err != nil {
		return err
	}
	if e.Kind == KindTimeout {
		return bankErr
	}
	return nil
}

func (a *Accesses) openState(acc *BankAccess) (ProviderState, error) {
	if len(acc.SealedState) == 0 {
		return nil, nil
	}
	b, err := a.Sealer.Open(acc.SealedState, aad(acc))
	if err != nil {
		return nil, Internal("accesses.openState", err)
	}
	return ProviderState(b), nil
}

func (a *Accesses) sealState(acc *BankAccess, s ProviderState) error {
	if s == nil {
		return nil
	}
	sealed, err := a.Sealer.Seal(s, aad(acc))
	if err != nil {
		return Internal("accesses.sealState", err)
	}
	acc.SealedState = sealed
	return nil
}

// StartSCA begins a new consent process for an existing access (rel
// start_sca). The body may carry new credentials for it.
func (a *Accesses) StartSCA(ctx context.Context, p Principal, id string, req map[string]AccessRequest, o AccessOptions) error {
	const op = "accesses.StartSCA"
	if err := checkOptions(op, o, a.callbackPrefixes(p, o)); err != nil {
		return err
	}
	if _, err := a.Store.Access(ctx, p.Tenant, p.UserID, id); err != nil {
		return err // start_sca is for an existing access only
	}
	for key := range req {
		if key != id {
			return invalidf(op, "the body may only carry data for bank access %s", id)
		}
	}
	pa, err := a.prepare(ctx, p, id, req[id], o)
	if err != nil {
		return err
	}
	return a.connect(ctx, pa.provider, &pa.access, pa.credentials, o)
}

// SelectProducts keeps only the products the user chose to share (the
// account confirmation of the web form); later fetches ask only for them.
func (a *Accesses) SelectProducts(ctx context.Context, p Principal, id string, productIDs []string) error {
	const op = "accesses.SelectProducts"
	acc, err := a.Store.Access(ctx, p.Tenant, p.UserID, id)
	if err != nil {
		return err
	}
	keep := make([]Product, 0, len(productIDs))
	for _, pr := range acc.Products {
		if slices.Contains(productIDs, pr.ID) {
			keep = append(keep, pr)
		}
	}
	if len(keep) == 0 || len(keep) != len(slices.Compact(slices.Sorted(slices.Values(productIDs)))) {
		return invalidf(op, "choose products of the bank access")
	}
	acc.Products, acc.SelectedProducts = keep, productIDs
	return a.Store.SaveAccess(ctx, &acc, nil, nil)
}

// Submit drives the consent with one SubmitScaData body and returns the
// access after the step.
func (a *Accesses) Submit(ctx context.Context, p Principal, accessID, consentID string, in SCASubmission) (BankAccess, error) {
	const op = "accesses.Submit"
	acc, cur, err := a.lockedConsent(ctx, p, accessID, consentID, op)
	if err != nil {
		return BankAccess{}, err
	}
	defer a.Store.Unlock(ctx, &acc)
	prov, _, err := a.Providers.Provider(acc.ProviderID)
	if err != nil {
		return BankAccess{}, Internal(op, err)
	}
	creds, err := a.Sealer.OpenCredentials(acc.SealedCredentials, aad(&acc))
	if err != nil {
		return BankAccess{}, Internal(op, err)
	}
	state, err := a.openState(&acc)
	if err != nil {
		return BankAccess{}, err
	}
	req := StepRequest{AccessID: acc.ID, ConsentID: consentID, Credentials: creds, CallbackURL: acc.CallbackURL,
		RedirectToken: cur.RedirectToken, State: state}
	out, err := a.step(ctx, prov, cur.State, req, in)
	if err != nil {
		return BankAccess{}, err
	}
	rememberTANChoice(cur, in)
	if err := a.advance(ctx, prov, &acc, creds, out, AccessOptions{}); err != nil {
		return BankAccess{}, err
	}
	return acc, nil
}

// rememberTANChoice notes the method or medium the bank just accepted on
// the SCA; they become the access's TAN settings only when the SCA
// succeeds, so a choice that led nowhere is offered afresh next time.
func rememberTANChoice(cur *SCA, in SCASubmission) {
	switch {
	case in.MethodID != nil:
		if code, err := strconv.Atoi(*in.MethodID); err == nil {
			cur.TANChoice = &TANSettings{MethodCode: code}
		}
	case in.Medium != nil:
		if cur.TANChoice == nil {
			cur.TANChoice = &TANSettings{}
		}
		cur.TANChoice.Medium = *in.Medium
	}
}

// keepTANChoice makes a granted SCA's choices the access's TAN settings.
func keepTANChoice(acc *BankAccess, granted *SCA) {
	if granted.TANChoice != nil {
		acc.TANSettings = granted.TANChoice
	}
}

// step calls the provider capability the state and the body ask for.
func (a *Accesses) step(ctx context.Context, prov Provider, state SCAState, req StepRequest, in SCASubmission) (Outcome, error) {
	const op = "accesses.Submit"
	embedded, _ := prov.(EmbeddedSCA)
	decoupled, _ := prov.(DecoupledSCA)
	conflict := func(what string) (Outcome, error) {
		return Outcome{}, &Error{Kind: KindConflict, Op: op, Message: what + " does not fit the consent's current step",
			Details: "the consent is in state " + string(state) + "; follow the relations of the bank access"}
	}
	switch {
	case in.MethodID != nil:
		if state != SCAMethodSelection || embedded == nil {
			return conflict("chosenScaMethodId")
		}
		code, err := strconv.Atoi(*in.MethodID)
		if err != nil {
			return Outcome{}, &Error{Kind: KindInvalid, Op: op, Code: CodeInvalidTANProcedure,
				Message: "Ungültiges TAN-Verfahren", Details: "chosenScaMethodId " + quoteShort(*in.MethodID) + " is not a method code"}
		}
		return embedded.SelectMethod(ctx, req, code)
	case in.Medium != nil:
		if state != SCAMediumSelection || embedded == nil {
			return conflict("chosenScaMedia")
		}
		return embedded.SelectMedium(ctx, req, *in.Medium)
	case in.AuthData != nil && state == SCAChallenge && embedded != nil:
		return embedded.Authenticate(ctx, req, *in.AuthData)
	case state == SCADecoupled && decoupled != nil:
		return decoupled.Poll(ctx, req) // {} or any confirmation of an app approval
	case in.AuthData != nil:
		return conflict("scaAuthenticationData")
	default:
		if state == SCAChallenge {
			return Outcome{}, invalidf(op, "scaAuthenticationData is required to answer the challenge")
		}
		return conflict("an empty submission")
	}
}

// Poll is GET on a consent: for a decoupled SCA it asks the bank whether
// the user approved; otherwise it shows the access as it is.
func (a *Accesses) Poll(ctx context.Context, p Principal, accessID, consentID string) (BankAccess, error) {
	const op = "accesses.Poll"
	acc, cur, err := a.consent(ctx, p, accessID, consentID, op)
	if err != nil || cur.State != SCADecoupled {
		return acc, err
	}
	acc, err = a.Submit(ctx, p, accessID, consentID, SCASubmission{})
	if ErrorKind(err) == KindConflict { // another poll is under way: show the state as it is
		acc, _, err = a.consent(ctx, p, accessID, consentID, op)
	}
	return acc, err
}

// Cancel cancels a redirect SCA (the seed allows it for that approach only)
// and stops the access's background sync.
func (a *Accesses) Cancel(ctx context.Context, p Principal, accessID, consentID string) (BankAccess, error) {
	const op = "accesses.Cancel"
	acc, cur, err := a.lockedConsent(ctx, p, accessID, consentID, op)
	if err != nil {
		return BankAccess{}, err
	}
	defer a.Store.Unlock(ctx, &acc)
	if cur.State != SCARedirect {
		return BankAccess{}, &Error{Kind: KindConflict, Op: op, Message: "only a redirect SCA can be cancelled",
			Details: "the consent is in state " + string(cur.State)}
	}
	next, err := a.SCA.Apply(cur.State, EventCancel)
	if err != nil {
		return BankAccess{}, err
	}
	cur.State, cur.Updated, cur.Challenge = next, a.Now(), nil
	cur.Messages = []Message{{Level: LevelError, Code: CodeSCAFailed, Message: "SCA fehlgeschlagen", Details: "Redirect-SCA wurde abgebrochen"}}
	acc.Status, acc.Sync = StatusComplete, false
	if err := a.Store.SaveAccess(ctx, &acc, nil, nil); err != nil {
		return BankAccess{}, err
	}
	return acc, nil
}

// CompleteRedirect takes what a bank's redirect page returned for the
// consent behind token and returns where to send the user's browser (the
// access's callbackUrl if it still passes CheckCallbackURL, "" when none
// was given or it does not). It needs no principal: the unguessable token
// in the page's link is the capability, and it works once.
func (a *Accesses) CompleteRedirect(ctx context.Context, token string, result url.Values) (string, error) {
	const op = "accesses.CompleteRedirect"
	ref, err := a.Store.Redirect(ctx, token)
	if err != nil {
		return "", err
	}
	p := Principal{Tenant: ref.Tenant, UserID: ref.UserID}
	acc, cur, err := a.lockedConsent(ctx, p, ref.AccessID, ref.ConsentID, op)
	if err != nil {
		return "", err
	}
	defer a.Store.Unlock(ctx, &acc)
	if cur.State != SCARedirect {
		return "", &Error{Kind: KindConflict, Op: op, Message: "the consent is not waiting for a redirect",
			Details: "the consent is in state " + string(cur.State)}
	}
	prov, _, err := a.Providers.Provider(acc.ProviderID)
	if err != nil {
		return "", Internal(op, err)
	}
	redirecting, ok := prov.(RedirectSCA)
	if !ok {
		return "", Internal(op, errors.New("provider offers a redirect SCA without completing one"))
	}
	creds, err := a.Sealer.OpenCredentials(acc.SealedCredentials, aad(&acc))
	if err != nil {
		return "", Internal(op, err)
	}
	state, err := a.openState(&acc)
	if err != nil {
		return "", err
	}
	out, err := redirecting.CompleteRedirect(ctx, StepRequest{AccessID: acc.ID, ConsentID: cur.ConsentID, Credentials: creds,
		CallbackURL: acc.CallbackURL, RedirectToken: token, State: state}, result)
	if err != nil {
		return "", err
	}
	if err := a.advance(ctx, prov, &acc, creds, out, AccessOptions{}); err != nil {
		return "", err
	}
	if err := a.Store.DeleteRedirect(ctx, token); err != nil {
		a.log(ctx).Warn("redirect token not deleted", zap.Error(err))
	}
	// Defence in depth: the callback was checked when it was stored, but
	// perhaps under older rules. The access does not record its client,
	// so only the structural rules apply here; a refused callback ends on
	// the bank's own page instead.
	if acc.CallbackURL == "" {
		return "", nil
	}
	if err := CheckCallbackURL(acc.CallbackURL, nil); err != nil {
		a.log(ctx).Warn("stored callbackUrl refused, not redirecting", zap.String("access", acc.ID), zap.Error(err))
		return "", nil
	}
	return acc.CallbackURL, nil
}

// lockedConsent claims a consent for one step (a concurrent step gets
// KindConflict) and loads it in one store call. The claim travels in
// acc.Lock: the step's save releases it; callers defer Store.Unlock for
// the paths that do not save.
func (a *Accesses) lockedConsent(ctx context.Context, p Principal, accessID, consentID, op string) (BankAccess, *SCA, error) {
	acc, err := a.Store.LockAndLoad(ctx, p.Tenant, p.UserID, accessID, consentID, consentLockTTL)
	if err != nil {
		return BankAccess{}, nil, err
	}
	cur, err := a.checkConsent(&acc, accessID, consentID, op)
	if err != nil {
		a.Store.Unlock(ctx, &acc)
		return BankAccess{}, nil, err
	}
	return acc, cur, nil
}

// consent loads the access of a consent and checks the consent is the
// current one; accessID "" means the generic /customer/v2/consent route.
func (a *Accesses) consent(ctx context.Context, p Principal, accessID, consentID, op string) (BankAccess, *SCA, error) {
	acc, err := a.Store.AccessByConsent(ctx, p.Tenant, p.UserID, consentID)
	if err != nil {
		return BankAccess{}, nil, err
	}
	cur, err := a.checkConsent(&acc, accessID, consentID, op)
	return acc, cur, err
}

// checkConsent finds the consent in its access and insists it is current.
func (a *Accesses) checkConsent(acc *BankAccess, accessID, consentID, op string) (*SCA, error) {
	if accessID != "" && acc.ID != accessID {
		return nil, NotFound(op, "consent")
	}
	a.expire(acc)
	cur := acc.CurrentSCA()
	if cur == nil || cur.ConsentID != consentID {
		sca := acc.SCAByConsent(consentID)
		if sca == nil {
			return nil, NotFound(op, "consent")
		}
		return sca, &Error{Kind: KindConflict, Op: op, Message: "consent is no longer current",
			Details: "a newer SCA was started for this bank access"}
	}
	return cur, nil
}

// expire shows a granted consent whose time ran out as required again.
func (a *Accesses) expire(acc *BankAccess) {
	if cur := acc.CurrentSCA(); cur != nil && cur.State == SCAFinalised && !a.Now().Before(cur.ValidUntil) {
		if next, err := a.SCA.Apply(cur.State, EventExpire); err == nil {
			cur.State = next
		}
	}
}
