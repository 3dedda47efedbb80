package web

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

// uuidParams are the path parameters that carry UUIDs: bank accesses,
// consents, users and providers. Product and transaction ids are the
// bank's and are left as sent.
var uuidParams = map[string]bool{"access": true, "consent": true, "user": true, "provider": true}

// canonicalUUID returns a UUID in its 36-character form in lower case, so
// that every spelling names the same object; anything else is returned as
// sent, for the use case to refuse or look up.
func canonicalUUID(s string) string {
	if len(s) != 36 || uuid.Validate(s) != nil {
		return s
	}
	return strings.ToLower(s)
}

// canonicalUUIDParams lower-cases the UUID path parameters before any
// handler reads them.
func canonicalUUIDParams(c *gin.Context) {
	for i, p := range c.Params {
		if uuidParams[p.Key] {
			c.Params[i].Value = canonicalUUID(p.Value)
		}
	}
	c.Next()
}
