package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestWebFormSessionIDCase: the 451's session id opens the session in
// any spelling.
func TestWebFormSessionIDCase(t *testing.T) {
	g := newFormGateway(t)
	_, location := g.begin(t)
	u, _ := url.Parse(location)
	session := u.Query().Get("session")
	upper := strings.Replace(location, "session="+session, "session="+strings.ToUpper(session), 1)
	if p := newFormBrowser(t).get(upper); p.status != http.StatusOK {
		t.Errorf("open with the session id in upper case: %d %.300s", p.status, p.body)
	}
}
