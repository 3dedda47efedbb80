package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMetricsToken: with a metrics token /metrics wants it as a bearer
// token, compared in full; without one it is open (see TestSecurityHeaders).
func TestMetricsToken(t *testing.T) {
	srv := New(Options{BaseURL: testBase, MetricsToken: "scrape-7f3a"})
	for _, tc := range []struct {
		name, authorization string
		status              int
	}{
		{"no header", "", 401},
		{"wrong token", "Bearer scrape-7f3b", 401},
		{"a prefix of the token", "Bearer scrape-7f3", 401},
		{"the token as Basic", "Basic scrape-7f3a", 401},
		{"the token", "Bearer scrape-7f3a", 200},
		{"the scheme in lower case", "bearer scrape-7f3a", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "http://gw.example.com/metrics", nil)
			if tc.authorization != "" {
				req.Header.Set("Authorization", tc.authorization)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			checkContract(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == 401 && (!strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer ") ||
				!strings.Contains(rec.Body.String(), "BA401")) {
				t.Errorf("401 without a Bearer challenge: %v %s", rec.Header(), rec.Body)
			}
		})
	}
	// Served elsewhere: the API has no /metrics route.
	srv = New(Options{BaseURL: testBase, MetricsElsewhere: true})
	req := httptest.NewRequest("GET", "http://gw.example.com/metrics", nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound {
		t.Errorf("/metrics with MetricsElsewhere: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "http://127.0.0.1:9090/metrics", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("MetricsHandler: %d %v", rec.Code, rec.Header())
	}
}
