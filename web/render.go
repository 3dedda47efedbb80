package web

import (
	"net/http"
	"strconv"

	"github.com/bytedance/sonic"
	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
)

// statusOf is the one table from error kind to HTTP status.
var statusOf = map[aggregator.Kind]int{
	aggregator.KindInternal:         http.StatusInternalServerError,
	aggregator.KindInvalid:          http.StatusBadRequest,
	aggregator.KindUnauthenticated:  http.StatusUnauthorized,
	aggregator.KindForbidden:        http.StatusForbidden,
	aggregator.KindNotFound:         http.StatusNotFound,
	aggregator.KindConflict:         http.StatusConflict,
	aggregator.KindUnavailable:      http.StatusServiceUnavailable,
	aggregator.KindTimeout:          http.StatusGatewayTimeout,
	aggregator.KindLegal:            http.StatusUnavailableForLegalReasons,
	aggregator.KindTooLarge:         http.StatusRequestEntityTooLarge,
	aggregator.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
	aggregator.KindTooManyRequests:  http.StatusTooManyRequests,
}

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
func handle(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			renderError(c, err)
		}
	}
}

// renderError writes err as a BANKSapi error body and logs its cause.
func renderError(c *gin.Context, err error) {
	e := aggregator.AsError(err)
	status, ok := statusOf[e.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	log := requestLogger(c)
	if status >= 500 {
		log.Error("request failed", zap.String("op", e.Op), zap.Error(err))
	} else {
		log.Debug("request refused", zap.String("op", e.Op), zap.String("kind", e.Kind.String()), zap.String("message", e.Message))
	}
	body := errorBody{Messages: []aggregator.Message{e.AsMessage()}}
	if e.OAuth != "" {
		body.Error, body.ErrorDescription = e.OAuth, e.Message
	}
	switch status {
	case http.StatusTooManyRequests:
		if e.RetryAfter > 0 {
			c.Header("Retry-After", strconv.FormatInt(ceilSeconds(e.RetryAfter), 10))
		}
	case http.StatusUnauthorized:
		if e.OAuth != "" {
			c.Header("WWW-Authenticate", `Basic realm="zugang"`)
		} else {
			c.Header("WWW-Authenticate", `Bearer realm="zugang"`)
		}
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
