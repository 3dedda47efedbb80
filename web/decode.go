package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// Limits bound what the server reads of a request body. Reading stops at
// the limit; a longer body is refused with 413.
type Limits struct {
	JSONBodyBytes int64 // a JSON body; 0: DefaultJSONBodyBytes
	FormBodyBytes int64 // a form body (OAuth2, the demo bank's page); 0: DefaultFormBodyBytes
}

// Default body limits: real JSON bodies are a few KiB, OAuth2 forms a few
// hundred bytes.
const (
	DefaultJSONBodyBytes = 1 << 20
	DefaultFormBodyBytes = 64 << 10
)

func (l Limits) withDefaults() Limits {
	if l.JSONBodyBytes <= 0 {
		l.JSONBodyBytes = DefaultJSONBodyBytes
	}
	if l.FormBodyBytes <= 0 {
		l.FormBodyBytes = DefaultFormBodyBytes
	}
	return l
}

const mediaTypeForm = "application/x-www-form-urlencoded"

// isJSONMediaType accepts application/json with any parameters and the
// structured syntax suffix application/*+json (RFC 6839).
func isJSONMediaType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// trimJSONSpace drops JSON's insignificant whitespace (RFC 8259 §2).
func trimJSONSpace(b []byte) []byte { return bytes.Trim(b, " \t\r\n") }

func tooLarge(op string, limit int64, oauth string) error {
	return &aggregator.Error{Kind: aggregator.KindTooLarge, Op: op, OAuth: oauth,
		Message: "request body too large", Details: fmt.Sprintf("at most %d bytes are accepted", limit)}
}

// readBody reads at most limit bytes of the request body. A declared
// Content-Length beyond the limit is refused before reading, an
// undeclared length as soon as reading passes it, so no more than
// limit+1 bytes are ever held.
func readBody(c *gin.Context, limit int64, op string) ([]byte, error) {
	if c.Request.ContentLength > limit {
		return nil, tooLarge(op, limit, "")
	}
	if c.Request.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, tooLarge(op, limit, "")
	case err != nil:
		return nil, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "request body unreadable", Err: err}
	}
	return body, nil
}

// jsonBody reads the body of a route that takes JSON. An empty body
// (nothing but whitespace) is nil whatever its Content-Type: clients send
// bodiless POSTs with a JSON type, a form type or none. A body with
// content must be declared as JSON (415 otherwise).
func (s *Server) jsonBody(c *gin.Context, op string) ([]byte, error) {
	body, err := readBody(c, s.limits.JSONBodyBytes, op)
	if err != nil {
		return nil, err
	}
	if len(trimJSONSpace(body)) == 0 {
		return nil, nil
	}
	if ct := c.GetHeader("Content-Type"); !isJSONMediaType(ct) {
		return nil, &aggregator.Error{Kind: aggregator.KindUnsupportedMedia, Op: op,
			Message: "the body must be JSON", Details: "send Content-Type: application/json"}
	}
	return body, nil
}

// jsonEnd insists that nothing but whitespace follows the value dec has
// just read from body: a valid object followed by garbage is no valid body.
func jsonEnd(dec *json.Decoder, body []byte, op string) error {
	if len(trimJSONSpace(body[dec.InputOffset():])) > 0 {
		return &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "malformed JSON body",
			Details: "data follows the JSON value"}
	}
	return nil
}

// decodeJSON reads a JSON body into v; unknown fields are ignored as the
// seed asks of every consumer.
func (s *Server) decodeJSON(c *gin.Context, v any) error { return s.decodeBody(c, v, false) }

// decodeOptionalJSON is decodeJSON for bodies that may be absent (an empty
// SubmitScaData confirms a decoupled SCA); v keeps its zero value then.
func (s *Server) decodeOptionalJSON(c *gin.Context, v any) error { return s.decodeBody(c, v, true) }

func (s *Server) decodeBody(c *gin.Context, v any, optional bool) error {
	const op = "web.decodeJSON"
	body, err := s.jsonBody(c, op)
	if err != nil {
		return err
	}
	if body == nil {
		if optional {
			return nil
		}
		return &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "request body is empty; a JSON object is required"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		msg := "malformed JSON body"
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			msg = "field " + typeErr.Field + " must be a " + typeErr.Type.String()
		}
		return &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: msg, Err: err}
	}
	return jsonEnd(dec, body, op)
}

// parseForm reads an application/x-www-form-urlencoded body (the OAuth2
// endpoints, the demo bank's page). Its errors carry RFC 6749's
// invalid_request.
func (s *Server) parseForm(c *gin.Context) error {
	const op = "web.parseForm"
	limit := s.limits.FormBodyBytes
	if c.Request.ContentLength > limit {
		return tooLarge(op, limit, "invalid_request")
	}
	if c.Request.ContentLength != 0 {
		mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
		if err != nil || mt != mediaTypeForm {
			return &aggregator.Error{Kind: aggregator.KindUnsupportedMedia, Op: op, OAuth: "invalid_request",
				Message: "the body must be a form", Details: "send Content-Type: " + mediaTypeForm}
		}
	}
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	if err := c.Request.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return tooLarge(op, limit, "invalid_request")
		}
		return &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, OAuth: "invalid_request",
			Message: "malformed form body", Err: err}
	}
	return nil
}
