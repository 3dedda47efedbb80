package aggregator

import "context"

// RegProtectGate is the bank-access service the API serves. A client of a
// tenant without a payment-services licence (regProtect: true) may not
// handle its users' bank credentials: where the inner service would log in
// at the bank, the gate opens a web-form session instead and answers the
// KindLegal error (451) that sends the user there. Every other call goes
// straight through. REG/Protect wraps the access service rather than
// being called back from inside it: Accesses knows nothing of the form,
// and the form's use cases (WebForms) drive the inner Accesses.
type RegProtectGate struct {
	*Accesses                // the inner service; reads and SCA steps pass through
	Forms     WebFormStarter // opens the web-form sessions
}

var _ AccessService = (*RegProtectGate)(nil)

// regProtect reports whether the caller must send its user to the web form.
func (g *RegProtectGate) regProtect(p Principal, o AccessOptions) bool {
	c, ok := g.Directory.Client(p.Client)
	return ok && c.RegProtect && !o.WebForm
}

// Add sends a REG/Protect client's user to the web form; only a refresh
// under a still valid consent needs no user and goes through.
func (g *RegProtectGate) Add(ctx context.Context, p Principal, req map[string]AccessRequest, order []string, o AccessOptions) ([]string, error) {
	if g.regProtect(p, o) {
		if err := g.checkAdd(p, req, o); err != nil {
			return nil, err
		}
		if err := g.addThroughWebForm(ctx, p, req, order, o); err != nil {
			return nil, err
		}
	}
	return g.Accesses.Add(ctx, p, req, order, o)
}

// StartSCA sends a REG/Protect client's user to the web form to renew the
// access's consent.
func (g *RegProtectGate) StartSCA(ctx context.Context, p Principal, id string, req map[string]AccessRequest, o AccessOptions) error {
	if !g.regProtect(p, o) {
		return g.Accesses.StartSCA(ctx, p, id, req, o)
	}
	if err := checkOptions("accesses.StartSCA", o, g.callbackPrefixes(p, o)); err != nil {
		return err
	}
	acc, err := g.Store.Access(ctx, p.Tenant, p.UserID, id)
	if err != nil {
		return err
	}
	return g.Forms.Begin(ctx, p, UseCaseAuthenticateAccount, id, acc.ProviderID, false)
}

// addThroughWebForm answers a REG/Protect client's add: 451 to the web
// form, where the user creates the access (or renews its consent). Only a
// refresh under a still valid consent needs no user and goes on (nil).
func (g *RegProtectGate) addThroughWebForm(ctx context.Context, p Principal, req map[string]AccessRequest, order []string, o AccessOptions) error {
	const op = "accesses.Add"
	if len(order) != 1 {
		return invalidf(op, "a REG/Protect client adds one bank access per request; the user completes it in the web form")
	}
	id := order[0]
	r := req[id]
	if !validAccessID(id) {
		return invalidf(op, "bank-access id %s is not a UUID", quoteShort(id))
	}
	if len(r.Credentials) > 0 {
		return invalidf(op, "a REG/Protect client sends no credentials: the user enters them in the web form")
	}
	acc, err := g.Store.Access(ctx, p.Tenant, p.UserID, id)
	switch {
	case IsNotFound(err):
		if err := g.checkRoom(ctx, p, 1); err != nil {
			return err
		}
		if r.ProviderID != "" {
			if _, _, err := g.Providers.Provider(r.ProviderID); err != nil {
				return invalidf(op, "bank access %s: unknown providerId %s", id, quoteShort(r.ProviderID))
			}
		}
		return g.Forms.Begin(ctx, p, UseCaseCreateAccount, id, r.ProviderID, false)
	case err != nil:
		return err
	}
	if cur := acc.CurrentSCA(); o.Refresh && cur != nil && cur.State == SCAFinalised && g.Now().Before(cur.ValidUntil) {
		return nil
	}
	return g.Forms.Begin(ctx, p, UseCaseAuthenticateAccount, id, acc.ProviderID, o.Refresh)
}
