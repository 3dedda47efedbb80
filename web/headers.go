package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// noStorePrefixes are the paths whose answers carry a user's bank data,
// user data or tokens: no cache, shared or private, may keep them. The
// web form under /customer/v2 sets its own headers (its stylesheet stays
// cacheable); the provider catalogue, the logos and the credentials key
// are public and keep their own caching.
var noStorePrefixes = []string{"/customer/v2", "/auth/mgmt/", "/auth/oauth2/"}

// setBaseHeaders sets what every response carries: no MIME sniffing (a
// JSON error must never be read as HTML) and no Referer leaking a URL
// with ids to another site.
func setBaseHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// securityHeaders sets the base headers on every response, and
// Cache-Control: no-store under noStorePrefixes. They are set before the
// handler runs, so a handler may still choose stricter or other values.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	setBaseHeaders(h)
	p := c.Request.URL.Path
	for _, prefix := range noStorePrefixes {
		if strings.HasPrefix(p, prefix) {
			h.Set("Cache-Control", "no-store")
			break
		}
	}
	c.Next()
}
