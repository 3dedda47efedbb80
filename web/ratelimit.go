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
		// Set directly: the names keep their usual spelling on the wire
		// and skip canonicalisation on every request.
		// The three values share one string and one slice.
		var b [64]byte
		buf := strconv.AppendInt(b[:0], int64(d.Limit), 10)
		i := len(buf)
		buf = strconv.AppendInt(buf, int64(max(d.Remaining, 0)), 10)
		j := len(buf)
		buf = strconv.AppendInt(buf, ceilSeconds(d.ResetAfter), 10)
		s := string(buf)
		v := []string{s[:i], s[i:j], s[j:]}
		h := c.Writer.Header()
		h[headerRateLimit], h[headerRateRemaining], h[headerRateReset] = v[0:1:1], v[1:2:2], v[2:3:3]
	}
	return err
}

// ceilSeconds rounds up, so a client that waits that long is never early.
func ceilSeconds(d time.Duration) int64 { return int64((d + time.Second - 1) / time.Second) }
