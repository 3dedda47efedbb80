package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// defaultViewCacheSize bounds the rendered bank accesses kept per process
// (a few KiB each).
const defaultViewCacheSize = 10000

// renderedAccess is a bank access rendered for one stored version. Every
// save bumps the version, so a version probe (one small read) tells whether
// the bytes are still the access's; until is when the view changes by
// itself (its consent runs out).
type renderedAccess struct {
	version int64
	until   time.Time
	body    []byte
}

func viewKey(p aggregator.Principal, id string) string {
	return p.Tenant + "\x00" + p.UserID + "\x00" + id
}

// getAccess is GET /customer/v2/bankzugaenge/{id}: served from the render
// cache when the stored version is the one rendered.
func (s *Server) getAccess(c *gin.Context) error {
	ctx, p, id := c.Request.Context(), principal(c), c.Param("access")
	key := viewKey(p, id)
	v, err := s.accesses.AccessVersion(ctx, p, id)
	if err != nil {
		return err
	}
	if e, ok := s.views.Get(key); ok && e.version == v && (e.until.IsZero() || s.now().Before(e.until)) {
		c.Data(http.StatusOK, contentTypeJSON, e.body)
		return nil
	}
	acc, err := s.accesses.Access(ctx, p, id)
	if err != nil {
		return err
	}
	body, err := marshalJSON(s.newBankAccessJSON(s.accesses.View(acc)))
	if err != nil {
		return aggregator.Internal("web.getAccess", err)
	}
	s.views.Add(key, renderedAccess{version: acc.Version, until: aggregator.ViewUntil(acc), body: body})
	c.Data(http.StatusOK, contentTypeJSON, body)
	return nil
}
