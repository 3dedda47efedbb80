package aggregator

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
)

// WebFormStarter opens a web-form session for a REG/Protect client and
// returns the KindLegal error that web renders as 451 with its Location.
type WebFormStarter interface {
	Begin(ctx context.Context, p Principal, uc UseCase, accessID, providerID string, refresh bool) error
}

// WebFormService is the hosted web form's use cases as package regprotect
// (and web, for ending sessions) sees them; WebForms implements it.
//
// Errors: KindNotFound for an unknown, expired or ended session;
// KindForbidden when the browser is not the one that opened it; KindConflict
// for a second open; KindInvalid for a callbackUrl that is missing or not
// allowed for the client.
type WebFormService interface {
	// Open binds the session to the browser that opens it first and
	// returns the secret that browser keeps in a cookie.
	Open(ctx context.Context, id string, uc UseCase, callbackURL, lang string) (WebFormSession, string, error)
	// Session checks the browser's secret and returns the live session.
	Session(ctx context.Context, id, secret string) (WebFormSession, error)
	// Current says what the form shows next.
	Current(ctx context.Context, ws *WebFormSession) (WebFormState, error)
	SetLang(ctx context.Context, ws *WebFormSession, lang string) error
	AcceptTerms(ctx context.Context, ws *WebFormSession) error
	DeclineTerms(ctx context.Context, ws *WebFormSession) (string, error)
	ChooseProvider(ctx context.Context, ws *WebFormSession, providerID string) error
	Login(ctx context.Context, ws *WebFormSession, creds Credentials, customerIP string) (WebFormOutcome, error)
	Submit(ctx context.Context, ws *WebFormSession, in SCASubmission) (WebFormOutcome, error)
	Poll(ctx context.Context, ws *WebFormSession) (WebFormOutcome, error)
	ConfirmProducts(ctx context.Context, ws *WebFormSession, productIDs []string) (WebFormOutcome, error)
	Cancel(ctx context.Context, ws *WebFormSession) (string, error)
	EndSessions(ctx context.Context, p Principal) error
}

// WebFormStep is the page the form shows.
type WebFormStep string

// Steps of the web form. StepSCA covers every SCA state the user acts in;
// the page follows Access.CurrentSCA().
const (
	WebFormTerms     WebFormStep = "terms"
	WebFormProviders WebFormStep = "providers"
	WebFormLogin     WebFormStep = "login"
	WebFormSCA       WebFormStep = "sca"
	WebFormProducts  WebFormStep = "products"
	WebFormDone      WebFormStep = "done" // Redirect holds the callback
)

// WebFormState is what the form shows next.
type WebFormState struct {
	Step     WebFormStep
	Provider ProviderInfo // from WebFormLogin on
	Access   BankAccess   // from WebFormSCA on
	Redirect string       // WebFormDone: the callback with baReentry
}

// WebFormOutcome is the result of a form action: either the session ended
// (Redirect is the callback with baReentry) or the form goes on, possibly
// with a problem to show (Problem names a catalogue key of the form:
// "credentials_wrong", "tan_wrong", "field_required", "choose_one",
// "products_none").
type WebFormOutcome struct {
	Redirect string
	Problem  string
}

// WebForms is REG/Protect: web-form sessions that drive the same bank-access
// use cases (and so the same SCA machine) as the API, for the user of a
// client without a licence.
type WebForms struct {
	Store     WebFormStore
	Accesses  *Accesses
	Providers ProviderCatalogue
	Directory *Directory
	// ReturnURL is the form page of a session, where a bank's redirect SCA
	// sends the user back (web builds it from the public base URL).
	ReturnURL func(sessionID string) string
	TTL       time.Duration // a session's lifetime; 0: DefaultWebFormTTL
	Now       Clock
	Log       *zap.Logger
}

var (
	_ WebFormService = (*WebForms)(nil)
	_ WebFormStarter = (*WebForms)(nil)
)

// DefaultWebFormTTL is how long a session lives (issue #4: 15 minutes).
const DefaultWebFormTTL = 15 * time.Minute

// maxWrongCredentials ends the session with INVALID_CREDENTIALS.
const maxWrongCredentials = 3

func (w *WebForms) ttl() time.Duration {
	if w.TTL > 0 {
		return w.TTL
	}
	return DefaultWebFormTTL
}

// Begin creates a session and answers with the 451 that sends the user there.
func (w *WebForms) Begin(ctx context.Context, p Principal, uc UseCase, accessID, providerID string, refresh bool) error {
	const op = "webforms.Begin"
	now := w.Now()
	ws := WebFormSession{ID: uuid.NewString(), Tenant: p.Tenant, UserID: p.UserID, Client: p.Client, UseCase: uc,
		AccessID: accessID, ProviderID: providerID, Refresh: refresh, Created: now, Expires: now.Add(w.ttl())}
	if err := w.Store.CreateWebFormSession(ctx, ws, w.ttl()); err != nil {
		return err
	}
	LoggerFrom(ctx, w.Log).Info("web form required", zap.String("useCase", string(uc)), zap.String("access", accessID))
	return &Error{Kind: KindLegal, Op: op, Message: "REG/Protect: continue in the web form",
		Details: "send the user to the Location, with a URL-encoded callbackUrl appended",
		WebForm: &WebFormRef{Session: ws.ID, UseCase: uc}}
}

// Open binds the session to the first browser that opens it.
// A useCase other than the session's (the link was tampered with) is
// refused like an unknown session; an absent one is accepted.
func (w *WebForms) Open(ctx context.Context, id string, uc UseCase, callbackURL, lang string) (WebFormSession, string, error) {
	const op = "webforms.Open"
	ws, err := w.live(ctx, id)
	if err != nil {
		return WebFormSession{}, "", err
	}
	if uc != "" && uc != ws.UseCase {
		return WebFormSession{}, "", NotFound(op, "web-form session")
	}
	var prefixes []string
	if c, ok := w.Directory.Client(ws.Client); ok {
		prefixes = c.CallbackURLPrefixes
	}
	if err := checkFormCallback(op, callbackURL, prefixes); err != nil {
		return WebFormSession{}, "", err
	}
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	ws.Opened, ws.BrowserDigest, ws.CallbackURL, ws.Lang = true, TokenDigest(secret), callbackURL, lang
	if err := w.Store.OpenWebFormSession(ctx, ws); err != nil {
		return WebFormSession{}, "", err
	}
	return ws, secret, nil
}

// checkFormCallback wants a callback under one of the client's prefixes
// (CheckCallbackURL); a client without prefixes cannot use the form.
func checkFormCallback(op, cb string, prefixes []string) error {
	switch {
	case cb == "":
		return invalidf(op, "callbackUrl is required")
	case len(prefixes) == 0:
		return invalidf(op, "callbackUrl is not among the client's allowed callback URLs")
	}
	return CheckCallbackURL(cb, prefixes)
}

// live loads a session that exists, has not expired and has not ended.
func (w *WebForms) live(ctx context.Context, id string) (WebFormSession, error) {
	const op = "webforms.Session"
	if _, err := uuid.Parse(id); err != nil {
		return WebFormSession{}, NotFound(op, "web-form session")
	}
	ws, err := w.Store.WebFormSession(ctx, id)
	if err != nil {
		return WebFormSession{}, err
	}
	if !w.Now().Before(ws.Expires) || ws.Finished != "" {
		return WebFormSession{}, NotFound(op, "web-form session")
	}
	return ws, nil
}

// Session returns the session if secret is its browser's.
func (w *WebForms) Session(ctx context.Context, id, secret string) (WebFormSession, error) {
	ws, err := w.live(ctx, id)
	if err != nil {
		return WebFormSession{}, err
	}
	d := TokenDigest(secret)
	if !ws.Opened || secret == "" || subtle.ConstantTimeCompare([]byte(d), []byte(ws.BrowserDigest)) != 1 {
		return WebFormSession{}, &Error{Kind: KindForbidden, Op: "webforms.Session", Message: "this browser did not open the session"}
	}
	return ws, nil
}

// SetLang remembers the language the user switched to.
func (w *WebForms) SetLang(ctx context.Context, ws *WebFormSession, lang string) error {
	ws.Lang = lang
	return w.Store.SaveWebFormSession(ctx, *ws)
}

// Current derives the next page from the session and its access.
func (w *WebForms) Current(ctx context.Context, ws *WebFormSession) (WebFormState, error) {
	if !ws.TermsDone {
		ok, err := w.Store.TermsAccepted(ctx, ws.Tenant, ws.UserID)
		if err != nil {
			return WebFormState{}, err
		}
		if !ok {
			return WebFormState{Step: WebFormTerms}, nil
		}
		ws.TermsDone = true
	}
	if ws.ProviderID == "" {
		return WebFormState{Step: WebFormProviders}, nil
	}
	info, err := w.Providers.Provider(ctx, ws.ProviderID)
	if err != nil {
		return WebFormState{}, err
	}
	if !ws.LoggedIn {
		return WebFormState{Step: WebFormLogin, Provider: info}, nil
	}
	acc, err := w.Accesses.Access(ctx, ws.Principal(), ws.AccessID)
	if err != nil {
		return WebFormState{}, err
	}
	st := WebFormState{Step: WebFormSCA, Provider: info, Access: acc}
	cur := acc.CurrentSCA()
	switch {
	case cur == nil || cur.State == SCARequired:
		ws.LoggedIn = false // the consent ran out meanwhile: log in again
		return WebFormState{Step: WebFormLogin, Provider: info}, w.Store.SaveWebFormSession(ctx, *ws)
	case cur.State == SCAFailed:
		if ws.AtBank { // the user declined on the bank's own page
			return w.done(ctx, ws, ReentryUserCancelled)
		}
		return w.done(ctx, ws, ReentryInvalidTAN)
	case cur.State == SCARedirect && !ws.AtBank:
		ws.AtBank = true
		return st, w.Store.SaveWebFormSession(ctx, *ws)
	case cur.State != SCAFinalised:
		return st, nil
	case len(acc.Products) == 0:
		return w.done(ctx, ws, ReentryNoAccounts)
	case ws.UseCase == UseCaseCreateAccount && !ws.Refresh:
		st.Step = WebFormProducts
		return st, nil
	}
	return w.done(ctx, ws, ReentryFinished)
}

// done ends the session and returns the page that redirects.
func (w *WebForms) done(ctx context.Context, ws *WebFormSession, r Reentry) (WebFormState, error) {
	cb, err := w.finish(ctx, ws, r)
	if err != nil {
		return WebFormState{}, err
	}
	return WebFormState{Step: WebFormDone, Redirect: cb}, nil
}

// finish marks the session ended and returns the callback with baReentry,
// the caller's own query string kept as it was; a callback that no longer
// passes checkFormCallback is refused (the session still ends). A new
// access that never got a consent is removed, so the client's UUID stays
// free.
func (w *WebForms) finish(ctx context.Context, ws *WebFormSession, r Reentry) (string, error) {
	if ws.UseCase == UseCaseCreateAccount && r != ReentryFinished {
		w.dropUnfinished(ctx, ws)
	}
	ws.Finished = r
	if err := w.Store.SaveWebFormSession(ctx, *ws); err != nil {
		return "", err
	}
	LoggerFrom(ctx, w.Log).Info("web form finished", zap.String("baReentry", string(r)), zap.String("access", ws.AccessID))
	// Defence in depth: checked when the session was opened, perhaps under
	// older rules or prefixes.
	var prefixes []string
	if c, ok := w.Directory.Client(ws.Client); ok {
		prefixes = c.CallbackURLPrefixes
	}
	if err := checkFormCallback("webforms.finish", ws.CallbackURL, prefixes); err != nil {
		return "", err
	}
	return withReentry(ws.CallbackURL, r), nil
}

func withReentry(callback string, r Reentry) string {
	u, err := url.Parse(callback)
	if err != nil { // checked when the session was opened
		return callback
	}
	q := "baReentry=" + url.QueryEscape(string(r))
	if u.RawQuery != "" {
		q = u.RawQuery + "&" + q
	}
	u.RawQuery = q
	return u.String()
}

// EndSessions ends every open session of the calling user.
func (w *WebForms) EndSessions(ctx context.Context, p Principal) error {
	if !p.IsUser() {
		return &Error{Kind: KindForbidden, Op: "webforms.EndSessions", Message: "a user token is required"}
	}
	return w.Store.DeleteWebFormSessions(ctx, p.Tenant, p.UserID)
}
