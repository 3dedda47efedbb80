package regprotect

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zugang/zugang/aggregator"
)

// failingForms is a WebFormService whose Open fails with one error; any
// other call would panic (nil interface), which these tests never make.
type failingForms struct {
	aggregator.WebFormService
	err error
}

func (f failingForms) Open(context.Context, string, aggregator.UseCase, string, string) (aggregator.WebFormSession, string, error) {
	return aggregator.WebFormSession{}, "", f.err
}

// TestFailurePagesUseTheKindTable: a use case's error shows an error page
// with the status of its kind from aggregator's one table, the same the
// API answers (web's tests hold it to the table too), and the text that
// tells the user what to do. A bank that is down is 503, one too slow 504.
func TestFailurePagesUseTheKindTable(t *testing.T) {
	keys := map[aggregator.Kind]string{
		aggregator.KindNotFound:  "problem.session_unknown",
		aggregator.KindConflict:  "problem.session_used",
		aggregator.KindInvalid:   "problem.callback_invalid",
		aggregator.KindForbidden: "problem.forbidden",
		aggregator.KindTooLarge:  "problem.too_large",
	}
	for _, k := range aggregator.Kinds() {
		t.Run(k.String(), func(t *testing.T) {
			h := New(Options{Forms: failingForms{err: &aggregator.Error{Kind: k, Op: "test", Message: "refused"}},
				BaseURL: "https://gw.example.com"})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", BasePath+"?session=s&useCase=CREATE_ACCOUNT&callbackUrl=https%3A%2F%2Fapp.example%2F", nil))
			if w.Code != k.HTTPStatus() {
				t.Errorf("status %d, want %d", w.Code, k.HTTPStatus())
			}
			key, ok := keys[k]
			if !ok {
				key = "problem.internal"
			}
			if text := html.EscapeString(Translate("de", key)); !strings.Contains(w.Body.String(), text) {
				t.Errorf("the page does not say %q", text)
			}
		})
	}
	for _, want := range []struct {
		kind   aggregator.Kind
		status int
	}{{aggregator.KindUnavailable, http.StatusServiceUnavailable}, {aggregator.KindTimeout, http.StatusGatewayTimeout}} {
		if got := want.kind.HTTPStatus(); got != want.status {
			t.Errorf("%s answers %d, want %d", want.kind, got, want.status)
		}
	}
}
