package regprotect

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
)

// BasePath is where the form lives; the API's 451 Location points here.
const BasePath = "/customer/v2/webform"

// cookieName holds the browser's secret for one session (its Path is the
// session's pages, so two sessions in one browser never share it).
const cookieName = "zugang_webform"

// decoupledRefresh is how often the waiting page asks the bank again.
// Five seconds: often enough to feel live, rare enough not to keep pulling
// a screen reader's focus back to the top.
const decoupledRefresh = 5 * time.Second

// Handler serves the form's pages. Handlers parse, call one use case of
// aggregator.WebFormService and render; every rule lives in aggregator.
type Handler struct {
	forms     aggregator.WebFormService
	providers aggregator.ProviderCatalogue
	base      string // public base URL, no trailing slash
	secure    bool   // cookies only over https
	ttl       time.Duration
	maxForm   int64 // bytes of a form post
	log       *zap.Logger
	mux       *http.ServeMux
}

// Options configure a Handler.
type Options struct {
	Forms     aggregator.WebFormService
	Providers aggregator.ProviderCatalogue
	BaseURL   string
	TTL       time.Duration // the session lifetime, for the cookie
	// FormBodyBytes bounds a form post (413 beyond it); 0: DefaultFormBodyBytes.
	FormBodyBytes int64
	Log           *zap.Logger
}

// DefaultFormBodyBytes bounds a form post when Options name no limit: the
// form's posts are a few hundred bytes.
const DefaultFormBodyBytes = 64 << 10

// New builds the form's handler.
func New(o Options) *Handler {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.FormBodyBytes <= 0 {
		o.FormBodyBytes = DefaultFormBodyBytes
	}
	h := &Handler{forms: o.Forms, providers: o.Providers, base: o.BaseURL, secure: strings.HasPrefix(o.BaseURL, "https:"),
		ttl: o.TTL, maxForm: o.FormBodyBytes, log: o.Log, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET "+BasePath, h.open)
	h.mux.HandleFunc("GET "+StylesheetPath, h.stylesheet)
	h.mux.HandleFunc("GET "+BasePath+"/{session}", h.page)
	h.mux.HandleFunc("POST "+BasePath+"/{session}", h.act)
	h.mux.HandleFunc("GET "+BasePath+"/{session}/challenge.png", h.challengeImage)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.problem(w, r, langOf(r, ""), aggregator.KindNotFound, "problem.session_unknown")
	})
	return h
}

// ServeHTTP serves the form with its security headers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Content-Security-Policy", csp(""))
	h.mux.ServeHTTP(w, r)
}

// csp allows nothing but the form's own stylesheet and images, and form
// posts to itself; callback is added because the last POST redirects
// there and browsers check redirects of a form submission too.
func csp(callback string) string {
	formAction := "'self'"
	if u, err := url.Parse(callback); err == nil && u.Host != "" {
		formAction += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'none'; style-src 'self'; img-src 'self'; form-action " + formAction +
		"; frame-ancestors 'none'; base-uri 'none'"
}

func (h *Handler) stylesheet(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(StylesheetCSS)
}

func (h *Handler) sessionPath(id string) string { return BasePath + "/" + url.PathEscape(id) }

// open is the Location of the 451, with the client's callbackUrl: it binds
// the session to this browser (once) and moves to the session's page.
func (h *Handler) open(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lang := langOf(r, "")
	ws, secret, err := h.forms.Open(r.Context(), canonicalSessionID(q.Get("session")), aggregator.UseCase(q.Get("useCase")), q.Get("callbackUrl"), lang)
	if err != nil {
		h.fail(w, r, lang, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: secret, Path: h.sessionPath(ws.ID), MaxAge: int(h.ttl.Seconds()),
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, h.sessionPath(ws.ID), http.StatusSeeOther)
}

// session loads the session of the request's browser.
func (h *Handler) session(r *http.Request) (aggregator.WebFormSession, string, error) {
	c, err := r.Cookie(cookieName)
	secret := ""
	if err == nil {
		secret = c.Value
	}
	ws, err := h.forms.Session(r.Context(), canonicalSessionID(r.PathValue("session")), secret)
	return ws, secret, err
}

// canonicalSessionID takes a session's UUID in lower case, as it was
// issued, so that any spelling of it names the session.
func canonicalSessionID(s string) string {
	if len(s) != 36 || uuid.Validate(s) != nil {
		return s
	}
	return strings.ToLower(s)
}

// csrfToken is derived from the browser's secret, so nothing more is
// stored and another site, which cannot read the cookie, cannot forge it.
func csrfToken(secret, sessionID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("csrf|" + sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// page shows where the session stands (GET: also the return from a bank).
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	ws, secret, err := h.session(r)
	if err != nil {
		h.fail(w, r, langOf(r, ""), err)
		return
	}
	if lang := r.URL.Query().Get("lang"); lang == "de" || lang == "en" {
		if err := h.forms.SetLang(r.Context(), &ws, lang); err != nil {
			h.fail(w, r, ws.Lang, err)
			return
		}
		http.Redirect(w, r, h.sessionPath(ws.ID), http.StatusSeeOther)
		return
	}
	h.render(w, r, &ws, secret, http.StatusOK, "")
}

// act handles every form post of a session: check, act, redirect (or, for
// a problem the user can fix, show the page again with the problem).
func (h *Handler) act(w http.ResponseWriter, r *http.Request) {
	ws, secret, err := h.session(r)
	if err != nil {
		h.fail(w, r, langOf(r, ""), err)
		return
	}
	if r.ContentLength > h.maxForm {
		h.problem(w, r, ws.Lang, aggregator.KindTooLarge, "problem.too_large")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.maxForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.problem(w, r, ws.Lang, aggregator.KindTooLarge, "problem.too_large")
			return
		}
		h.problem(w, r, ws.Lang, aggregator.KindInvalid, "problem.forbidden")
		return
	}
	if !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(csrfToken(secret, ws.ID))) {
		h.log.Info("web form post without a valid CSRF token", zap.String("session", shortID(ws.ID)))
		h.problem(w, r, ws.Lang, aggregator.KindForbidden, "problem.forbidden")
		return
	}
	out, err := h.dispatch(r.Context(), r, &ws)
	if err != nil {
		h.fail(w, r, ws.Lang, err)
		return
	}
	switch {
	case out.Redirect != "":
		w.Header().Set("Content-Security-Policy", csp(out.Redirect))
		http.Redirect(w, r, out.Redirect, http.StatusSeeOther)
	case out.Problem != "":
		h.render(w, r, &ws, secret, http.StatusUnprocessableEntity, out.Problem)
	default:
		http.Redirect(w, r, h.sessionPath(ws.ID), http.StatusSeeOther)
	}
}

// dispatch calls the use case an action names.
func (h *Handler) dispatch(ctx context.Context, r *http.Request, ws *aggregator.WebFormSession) (aggregator.WebFormOutcome, error) {
	f := r.PostForm
	redirect := func(cb string, err error) (aggregator.WebFormOutcome, error) {
		return aggregator.WebFormOutcome{Redirect: cb}, err
	}
	switch f.Get("action") {
	case ActionCancel:
		return redirect(h.forms.Cancel(ctx, ws))
	case "accept_terms":
		return aggregator.WebFormOutcome{}, h.forms.AcceptTerms(ctx, ws)
	case "decline_terms":
		return redirect(h.forms.DeclineTerms(ctx, ws))
	case "select_provider":
		if f.Get("provider") == "" {
			return aggregator.WebFormOutcome{Problem: "choose_one"}, nil
		}
		if err := h.forms.ChooseProvider(ctx, ws, f.Get("provider")); err != nil {
			if aggregator.ErrorKind(err) == aggregator.KindInvalid {
				return aggregator.WebFormOutcome{Problem: "choose_one"}, nil
			}
			return aggregator.WebFormOutcome{}, err
		}
		return aggregator.WebFormOutcome{}, nil
	case "login":
		creds := aggregator.Credentials{}
		for k, v := range f {
			if key, ok := strings.CutPrefix(k, "cred_"); ok && len(v) > 0 {
				creds[key] = v[0]
			}
		}
		return h.forms.Login(ctx, ws, creds, clientIP(r))
	case "select_method":
		return h.submit(ctx, ws, aggregator.SCASubmission{MethodID: nonEmpty(f.Get("method"))})
	case "select_medium":
		return h.submit(ctx, ws, aggregator.SCASubmission{Medium: nonEmpty(f.Get("medium"))})
	case "submit_tan":
		if strings.TrimSpace(f.Get("tan")) == "" {
			return aggregator.WebFormOutcome{Problem: "field_required"}, nil
		}
		tan := strings.TrimSpace(f.Get("tan"))
		return h.forms.Submit(ctx, ws, aggregator.SCASubmission{AuthData: &tan})
	case "poll":
		return h.forms.Poll(ctx, ws)
	case "confirm_products":
		return h.forms.ConfirmProducts(ctx, ws, f["product"])
	}
	return aggregator.WebFormOutcome{}, nil // unknown action: show the page again
}

func (h *Handler) submit(ctx context.Context, ws *aggregator.WebFormSession, in aggregator.SCASubmission) (aggregator.WebFormOutcome, error) {
	if in.MethodID == nil && in.Medium == nil {
		return aggregator.WebFormOutcome{Problem: "choose_one"}, nil
	}
	return h.forms.Submit(ctx, ws, in)
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// clientIP is the end user's address for the bank (gin trusts no proxy,
// and neither do we).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return ""
	}
	return host
}

// challengeImage serves the photoTAN of the current challenge.
func (h *Handler) challengeImage(w http.ResponseWriter, r *http.Request) {
	ws, _, err := h.session(r)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	st, err := h.forms.Current(r.Context(), &ws)
	if err != nil || st.Step != aggregator.WebFormSCA {
		http.NotFound(w, r)
		return
	}
	cur := st.Access.CurrentSCA()
	if cur == nil || cur.Challenge == nil || len(cur.Challenge.Photo) == 0 {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(cur.Challenge.Photo)
}

// fail shows the page for a use case's error, with the status of its kind
// from aggregator's one table (the API answers the same), so a bank that
// is down answers 503 and one that is too slow 504.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, lang string, err error) {
	e := aggregator.AsError(err)
	key := problemKey(e.Kind)
	if key == "problem.internal" {
		h.log.Error("web form failed", zap.String("op", e.Op), zap.String("kind", e.Kind.String()), zap.Error(err))
	}
	h.problem(w, r, lang, e.Kind, key)
}

// problemKey is the text a failure of kind k shows: what the user can do
// about it. Only the text is chosen here; the status is the kind's.
func problemKey(k aggregator.Kind) string {
	switch k {
	case aggregator.KindNotFound:
		return "problem.session_unknown"
	case aggregator.KindConflict:
		return "problem.session_used"
	case aggregator.KindInvalid:
		return "problem.callback_invalid"
	case aggregator.KindForbidden:
		return "problem.forbidden"
	case aggregator.KindTooLarge:
		return "problem.too_large"
	}
	return "problem.internal"
}

// problem shows an error page with the text key and the status of kind k.
func (h *Handler) problem(w http.ResponseWriter, r *http.Request, lang string, k aggregator.Kind, key string) {
	p := h.newPage(r, lang, StepProblem, "title.problem", "", "")
	p.Cancel = false
	p.Problem = &ProblemStep{Text: Translate(lang, key)}
	h.write(w, k.HTTPStatus(), p)
}

func (h *Handler) write(w http.ResponseWriter, status int, p Page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := Render(w, p); err != nil {
		h.log.Error("web form page", zap.String("step", p.Step), zap.Error(err))
	}
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
