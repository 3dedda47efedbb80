package regprotect

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/zugang/zugang/aggregator"
)

// render shows the session's current step; problem names what went wrong
// with the last post ("" for none).
func (h *Handler) render(w http.ResponseWriter, r *http.Request, ws *aggregator.WebFormSession, secret string, status int, problem string) {
	w.Header().Set("Content-Security-Policy", csp(ws.CallbackURL))
	st, err := h.forms.Current(r.Context(), ws)
	if err == nil && r.Method == http.MethodGet && waiting(st) {
		// The waiting page refreshes itself: each refresh asks the bank.
		var out aggregator.WebFormOutcome
		if out, err = h.forms.Poll(r.Context(), ws); err == nil && out.Redirect != "" {
			http.Redirect(w, r, out.Redirect, http.StatusSeeOther)
			return
		}
		if err == nil {
			st, err = h.forms.Current(r.Context(), ws)
		}
	}
	if err != nil {
		h.fail(w, r, ws.Lang, err)
		return
	}
	if st.Step == aggregator.WebFormDone {
		http.Redirect(w, r, st.Redirect, http.StatusSeeOther)
		return
	}
	lang := langOf(r, ws.Lang)
	path := h.sessionPath(ws.ID)
	page := func(step, title string) Page {
		p := h.newPage(r, lang, step, title, path, csrfToken(secret, ws.ID))
		if problem != "" && problem != "field_required" && problem != "tan_wrong" {
			p.Error = Translate(lang, "error."+problem)
		}
		return p
	}
	var p Page
	switch st.Step {
	case aggregator.WebFormTerms:
		p = page(StepTerms, "title.terms")
		p.Cancel = false // declining is the way out here
	case aggregator.WebFormProviders:
		p = page(StepProviders, "title.providers")
		q := r.URL.Query().Get("q")
		p.Providers = &ProvidersStep{Query: q, SearchURL: path}
		for _, info := range h.providers.Providers(r.Context(), q) {
			p.Providers.Providers = append(p.Providers.Providers, h.providerChoice(info))
		}
	case aggregator.WebFormLogin:
		p = page(StepLogin, "title.login")
		p.Login = h.loginStep(lang, st.Provider, r, problem)
	case aggregator.WebFormSCA:
		p = h.scaPage(page, lang, path, st.Access.CurrentSCA(), problem)
	case aggregator.WebFormProducts:
		p = page(StepProducts, "title.products")
		p.Products = &ProductsStep{}
		for _, pr := range st.Access.Products {
			p.Products.Products = append(p.Products.Products, ProductChoice{ID: pr.ID, Name: pr.Bezeichnung, IBAN: pr.IBAN,
				Category: Translate(lang, "category."+string(pr.Kategorie)), Balance: balance(pr, lang), Checked: true})
		}
	}
	h.write(w, status, p)
}

// waiting reports whether the user is to approve in the bank's app.
func waiting(st aggregator.WebFormState) bool {
	if st.Step != aggregator.WebFormSCA {
		return false
	}
	cur := st.Access.CurrentSCA()
	return cur != nil && cur.State == aggregator.SCADecoupled
}

func (h *Handler) providerChoice(info aggregator.ProviderInfo) ProviderChoice {
	c := ProviderChoice{ID: info.ID, Name: info.Name, BLZ: info.BLZ, BIC: info.BIC}
	if info.Logo != "" {
		c.LogoURL = "/providers/v2/" + url.PathEscape(info.Logo) + ".svg"
	}
	return c
}

// loginStep builds the credentials form from the bank's fields; after a
// problem the non-secret values come back, secrets never do.
func (h *Handler) loginStep(lang string, info aggregator.ProviderInfo, r *http.Request, problem string) *LoginStep {
	s := &LoginStep{Provider: h.providerChoice(info), Hint: info.LoginHint}
	for _, f := range info.Fields {
		in := LoginInput{Name: "cred_" + f.Key, ID: "cred-" + f.Key, Label: f.Label, Hint: f.Hint, Secret: f.Secret}
		if in.Label == "" {
			in.Label = f.Key
		}
		posted := ""
		if r.Method == http.MethodPost {
			posted = r.PostForm.Get(in.Name)
		}
		if !f.Secret {
			in.Value = posted
		}
		if problem == "field_required" && strings.TrimSpace(posted) == "" {
			in.Error = Translate(lang, "error.field_required")
		}
		s.Fields = append(s.Fields, in)
	}
	return s
}

// scaPage shows the page of the SCA state the bank asked for.
func (h *Handler) scaPage(page func(step, title string) Page, lang, path string, cur *aggregator.SCA, problem string) Page {
	var p Page
	switch cur.State {
	case aggregator.SCAMethodSelection:
		p = page(StepMethod, "title.method")
		p.Methods = &MethodStep{}
		for _, m := range cur.Methods {
			p.Methods.Methods = append(p.Methods.Methods, MethodChoice{Code: m.Code, Name: m.Name, Hint: m.Hint})
		}
	case aggregator.SCAMediumSelection:
		p = page(StepMedium, "title.medium")
		p.Media = &MediumStep{}
		for _, m := range cur.Media {
			p.Media.Media = append(p.Media.Media, MediumChoice{Name: m.Name, Class: m.Class})
		}
	case aggregator.SCADecoupled:
		p = page(StepDecoupled, "title.decoupled")
		p.Decoupled = &DecoupledStep{Instructions: instructions(cur), RefreshSeconds: int(decoupledRefresh.Seconds()), RefreshURL: path}
	case aggregator.SCARedirect:
		p = page(StepRedirect, "title.redirect")
		bank := ""
		if cur.Challenge != nil {
			bank = cur.Challenge.RedirectURL
		}
		p.Redirect = &RedirectStep{BankURL: bank}
	default: // the TAN challenge
		p = page(StepTAN, "title.tan")
		t := &TANStep{Instructions: instructions(cur)}
		if cur.ActiveMethod != nil {
			t.Method = cur.ActiveMethod.Name
			if h := cur.ActiveMethod.Hint; h != "" { // e.g. what a photoTAN device would show
				t.Instructions = strings.TrimSpace(t.Instructions + "\n" + h)
			}
		}
		if cur.Challenge != nil {
			t.HHD = cur.Challenge.HHD
			if len(cur.Challenge.Photo) > 0 {
				t.ImageURL = path + "/challenge.png"
			}
		}
		switch problem {
		case "tan_wrong":
			t.Error = Translate(lang, "error.tan_wrong")
		case "field_required":
			t.Error = Translate(lang, "error.field_required")
		}
		p.TAN = t
	}
	return p
}

func instructions(cur *aggregator.SCA) string {
	if cur.Challenge == nil {
		return ""
	}
	return cur.Challenge.Instructions
}

// balance formats a product's balance as the reader expects it: 1.234,56
// EUR in German, 1,234.56 EUR in English.
func balance(p aggregator.Product, lang string) string {
	if p.Saldo == nil {
		return ""
	}
	s := p.Saldo.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	group, point := byte('.'), ","
	if lang == "en" {
		group, point = ',', "."
	}
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(group)
		}
		b.WriteRune(d)
	}
	out := b.String() + point + frac
	if neg {
		out = "-" + out
	}
	if p.Waehrung != "" {
		out += " " + p.Waehrung
	}
	return out
}

// newPage fills what every page has.
func (h *Handler) newPage(r *http.Request, lang, step, titleKey, action, csrf string) Page {
	other, label := "en", "English"
	if lang == "en" {
		other, label = "de", "Deutsch"
	}
	q := r.URL.Query()
	q.Set("lang", other)
	href := r.URL.Path + "?" + q.Encode()
	if action != "" {
		href = action + "?lang=" + other
	}
	return Page{Lang: lang, T: Catalogue(lang), Step: step, Title: Translate(lang, titleKey), Action: action, CSRF: csrf,
		OtherLang: LangLink{Lang: other, Label: label, Href: href}, Cancel: step != StepProblem}
}

// langOf picks the form's language: the session's, then ?lang, then the
// browser's Accept-Language (German unless English is preferred).
func langOf(r *http.Request, session string) string {
	if session == "de" || session == "en" {
		return session
	}
	if l := r.URL.Query().Get("lang"); l == "de" || l == "en" {
		return l
	}
	best, bestQ := "de", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (primary == "de" || primary == "en") && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}
