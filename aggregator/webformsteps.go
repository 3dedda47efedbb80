package aggregator

import (
	"context"

	"go.uber.org/zap"
)

// The steps a user takes in the web form, one use case each: terms, bank,
// login, SCA steps, account confirmation, cancel. Each acts for the
// session's user through the inner Accesses (never the REG/Protect gate,
// which would send them back to the form) and says what the form shows
// next (WebFormOutcome).

// AcceptTerms records the user's acceptance, once per user.
func (w *WebForms) AcceptTerms(ctx context.Context, ws *WebFormSession) error {
	if err := w.Store.AcceptTerms(ctx, ws.Tenant, ws.UserID, w.Now()); err != nil {
		return err
	}
	ws.TermsDone = true
	return w.Store.SaveWebFormSession(ctx, *ws)
}

// DeclineTerms ends the session with LEGAL_NOT_ACCEPTED.
func (w *WebForms) DeclineTerms(ctx context.Context, ws *WebFormSession) (string, error) {
	return w.finish(ctx, ws, ReentryLegalNotAccepted)
}

// ChooseProvider picks the bank of a new access.
func (w *WebForms) ChooseProvider(ctx context.Context, ws *WebFormSession, providerID string) error {
	const op = "webforms.ChooseProvider"
	if ws.ProviderID != "" {
		return &Error{Kind: KindConflict, Op: op, Message: "the bank was chosen before"}
	}
	info, err := w.Providers.Provider(ctx, providerID)
	if err != nil {
		return invalidf(op, "choose a bank from the list")
	}
	ws.ProviderID = info.ID
	return w.Store.SaveWebFormSession(ctx, *ws)
}

// Login sends the typed credentials to the bank through the same use case
// as the API: Add for a new access, StartSCA for a consent renewal.
func (w *WebForms) Login(ctx context.Context, ws *WebFormSession, creds Credentials, customerIP string) (WebFormOutcome, error) {
	const op = "webforms.Login"
	if ws.ProviderID == "" || ws.LoggedIn {
		return WebFormOutcome{}, &Error{Kind: KindConflict, Op: op, Message: "no login is asked for"}
	}
	p := ws.Principal()
	before := ""
	if acc, err := w.Accesses.Access(ctx, p, ws.AccessID); err == nil {
		if cur := acc.CurrentSCA(); cur != nil {
			before = cur.ConsentID
		}
	} else if !IsNotFound(err) {
		return WebFormOutcome{}, err
	}
	o := AccessOptions{WebForm: true, CallbackURL: w.ReturnURL(ws.ID), CustomerIP: customerIP}
	req := map[string]AccessRequest{ws.AccessID: {ProviderID: ws.ProviderID, Plain: creds}}
	var err error
	if ws.UseCase == UseCaseCreateAccount && before == "" {
		_, err = w.Accesses.Add(ctx, p, req, []string{ws.AccessID}, o)
	} else {
		err = w.Accesses.StartSCA(ctx, p, ws.AccessID, req, o)
	}
	switch ErrorKind(err) {
	case KindInvalid:
		return WebFormOutcome{Problem: "field_required"}, nil
	case KindTimeout, KindUnavailable:
		return w.ended(ctx, ws, ReentryBackendError)
	}
	if err != nil {
		return WebFormOutcome{}, err
	}
	acc, err := w.Accesses.Access(ctx, p, ws.AccessID)
	if err != nil {
		return WebFormOutcome{}, err
	}
	if cur := acc.CurrentSCA(); cur != nil && cur.ConsentID != before {
		ws.LoggedIn = true
		return WebFormOutcome{}, w.Store.SaveWebFormSession(ctx, *ws)
	}
	// The bank refused the login; its reason is the access's issue.
	var code MessageCode
	if len(acc.Issues) > 0 {
		code = acc.Issues[0].Code
	}
	switch code {
	case CodeWrongCredentials:
		ws.WrongCredentials++
		if ws.WrongCredentials >= maxWrongCredentials {
			return w.ended(ctx, ws, ReentryInvalidCredentials)
		}
		return WebFormOutcome{Problem: "credentials_wrong"}, w.Store.SaveWebFormSession(ctx, *ws)
	case CodeAccessBlocked:
		return w.ended(ctx, ws, ReentryInvalidCredentials)
	default:
		return w.ended(ctx, ws, ReentryBackendError)
	}
}

// ended finishes the session as the outcome of an action.
func (w *WebForms) ended(ctx context.Context, ws *WebFormSession, r Reentry) (WebFormOutcome, error) {
	cb, err := w.finish(ctx, ws, r)
	return WebFormOutcome{Redirect: cb}, err
}

// dropUnfinished deletes the session's new access unless a consent was
// granted for it.
func (w *WebForms) dropUnfinished(ctx context.Context, ws *WebFormSession) {
	acc, err := w.Accesses.Access(ctx, ws.Principal(), ws.AccessID)
	if err != nil {
		return
	}
	for _, s := range acc.SCAs {
		if s.State == SCAFinalised {
			return
		}
	}
	if err := w.Accesses.Delete(ctx, ws.Principal(), ws.AccessID); err != nil {
		LoggerFrom(ctx, w.Log).Warn("unfinished access not removed", zap.String("access", ws.AccessID), zap.Error(err))
	}
}

// Submit answers the current SCA step.
func (w *WebForms) Submit(ctx context.Context, ws *WebFormSession, in SCASubmission) (WebFormOutcome, error) {
	acc, cur, err := w.currentSCA(ctx, ws)
	if err != nil {
		return WebFormOutcome{}, err
	}
	acc, err = w.Accesses.Submit(ctx, ws.Principal(), acc.ID, cur.ConsentID, in)
	switch ErrorKind(err) {
	case KindInvalid:
		return WebFormOutcome{Problem: "choose_one"}, nil
	case KindConflict:
		return WebFormOutcome{}, nil // another tab moved on: show where it stands
	case KindTimeout, KindUnavailable:
		return w.ended(ctx, ws, ReentryBackendError)
	}
	if err != nil {
		return WebFormOutcome{}, err
	}
	if now := acc.CurrentSCA(); now != nil && now.State == SCAChallenge && hasCode(now.Messages, CodeTANInvalid) {
		return WebFormOutcome{Problem: "tan_wrong"}, nil
	}
	return WebFormOutcome{}, nil
}

// Poll asks the bank whether the user approved in the app.
func (w *WebForms) Poll(ctx context.Context, ws *WebFormSession) (WebFormOutcome, error) {
	acc, cur, err := w.currentSCA(ctx, ws)
	if err != nil {
		return WebFormOutcome{}, err
	}
	if _, err := w.Accesses.Poll(ctx, ws.Principal(), acc.ID, cur.ConsentID); err != nil {
		switch ErrorKind(err) {
		case KindTimeout, KindUnavailable:
			return w.ended(ctx, ws, ReentryBackendError)
		}
		return WebFormOutcome{}, err
	}
	return WebFormOutcome{}, nil
}

func (w *WebForms) currentSCA(ctx context.Context, ws *WebFormSession) (BankAccess, *SCA, error) {
	const op = "webforms.SCA"
	if !ws.LoggedIn {
		return BankAccess{}, nil, &Error{Kind: KindConflict, Op: op, Message: "no SCA is under way"}
	}
	acc, err := w.Accesses.Access(ctx, ws.Principal(), ws.AccessID)
	if err != nil {
		return BankAccess{}, nil, err
	}
	cur := acc.CurrentSCA()
	if cur == nil {
		return BankAccess{}, nil, &Error{Kind: KindConflict, Op: op, Message: "no SCA is under way"}
	}
	return acc, cur, nil
}

// ConfirmProducts keeps the accounts the user chose to share and ends the
// session with FINISHED.
func (w *WebForms) ConfirmProducts(ctx context.Context, ws *WebFormSession, productIDs []string) (WebFormOutcome, error) {
	st, err := w.Current(ctx, ws)
	if err != nil {
		return WebFormOutcome{}, err
	}
	if st.Step != WebFormProducts {
		return WebFormOutcome{Redirect: st.Redirect}, nil
	}
	if len(productIDs) == 0 {
		return WebFormOutcome{Problem: "products_none"}, nil
	}
	if err := w.Accesses.SelectProducts(ctx, ws.Principal(), ws.AccessID, productIDs); err != nil {
		if ErrorKind(err) == KindInvalid {
			return WebFormOutcome{Problem: "choose_one"}, nil
		}
		return WebFormOutcome{}, err
	}
	cb, err := w.finish(ctx, ws, ReentryFinished)
	return WebFormOutcome{Redirect: cb}, err
}

// Cancel ends the session with USER_CANCELLED.
func (w *WebForms) Cancel(ctx context.Context, ws *WebFormSession) (string, error) {
	out, err := w.ended(ctx, ws, ReentryUserCancelled)
	return out.Redirect, err
}
