package regprotect

// Page is what every template of the form receives. Exactly one of the
// step-specific parts is filled, as Step says.
type Page struct {
	Lang      string            // "de" or "en": the <html lang> and the catalogue used
	T         map[string]string // the catalogue of Lang: {{index .T "key"}}
	Step      string            // the template to render inside the layout (see steps below)
	Title     string            // the page's heading, already translated
	Action    string            // where every form of the page posts (the session's URL)
	CSRF      string            // the hidden field "csrf" every form carries
	OtherLang LangLink          // the switch to the other language
	Error     string            // a page-level error (translated), shown above the form in role="alert"
	Cancel    bool              // whether the page offers "cancel" (every step but the error page)

	Providers *ProvidersStep
	Login     *LoginStep
	Methods   *MethodStep
	Media     *MediumStep
	TAN       *TANStep
	Decoupled *DecoupledStep
	Redirect  *RedirectStep
	Products  *ProductsStep
	Problem   *ProblemStep
}

// LangLink switches the language of the form.
type LangLink struct {
	Lang  string // "en" or "de"
	Label string // "English" or "Deutsch"
	Href  string // the current page with ?lang=…
}

// Steps (Page.Step) and the action values their forms post (field "action").
const (
	StepTerms     = "terms"     // actions: accept_terms, decline_terms
	StepProviders = "providers" // GET search (field "q"); action: select_provider (field "provider")
	StepLogin     = "login"     // action: login (one field per LoginField.Key, named "cred_<key>")
	StepMethod    = "method"    // action: select_method (field "method")
	StepMedium    = "medium"    // action: select_medium (field "medium")
	StepTAN       = "tan"       // action: submit_tan (field "tan")
	StepDecoupled = "decoupled" // action: poll (the page also refreshes itself)
	StepRedirect  = "redirect"  // a link to the bank; the bank sends the user back
	StepProducts  = "products"  // action: confirm_products (checkboxes "product")
	StepProblem   = "problem"   // an error page without forms (no cancel)
)

// ActionCancel ends the session with USER_CANCELLED; every step offers it.
const ActionCancel = "cancel"

// ProvidersStep lists the banks to choose from.
type ProvidersStep struct {
	Query     string // the search text, echoed into the search field
	SearchURL string // GET target of the search form
	Providers []ProviderChoice
}

// ProviderChoice is one bank in the list.
type ProviderChoice struct {
	ID      string
	Name    string
	BLZ     string
	BIC     string
	LogoURL string // "" when the bank has no logo
}

// LoginStep asks for the credentials of the chosen bank.
type LoginStep struct {
	Provider ProviderChoice
	Hint     string // the bank's login hint, may be ""
	Fields   []LoginInput
}

// LoginInput is one credential field.
type LoginInput struct {
	Name   string // the form field name: "cred_<key>"
	ID     string // the element id, for <label for>
	Label  string
	Hint   string // may be ""
	Secret bool   // type=password, autocomplete=off
	Value  string // refilled after an error, never for secret fields
	Error  string // shown next to the field, wired with aria-describedby
}

// MethodStep offers the bank's SCA methods.
type MethodStep struct {
	Methods []MethodChoice
}

// MethodChoice is one SCA method.
type MethodChoice struct {
	Code int
	Name string
	Hint string
}

// MediumStep offers the TAN media of the chosen method.
type MediumStep struct {
	Media []MediumChoice
}

// MediumChoice is one TAN medium.
type MediumChoice struct {
	Name  string
	Class string // MOBIL, GENERATOR, …
}

// TANStep shows the challenge and asks for the TAN.
type TANStep struct {
	Method       string // the active method's name
	Instructions string // the bank's challenge text
	ImageURL     string // a photoTAN image, "" when none
	HHD          string // a flicker code as text, "" when none
	Error        string // after a wrong TAN: shown next to the field
}

// DecoupledStep waits for the approval in the bank's app.
type DecoupledStep struct {
	Instructions   string
	RefreshSeconds int    // <meta http-equiv="refresh">
	RefreshURL     string // where the refresh goes (the session's URL)
}

// RedirectStep sends the user to the bank's own page.
type RedirectStep struct {
	BankURL string
}

// ProductsStep lets the user confirm the accounts to share.
type ProductsStep struct {
	Products []ProductChoice
}

// ProductChoice is one account or depot.
type ProductChoice struct {
	ID       string
	Name     string
	IBAN     string // "" for a depot or a card
	Category string // translated category name
	Balance  string // formatted with currency, "" when unknown
	Checked  bool
}

// ProblemStep explains why the form cannot go on.
type ProblemStep struct {
	Text string
}
