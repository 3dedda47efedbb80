package regprotect

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// StylesheetPath is where the handler serves StylesheetCSS; the pages link
// it because the CSP allows only same-origin stylesheets.
const StylesheetPath = "/customer/v2/webform/static/form.css"

//go:embed templates/*.html
var templateFS embed.FS

// StylesheetCSS is the form's only stylesheet, served at StylesheetPath.
//
//go:embed static/form.css
var StylesheetCSS []byte

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"stylesheet": func() string { return StylesheetPath },
	"iban":       groupIBAN,
}).ParseFS(templateFS, "templates/*.html"))

// steps are the values of Page.Step the layout knows how to show.
var steps = map[string]bool{
	StepTerms: true, StepProviders: true, StepLogin: true, StepMethod: true, StepMedium: true,
	StepTAN: true, StepDecoupled: true, StepRedirect: true, StepProducts: true, StepProblem: true,
}

// Render writes the page of p.Step. The page is built in memory first, so
// a failing template (say, a step without its data) writes nothing rather
// than half a page after the handler has sent its status.
func Render(w io.Writer, p Page) error {
	if !steps[p.Step] {
		return fmt.Errorf("regprotect: unknown step %q", p.Step)
	}
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("regprotect: render step %q: %w", p.Step, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// groupIBAN writes an IBAN in blocks of four, the way banks print it, so
// people can compare it with their card or statement.
func groupIBAN(iban string) string {
	s := strings.ReplaceAll(iban, " ", "")
	var b strings.Builder
	for i, r := range []rune(s) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
