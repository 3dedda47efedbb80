package aggregator

import (
	"context"
	"slices"
	"time"

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
	added := 0
	for _, pa := range prepared {
		if pa.isNew {
			added++
		}
	}
	if err := a.checkRoom(ctx, p, added); err != nil {
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

// checkRoom refuses an add whose added new accesses would exceed the user's
// limit before any bank is called; the store enforces the same limit
// atomically when it saves a new access.
func (a *Accesses) checkRoom(ctx context.Context, p Principal, added int) error {
	limit := a.Limits.AccessesPerUser
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
		if err := a.transition(cur, EventExpire); err != nil {
			return err
		}
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
	acc.SCAs = append(acc.SCAs, a.engine().newSCA(""))
	out, err := prov.Connect(ctx, ConnectRequest{AccessID: acc.ID, Credentials: creds, CustomerIP: o.CustomerIP,
		CallbackURL: acc.CallbackURL, RedirectToken: acc.CurrentSCA().RedirectToken, State: state})
	if err != nil {
		return a.bankFailed(ctx, acc, err)
	}
	if out, err = a.applyTANSettings(ctx, prov, acc, creds, out, o); err != nil {
		return a.bankFailed(ctx, acc, err)
	}
	return a.engine().advance(ctx, a.subject(acc, prov, creds, o), out)
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
