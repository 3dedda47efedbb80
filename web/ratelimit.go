package web

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// Rate-limit headers. X-RateLimit-Limit is how many requests may come at
// once (the rule's burst), X-RateLimit-Remaining how many of those are
// left, X-RateLimit-Reset the seconds until all of them are back. A 429
// adds Retry-After: the seconds until the next request is allowed.
const (
	headerRateLimit     = "X-RateLimit-Limit"
	headerRateRemaining = "X-RateLimit-Remaining"
	headerRateReset     = "X-RateLimit-Reset"
)

// countRequest counts an authenticated request against its client's and
// user's limits and reports the tighter one in the headers.
func (s *Server) countRequest(c *gin.Context, p aggregator.Principal) error {
	if s.rates == nil {
		return nil
	}
	d, err := s.rates.Check(c.Request.Context(), p)
	if d.Limit > 0 {
		h := c.Writer.Header()
		h.Set(headerRateLimit, strconv.Itoa(d.Limit))
		h.Set(headerRateRemaining, strconv.Itoa(max(d.Remaining, 0)))
		h.Set(headerRateReset, strconv.FormatInt(ceilSeconds(d.ResetAfter), 10))
	}
	return err
}

// ceilSeconds rounds up, so a client that waits that long is never early.
func ceilSeconds(d time.Duration) int64 { return int64((d + time.Second - 1) / time.Second) }
