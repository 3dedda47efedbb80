package regprotect

import (
	"bytes"
	"html"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
)

const (
	testAction  = "/customer/v2/webform/6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
	testCSRF    = "dGVzdC1jc3JmLXRva2VuLWZvci10aGUtZm9ybQ"
	testBankURL = "https://banking.beispielbank.de/psd2/authorize?consent=c-8812&lang=de"
)

// samplePage fills the page of step the way the handler would, with data
// that looks like a real bank's.
func samplePage(lang, step string) Page {
	other, label := "en", "English"
	if lang == "en" {
		other, label = "de", "Deutsch"
	}
	p := Page{Lang: lang, T: Catalogue(lang), Step: step, Title: Translate(lang, "title."+step), Action: testAction,
		CSRF: testCSRF, OtherLang: LangLink{Lang: other, Label: label, Href: testAction + "?lang=" + other},
		Cancel: step != StepProblem}
	sparkasse := ProviderChoice{ID: "0b7e4c39-2f1d-4e8a-9c55-6d1f0a2b3c4d", Name: "Sparkasse Musterstadt", BLZ: "50050201",
		BIC: "HELADEF1822", LogoURL: "/providers/v2/sparkasse.svg"}
	switch step {
	case StepProviders:
		p.Providers = &ProvidersStep{Query: "spar", SearchURL: testAction, Providers: []ProviderChoice{sparkasse,
			{ID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", Name: "Sparda-Bank Nord", BLZ: "21060237"},
			{ID: "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5", Name: "Spardabank Digital", BIC: "GENODEF1S11"}}}
	case StepLogin:
		p.Login = &LoginStep{Provider: sparkasse, Hint: "Ihre Zugangsdaten finden Sie im Eröffnungsbrief.", Fields: []LoginInput{
			{Name: "cred_userId", ID: "cred-userId", Label: "Anmeldename", Hint: "Oder Ihre Legitimations-ID", Value: "max.muster"},
			{Name: "cred_pin", ID: "cred-pin", Label: "PIN", Secret: true},
		}}
	case StepMethod:
		p.Methods = &MethodStep{Methods: []MethodChoice{{Code: 923, Name: "pushTAN 2.0", Hint: "In der S-pushTAN-App"},
			{Code: 912, Name: "chipTAN USB"}}}
	case StepMedium:
		p.Media = &MediumStep{Media: []MediumChoice{{Name: "Mein iPhone", Class: "MOBIL"}, {Name: "Karte 1234", Class: "GENERATOR"},
			{Name: "Sonderfall", Class: "UNBEKANNT"}}}
	case StepTAN:
		p.TAN = &TANStep{Method: "photoTAN", Instructions: "Scannen Sie die Grafik.\nPrüfen Sie Betrag und Empfänger.",
			ImageURL: testAction + "/challenge.png", HHD: "0388A01239230520422D2C2D"}
	case StepDecoupled:
		p.Decoupled = &DecoupledStep{Instructions: "Bitte bestätigen Sie in der pushTAN-App.", RefreshSeconds: 3, RefreshURL: testAction}
	case StepRedirect:
		p.Redirect = &RedirectStep{BankURL: testBankURL}
	case StepProducts:
		p.Products = &ProductsStep{Products: []ProductChoice{
			{ID: "p1", Name: "Privatgirokonto", IBAN: "DE02500502010000123456", Category: Translate(lang, "category.GIROKONTO"),
				Balance: "1.234,56 EUR", Checked: true},
			{ID: "p2", Name: "Depot 7788", Category: Translate(lang, "category.DEPOT"), Checked: false},
		}}
	case StepProblem:
		p.Problem = &ProblemStep{Text: Translate(lang, "problem.session_used")}
	}
	return p
}

var allSteps = []string{StepTerms, StepProviders, StepLogin, StepMethod, StepMedium, StepTAN, StepDecoupled,
	StepRedirect, StepProducts, StepProblem}

var (
	formRe  = regexp.MustCompile(`(?s)<form\b[^>]*>.*?</form>`)
	inputRe = regexp.MustCompile(`<input\b[^>]*>`)
	attrRe  = regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	labelRe = regexp.MustCompile(`<label for="([^"]*)"`)
	idRe    = regexp.MustCompile(`\sid="([^"]*)"`)
	styleRe = regexp.MustCompile(`(?i)\sstyle=`)
	keyRe   = regexp.MustCompile(`index \$?\.T "([^"]+)"`)
)

func attrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(tag, -1) {
		m[a[1]] = a[2]
	}
	return m
}

func render(t *testing.T, p Page) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, p); err != nil {
		t.Fatalf("Render(%s/%s): %v", p.Lang, p.Step, err)
	}
	return b.String()
}

func TestRenderEveryStep(t *testing.T) {
	for _, lang := range []string{"de", "en"} {
		for _, step := range allSteps {
			t.Run(lang+"/"+step, func(t *testing.T) {
				out := render(t, samplePage(lang, step))

				for _, want := range []string{`<!DOCTYPE html>`, `<html lang="` + lang + `">`,
					`<link rel="stylesheet" href="` + StylesheetPath + `">`, `<h1>` + html.EscapeString(Translate(lang, "title."+step)) + `</h1>`,
					html.EscapeString(Translate(lang, "common.footer"))} {
					if !strings.Contains(out, want) {
						t.Errorf("missing %q", want)
					}
				}
				// The CSP allows neither scripts nor inline styles.
				for _, bad := range []string{"<script", "<style", "javascript:"} {
					if strings.Contains(strings.ToLower(out), bad) {
						t.Errorf("contains %q", bad)
					}
				}
				if styleRe.MatchString(out) || regexp.MustCompile(`\son[a-z]+=`).MatchString(out) {
					t.Error("contains a style attribute or an inline event handler")
				}
				// No third-party assets: the only absolute URL is the bank's.
				rest := strings.ReplaceAll(out, html.EscapeString(testBankURL), "")
				if strings.Contains(rest, "http://") || strings.Contains(rest, "https://") {
					t.Error("contains an absolute URL that is not from the page's data")
				}

				refresh := strings.Contains(out, `http-equiv="refresh"`)
				if refresh != (step == StepDecoupled) {
					t.Errorf("meta refresh present = %v on step %s", refresh, step)
				}
				if step == StepDecoupled && !strings.Contains(out, `content="3;url=`+testAction+`"`) {
					t.Error("meta refresh does not go to the session's page")
				}

				posts := 0
				for _, f := range formRe.FindAllString(out, -1) {
					csrf := strings.Contains(f, `<input type="hidden" name="csrf" value="`+testCSRF+`">`)
					switch m := attrs(f[:strings.Index(f, ">")])["method"]; m {
					case "post":
						posts++
						if !csrf {
							t.Errorf("POST form without the csrf field: %s", f)
						}
						if !strings.Contains(f, `action="`+testAction+`"`) {
							t.Errorf("POST form does not post to the session: %s", f)
						}
						if !strings.Contains(f, `<button type="submit" name="action" value="`) {
							t.Errorf("POST form without an action button: %s", f)
						}
					case "get":
						if csrf || !strings.Contains(f, `name="q"`) {
							t.Errorf("GET form is not the search or leaks the token: %s", f)
						}
					default:
						t.Errorf("form with method %q", m)
					}
				}
				if step == StepProblem && posts != 0 {
					t.Error("the problem page has forms")
				}
				if hasCancel := strings.Contains(out, `value="cancel"`); hasCancel != (step != StepProblem) {
					t.Errorf("cancel offered = %v on step %s", hasCancel, step)
				}

				labels := map[string]bool{}
				for _, m := range labelRe.FindAllStringSubmatch(out, -1) {
					labels[m[1]] = true
				}
				for _, in := range inputRe.FindAllString(out, -1) {
					a := attrs(in)
					if a["type"] == "hidden" {
						continue
					}
					if a["id"] == "" || !labels[a["id"]] {
						t.Errorf("input without a label: %s", in)
					}
				}
				seen := map[string]bool{}
				for _, m := range idRe.FindAllStringSubmatch(out, -1) {
					if seen[m[1]] {
						t.Errorf("duplicate id %q", m[1])
					}
					seen[m[1]] = true
				}
			})
		}
	}
}

// Each step shows its own data and posts its own action.
func TestRenderStepContent(t *testing.T) {
	tests := []struct {
		step string
		want []string
	}{
		{StepTerms, []string{`value="accept_terms" class="primary"`, `value="decline_terms"`}},
		{StepProviders, []string{`<form method="get" action="` + testAction + `"`, `name="q" value="spar"`,
			`name="provider" value="0b7e4c39-2f1d-4e8a-9c55-6d1f0a2b3c4d"`, `<img src="/providers/v2/sparkasse.svg" alt="" width="32" height="32"`,
			`50050201`, `HELADEF1822`, `value="select_provider"`}},
		{StepLogin, []string{`<h2>Sparkasse Musterstadt</h2>`, `type="text" value="max.muster" autocomplete="username"`,
			`name="cred_pin" type="password" autocomplete="off"`, `id="cred-userId" name="cred_userId"`, `autofocus`,
			`aria-describedby="cred-userId-hint"`, `value="login"`}},
		{StepMethod, []string{`name="method" value="923" checked`, `name="method" value="912">`, `value="select_method"`}},
		{StepMedium, []string{`name="medium" value="Mein iPhone" checked`, `UNBEKANNT`, `value="select_medium"`}},
		{StepTAN, []string{`<p class="instructions">Scannen Sie die Grafik.` + "\n", `<img src="` + testAction + `/challenge.png"`,
			`<code class="hhd">0388A01239230520422D2C2D</code>`, `name="tan" inputmode="numeric" autocomplete="one-time-code"`,
			`value="submit_tan"`}},
		{StepDecoupled, []string{`pushTAN-App`, `value="poll"`}},
		{StepRedirect, []string{`<a href="` + html.EscapeString(testBankURL) + `" class="button primary">`}},
		{StepProducts, []string{`name="product" value="p1" checked`, `name="product" value="p2">`, `DE02 5005 0201 0000 1234 56`,
			`1.234,56 EUR`, `value="confirm_products"`}},
		{StepProblem, []string{html.EscapeString(Translate("de", "problem.session_used"))}},
	}
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			out := render(t, samplePage("de", tt.step))
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in\n%s", w, out)
				}
			}
		})
	}
}

func TestRenderTranslatedTexts(t *testing.T) {
	en := render(t, samplePage("en", StepMedium))
	for _, w := range []string{"Mobile phone", "TAN generator", `hreflang="de" lang="de">Deutsch</a>`} {
		if !strings.Contains(en, w) {
			t.Errorf("missing %q", w)
		}
	}
	de := render(t, samplePage("de", StepTAN))
	if !strings.Contains(de, `alt="photoTAN-Grafik zum Scannen"`) {
		t.Error("the photoTAN image has no German alt text")
	}
}

func TestRenderFieldErrors(t *testing.T) {
	p := samplePage("de", StepLogin)
	p.Login.Fields[0].Error = Translate("de", "error.field_required")
	p.Login.Fields[1].Error = Translate("de", "error.field_required")
	p.Error = Translate("de", "error.credentials_wrong")
	out := render(t, p)
	for _, w := range []string{
		`<div role="alert" class="error">` + html.EscapeString(Translate("de", "error.credentials_wrong")) + `</div>`,
		`<p id="cred-userId-error" class="field-error">`,
		`aria-invalid="true" aria-describedby="cred-userId-hint cred-userId-error"`,
		`<p id="cred-pin-error" class="field-error">`,
		`aria-invalid="true" aria-describedby="cred-pin-error"`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in\n%s", w, out)
		}
	}

	p = samplePage("en", StepTAN)
	p.TAN.Error = Translate("en", "error.tan_wrong")
	out = render(t, p)
	if !strings.Contains(out, `<p id="tan-error" class="field-error">`) ||
		!strings.Contains(out, `aria-invalid="true" aria-describedby="tan-error"`) {
		t.Errorf("TAN error not wired to the field:\n%s", out)
	}
}

func TestRenderEscapes(t *testing.T) {
	p := samplePage("de", StepProviders)
	p.Providers.Providers[0].Name = "<b>Bank</b>"
	p.Providers.Query = `"><script>`
	out := render(t, p)
	if strings.Contains(out, "<b>Bank</b>") || !strings.Contains(out, "&lt;b&gt;Bank&lt;/b&gt;") {
		t.Error("provider name not escaped")
	}
	if strings.Contains(out, `"><script>`) {
		t.Error("search query not escaped")
	}
}

func TestRenderRejectsIncompletePages(t *testing.T) {
	for name, p := range map[string]Page{
		"unknown step":      {Lang: "de", T: Catalogue("de"), Step: "nope"},
		"login no data":     {Lang: "de", T: Catalogue("de"), Step: StepLogin},
		"problem no data":   {Lang: "de", T: Catalogue("de"), Step: StepProblem},
		"decoupled no data": {Lang: "de", T: Catalogue("de"), Step: StepDecoupled},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Render(&b, p); err == nil {
				t.Error("no error")
			}
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes of a broken page", b.Len())
			}
		})
	}
}

func TestCataloguesMatch(t *testing.T) {
	de, en := Catalogue("de"), Catalogue("en")
	dk, ek := slices.Sorted(maps.Keys(de)), slices.Sorted(maps.Keys(en))
	if !slices.Equal(dk, ek) {
		t.Fatalf("key sets differ:\nde %v\nen %v", dk, ek)
	}
	for _, k := range dk {
		if strings.TrimSpace(de[k]) == "" || strings.TrimSpace(en[k]) == "" {
			t.Errorf("%s: empty text", k)
		}
	}
	if fr := Catalogue("fr"); fr["terms.accept"] != de["terms.accept"] {
		t.Error("an unknown language is not German")
	}
	if got := Translate("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("Translate of a missing key = %q", got)
	}
	Catalogue("de")["terms.accept"] = "changed"
	if Translate("de", "terms.accept") == "changed" {
		t.Error("Catalogue hands out the shared map")
	}
}

// The handler builds these keys from its own values.
func TestCatalogueHasHandlerKeys(t *testing.T) {
	keys := []string{"error.credentials_wrong", "error.tan_wrong", "error.field_required", "error.choose_one",
		"error.products_none", "error.bank_unavailable", "problem.session_used", "problem.session_expired",
		"problem.session_unknown", "problem.callback_invalid", "problem.forbidden", "problem.too_large", "problem.internal"}
	for _, s := range allSteps {
		keys = append(keys, "title."+s)
	}
	for _, c := range []string{"GIROKONTO", "SPARKONTO", "FESTGELDKONTO", "KREDITKONTO", "TAGESGELDKONTO", "BAUSPARVERTRAG",
		"SONSTIGESKONTO", "KREDITKARTE", "KREDITKARTENKONTO", "SONSTIGEKARTE", "DEPOT", "SONSTIGESPRODUKT"} {
		keys = append(keys, "category."+c)
	}
	for _, c := range []string{"LISTE", "GENERATOR", "MOBIL", "SECODER", "PUSHTAN", "ALL", "PROPRIETARY"} {
		keys = append(keys, "medium.class."+c)
	}
	de := Catalogue("de")
	for _, k := range keys {
		if _, ok := de[k]; !ok {
			t.Errorf("missing key %s", k)
		}
	}
}

func TestTemplateKeysExist(t *testing.T) {
	de := Catalogue("de")
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	used := 0
	for _, f := range files {
		src, err := fs.ReadFile(templateFS, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(src), -1) {
			used++
			if _, ok := de[m[1]]; !ok {
				t.Errorf("%s uses unknown key %q", f, m[1])
			}
		}
	}
	if used == 0 {
		t.Error("found no catalogue keys in the templates")
	}
}

func TestStylesheet(t *testing.T) {
	css := string(StylesheetCSS)
	if !strings.Contains(css, ":focus-visible") {
		t.Error("no visible focus style")
	}
	for _, bad := range []string{"@import", "url(", "http:", "https:"} {
		if strings.Contains(css, bad) {
			t.Errorf("stylesheet loads something: %q", bad)
		}
	}
}

func TestGroupIBAN(t *testing.T) {
	for in, want := range map[string]string{
		"DE02500502010000123456":      "DE02 5005 0201 0000 1234 56",
		"DE02 5005 0201 0000 1234 56": "DE02 5005 0201 0000 1234 56",
		"":                            "",
	} {
		if got := groupIBAN(in); got != want {
			t.Errorf("groupIBAN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBalanceFormat(t *testing.T) {
	cases := []struct {
		amount, currency, lang, want string
	}{
		{"3085.31", "EUR", "de", "3.085,31 EUR"},
		{"3085.31", "EUR", "en", "3,085.31 EUR"},
		{"-752.7", "EUR", "de", "-752,70 EUR"},
		{"1234567", "", "en", "1,234,567.00"},
		{"0.5", "USD", "de", "0,50 USD"},
	}
	for _, tc := range cases {
		a := decimal.RequireFromString(tc.amount)
		if got := balance(aggregator.Product{Saldo: &a, Waehrung: tc.currency}, tc.lang); got != tc.want {
			t.Errorf("balance(%s, %s) = %q, want %q", tc.amount, tc.lang, got, tc.want)
		}
	}
	if got := balance(aggregator.Product{}, "de"); got != "" {
		t.Errorf("no balance = %q", got)
	}
}
