package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/bytedance/sonic"
	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
)

const contentTypeJSON = "application/json; charset=utf-8"

// errorBody is the wire form of every error response.
type errorBody struct {
	Messages         []aggregator.Message `json:"messages"`
	Error            string               `json:"error,omitempty"`
	ErrorDescription string               `json:"error_description,omitempty"`
}

// handlerFunc is a handler that reports failure by returning an error.
type handlerFunc func(c *gin.Context) error

// handle adapts a handlerFunc to gin, rendering a returned error.
func (s *Server) handle(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.renderError(c, err)
		}
	}
}

// renderError writes err with the status of its kind (aggregator's one
// table, Kind.HTTPStatus) and logs its cause. Every kind has a BANKSapi
// error body but one: KindLegal is the seed's REG/Protect answer, 451 with
// the web form's address in Location and no body. A KindLegal error
// without a web-form session is a bug and answers 500.
func (s *Server) renderError(c *gin.Context, err error) {
	e := aggregator.AsError(err)
	if e.Kind == aggregator.KindLegal && e.WebForm == nil {
		e = aggregator.Internal(e.Op, fmt.Errorf("a KindLegal error without a web-form session: %w", err))
		err = e
	}
	status := e.Kind.HTTPStatus()
	log := requestLogger(c)
	if status >= 500 {
		log.Error("request failed", zap.String("op", e.Op), zap.Error(err))
	} else {
		log.Debug("request refused", zap.String("op", e.Op), zap.String("kind", e.Kind.String()), zap.String("message", e.Message))
	}
	switch e.Kind {
	case aggregator.KindLegal:
		c.Header("Location", s.links.webForm(e.WebForm))
		writeEmpty(c, status)
		c.Abort()
		return
	case aggregator.KindTooManyRequests:
		if e.RetryAfter > 0 {
			c.Header("Retry-After", strconv.FormatInt(ceilSeconds(e.RetryAfter), 10))
		}
	case aggregator.KindUnauthenticated:
		if e.OAuth != "" {
			c.Header("WWW-Authenticate", `Basic realm="zugang"`)
		} else {
			c.Header("WWW-Authenticate", `Bearer realm="zugang"`)
		}
	}
	body := errorBody{Messages: []aggregator.Message{e.AsMessage()}}
	if e.OAuth != "" {
		body.Error, body.ErrorDescription = e.OAuth, e.Message
	}
	writeJSON(c, status, body)
	c.Abort()
}

// wireJSON is encoding/json's behaviour (sonic's ConfigStd, several times
// faster) without HTML escaping, as Java servers send JSON. The MarshalJSON
// methods on the wire (amounts, timestamps) are ours and write compact,
// valid JSON, so their output is neither compacted nor validated again.
var wireJSON = sonic.Config{SortMapKeys: true, CopyString: true, ValidateString: true, NoValidateJSONMarshaler: true}.Froze()

// marshalJSON encodes v for the wire.
func marshalJSON(v any) ([]byte, error) { return wireJSON.Marshal(v) }

// writeJSON marshals v and writes it in one write.
func writeJSON(c *gin.Context, status int, v any) {
	body, err := marshalJSON(v)
	if err != nil {
		requestLogger(c).Error("response not encodable", zap.Error(err))
		c.Status(http.StatusInternalServerError)
		return
	}
	c.Data(status, contentTypeJSON, body)
}

// writeEmpty answers with a status and no body.
func writeEmpty(c *gin.Context, status int) {
	c.Header("Content-Length", "0")
	c.Status(status)
	c.Writer.WriteHeaderNow()
}

// methodNotAllowed answers 405. It is HTTP's own failure, not the domain's,
// so it bypasses the kind table.
func methodNotAllowed(c *gin.Context) {
	writeJSON(c, http.StatusMethodNotAllowed, errorBody{Messages: []aggregator.Message{{
		Level: aggregator.LevelError, Code: aggregator.CodeMethodNotAllowed, Message: "method not allowed",
		Details: c.Request.Method + " is not allowed on " + c.Request.URL.Path,
	}}})
	c.Abort()
}
