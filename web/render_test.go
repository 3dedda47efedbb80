package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// renderKind renders err through the one renderer and returns the answer.
func renderKind(t *testing.T, err error) *httptest.ResponseRecorder {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	s := &Server{links: links{base: testBase}}
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest("POST", "/customer/v2/bankzugaenge", nil)
	s.renderError(c, err)
	return w
}

// TestRenderErrorUsesTheKindTable: every kind answers the status of
// aggregator's one table (regprotect's pages are held to the same table,
// so the API and the form agree). All but KindLegal carry a BANKSapi
// body; KindLegal is 451 with the web form's Location and no body.
func TestRenderErrorUsesTheKindTable(t *testing.T) {
	ref := &aggregator.WebFormRef{Session: "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", UseCase: aggregator.UseCaseCreateAccount}
	for _, k := range aggregator.Kinds() {
		t.Run(k.String(), func(t *testing.T) {
			e := &aggregator.Error{Kind: k, Op: "test", Message: "refused"}
			if k == aggregator.KindLegal {
				e.WebForm = ref
			}
			w := renderKind(t, e)
			if w.Code != k.HTTPStatus() {
				t.Errorf("status %d, want %d", w.Code, k.HTTPStatus())
			}
			if k == aggregator.KindLegal {
				want := testBase + "/customer/v2/webform?session=" + ref.Session + "&useCase=CREATE_ACCOUNT"
				if loc := w.Header().Get("Location"); loc != want {
					t.Errorf("Location %q, want %q", loc, want)
				}
				if w.Body.Len() != 0 || w.Header().Get("Content-Length") != "0" || w.Header().Get("Content-Type") != "" {
					t.Errorf("a 451 has a body: %q %v", w.Body, w.Header())
				}
				return
			}
			if w.Header().Get("Location") != "" || w.Header().Get("Content-Type") != contentTypeJSON || w.Body.Len() == 0 {
				t.Errorf("want a JSON body and no Location: %v %q", w.Header(), w.Body)
			}
		})
	}
}

// TestRenderErrorLegalWithoutSession: a 451 needs its session; without
// one the error is a bug (500), never a 451 without Location.
func TestRenderErrorLegalWithoutSession(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"legal without session", &aggregator.Error{Kind: aggregator.KindLegal, Op: "test"}, http.StatusInternalServerError},
		{"foreign error", errors.New("boom"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		w := renderKind(t, tt.err)
		if w.Code != tt.want || w.Header().Get("Location") != "" || w.Body.Len() == 0 {
			t.Errorf("%s: %d %v %q", tt.name, w.Code, w.Header(), w.Body)
		}
	}
}
