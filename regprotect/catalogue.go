package regprotect

import "maps"

// text is one catalogue entry in both languages. Keeping both in one table
// means a key can never exist in one language only.
type text struct{ de, en string }

var texts = map[string]text{
	// Shared by every page.
	"common.cancel": {"Abbrechen und zurück zur App", "Cancel and return to the app"},
	"common.footer": {"Die Verbindung zu Zugang ist verschlüsselt.", "Your connection to Zugang is encrypted."},
	"common.next":   {"Weiter", "Continue"},

	// Page titles (set by the handler).
	"title.terms":     {"Einwilligung", "Consent"},
	"title.providers": {"Bank auswählen", "Choose your bank"},
	"title.login":     {"Beim Online-Banking anmelden", "Log in to online banking"},
	"title.method":    {"Sicherheitsverfahren wählen", "Choose a security method"},
	"title.medium":    {"TAN-Medium wählen", "Choose a TAN device"},
	"title.tan":       {"TAN eingeben", "Enter TAN"},
	"title.decoupled": {"Freigabe in der Banking-App", "Approve in your banking app"},
	"title.redirect":  {"Weiter zu Ihrer Bank", "Continue to your bank"},
	"title.products":  {"Konten freigeben", "Share accounts"},
	"title.problem":   {"Das hat leider nicht geklappt", "Something went wrong"},

	// Messages after a post the user can fix (set by the handler).
	"error.credentials_wrong": {"Die Anmeldedaten sind nicht korrekt. Bitte prüfen Sie Ihre Eingaben.", "The login details are not correct. Please check your entries."},
	"error.tan_wrong":         {"Die TAN ist nicht korrekt. Bitte versuchen Sie es erneut.", "The TAN is not correct. Please try again."},
	"error.field_required":    {"Bitte füllen Sie dieses Feld aus.", "Please fill in this field."},
	"error.choose_one":        {"Bitte wählen Sie eine der Möglichkeiten aus.", "Please choose one of the options."},
	"error.products_none":     {"Bitte wählen Sie mindestens ein Konto aus.", "Please choose at least one account."},
	"error.bank_unavailable":  {"Ihre Bank ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.", "Your bank cannot be reached right now. Please try again later."},

	// Why the form cannot go on (set by the handler, shown on the problem page).
	"problem.session_used":     {"Dieser Link wurde bereits geöffnet. Bitte starten Sie den Vorgang in der App erneut, um einen neuen Link zu erhalten.", "This link has already been opened. Please start again in the app to get a new link."},
	"problem.session_expired":  {"Dieser Vorgang ist abgelaufen. Bitte starten Sie ihn in der App erneut.", "This session has expired. Please start again in the app."},
	"problem.session_unknown":  {"Dieser Vorgang ist nicht bekannt. Bitte starten Sie ihn in der App erneut.", "This session is not known. Please start again in the app."},
	"problem.callback_invalid": {"Die App hat eine ungültige oder nicht erlaubte Rücksprungadresse übermittelt. Bitte wenden Sie sich an den Anbieter der App.", "The app sent an invalid or disallowed return address. Please contact the provider of the app."},
	"problem.forbidden":        {"Die Anfrage konnte nicht überprüft werden. Bitte laden Sie die Seite neu.", "The request could not be verified. Please reload the page."},
	"problem.too_large":        {"Die Eingaben sind zu umfangreich. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.", "The form data is too large. Please reload the page and try again."},
	"problem.internal":         {"Es ist ein technischer Fehler aufgetreten. Bitte versuchen Sie es später noch einmal.", "A technical error occurred. Please try again later."},
	"problem.close":            {"Sie können dieses Fenster jetzt schließen.", "You can close this window now."},

	// Product categories (the seed's ProductCategory enum).
	"category.GIROKONTO":         {"Girokonto", "Current account"},
	"category.SPARKONTO":         {"Sparkonto", "Savings account"},
	"category.TAGESGELDKONTO":    {"Tagesgeldkonto", "Instant access savings account"},
	"category.KREDITKARTE":       {"Kreditkarte", "Credit card"},
	"category.DEPOT":             {"Depot", "Securities account"},
	"category.FESTGELDKONTO":     {"Festgeldkonto", "Fixed-term deposit"},
	"category.KREDITKONTO":       {"Kreditkonto", "Loan account"},
	"category.BAUSPARVERTRAG":    {"Bausparvertrag", "Building savings contract"},
	"category.SONSTIGESKONTO":    {"Sonstiges Konto", "Other account"},
	"category.KREDITKARTENKONTO": {"Kreditkartenkonto", "Credit card account"},
	"category.SONSTIGEKARTE":     {"Sonstige Karte", "Other card"},
	"category.SONSTIGESPRODUKT":  {"Sonstiges Produkt", "Other product"},

	// Step terms.
	"terms.text":        {"Zugang ruft im Auftrag der App, von der Sie kommen, Daten Ihrer Bankkonten ab, zum Beispiel Kontostände und Umsätze, und gibt sie an diese App weiter.", "On behalf of the app you came from, Zugang retrieves data from your bank accounts, such as balances and transactions, and passes it on to that app."},
	"terms.credentials": {"Ihre Zugangsdaten zum Online-Banking werden verschlüsselt übertragen und gespeichert.", "Your online banking login details are transmitted and stored in encrypted form."},
	"terms.app":         {"Die App sieht Ihre Zugangsdaten nie.", "The app never sees your login details."},
	"terms.choice":      {"Sie entscheiden am Ende selbst, welche Konten Sie freigeben.", "At the end, you decide which accounts to share."},
	"terms.question":    {"Sind Sie damit einverstanden?", "Do you agree?"},
	"terms.accept":      {"Zustimmen und weiter", "Agree and continue"},
	"terms.decline":     {"Ablehnen", "Decline"},

	// Step providers.
	"providers.search":        {"Bank suchen", "Search bank"},
	"providers.search_hint":   {"Name, Bankleitzahl oder BIC", "Name, bank code or BIC"},
	"providers.search_submit": {"Suchen", "Search"},
	"providers.legend":        {"Ihre Bank", "Your bank"},
	"providers.blz":           {"BLZ", "Bank code"},
	"providers.bic":           {"BIC", "BIC"},
	"providers.empty":         {"Keine Bank gefunden. Bitte prüfen Sie die Schreibweise oder suchen Sie nach Bankleitzahl oder BIC.", "No bank found. Please check the spelling or search by bank code or BIC."},

	// Step login.
	"login.note":   {"Ihre Zugangsdaten werden verschlüsselt an Ihre Bank übermittelt. Die App erhält sie nicht.", "Your login details are sent to your bank in encrypted form. The app does not receive them."},
	"login.submit": {"Anmelden", "Log in"},

	// Step method.
	"method.legend": {"Wie möchten Sie den Zugriff bestätigen?", "How would you like to confirm access?"},

	// Step medium.
	"medium.legend":            {"Welches Gerät möchten Sie verwenden?", "Which device would you like to use?"},
	"medium.class.LISTE":       {"TAN-Liste", "TAN list"},
	"medium.class.GENERATOR":   {"TAN-Generator", "TAN generator"},
	"medium.class.MOBIL":       {"Mobiltelefon", "Mobile phone"},
	"medium.class.SECODER":     {"Secoder", "Secoder"},
	"medium.class.PUSHTAN":     {"Banking-App", "Banking app"},
	"medium.class.ALL":         {"Alle Geräte", "All devices"},
	"medium.class.PROPRIETARY": {"Bankeigenes Verfahren", "Bank-specific method"},

	// Step tan.
	"tan.method":       {"Verfahren", "Method"},
	"tan.instructions": {"Bitte geben Sie die TAN ein, die Ihre Bank Ihnen angezeigt oder gesendet hat.", "Please enter the TAN your bank displayed or sent to you."},
	"tan.image_alt":    {"photoTAN-Grafik zum Scannen", "photoTAN image to scan"},
	"tan.hhd":          {"Code für Ihren TAN-Generator:", "Code for your TAN generator:"},
	"tan.label":        {"TAN", "TAN"},
	"tan.submit":       {"TAN bestätigen", "Confirm TAN"},

	// Step decoupled.
	"decoupled.instructions": {"Bitte bestätigen Sie den Zugriff in der App Ihrer Bank.", "Please approve the access in your bank's app."},
	"decoupled.refresh":      {"Diese Seite aktualisiert sich alle paar Sekunden von selbst. Sie können auch gleich weitermachen, sobald Sie freigegeben haben.", "This page refreshes itself every few seconds. You can also continue as soon as you have approved."},
	"decoupled.submit":       {"Ich habe freigegeben", "I have approved"},

	// Step redirect.
	"redirect.text":   {"Ihre Bank bestätigt den Zugriff auf ihrer eigenen Seite. Dort melden Sie sich an und geben den Zugriff frei.", "Your bank confirms the access on its own page. Log in there and approve the access."},
	"redirect.return": {"Danach leitet Ihre Bank Sie automatisch hierher zurück.", "Afterwards your bank sends you back here automatically."},
	"redirect.go":     {"Weiter zur Bank", "Continue to the bank"},

	// Step products.
	"products.text":    {"Die App erhält nur die Daten der Konten, die Sie hier auswählen.", "The app only receives the data of the accounts you select here."},
	"products.legend":  {"Konten", "Accounts"},
	"products.balance": {"Saldo", "Balance"},
	"products.empty":   {"Bei dieser Bank wurden keine Konten gefunden.", "No accounts were found at this bank."},
	"products.submit":  {"Auswahl freigeben", "Share selection"},
}

// catalogues holds the two languages, built once from texts.
var catalogues = func() map[string]map[string]string {
	de, en := make(map[string]string, len(texts)), make(map[string]string, len(texts))
	for k, t := range texts {
		de[k], en[k] = t.de, t.en
	}
	return map[string]map[string]string{"de": de, "en": en}
}()

// Catalogue returns the texts of lang: English for "en", German for
// anything else (the form's default). The map is a copy, so a caller
// cannot change what other requests see.
func Catalogue(lang string) map[string]string {
	return maps.Clone(catalogue(lang))
}

func catalogue(lang string) map[string]string {
	if lang == "en" {
		return catalogues["en"]
	}
	return catalogues["de"]
}

// Translate returns one text of lang; an unknown key comes back as itself,
// so a missing text shows up on the page instead of leaving a blank.
func Translate(lang, key string) string {
	if s, ok := catalogue(lang)[key]; ok {
		return s
	}
	return key
}
