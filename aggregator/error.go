package aggregator

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for the caller. Each Kind has exactly one HTTP
// status (HTTPStatus).
type Kind uint8

// Error kinds. KindInternal is the zero value so an unclassified error is
// never mistaken for a client error.
const (
	KindInternal         Kind = iota // 500: a bug or an unexpected failure
	KindInvalid                      // 400: the request is malformed or breaks a rule
	KindUnauthenticated              // 401: no or malformed credentials header
	KindForbidden                    // 403: unknown/expired token or a missing scope
	KindNotFound                     // 404: absent, or belongs to someone else
	KindConflict                     // 409: duplicate, stale update, illegal transition
	KindUnavailable                  // 503: a dependency (Redis, bank) is unavailable
	KindTimeout                      // 504: the bank did not answer in time
	KindLegal                        // 451: a REG/Protect client must send its user to the web form
	KindTooLarge                     // 413: the request body exceeds its limit
	KindUnsupportedMedia             // 415: the body is not of the route's content type
	KindTooManyRequests              // 429: a rate limit or a login throttle; see RetryAfter
	kindCount                        // the number of kinds; not a kind
)

// Kinds lists every error kind, in the order of their declaration. The
// slice is the caller's own.
func Kinds() []Kind {
	ks := make([]Kind, kindCount)
	for i := range ks {
		ks[i] = Kind(i)
	}
	return ks
}

// httpStatus is THE table from error kind to HTTP status: the API (web)
// and the hosted web form (regprotect) both answer with it. It lives in the
// domain, not in either adapter, because the two siblings must agree and
// may only talk through aggregator; a second table in one of them drifted
// before (the form answered 500 where the API answered 503 and 504). The
// numbers are RFC 9110's (451 RFC 7725's); the domain needs no net/http
// for them.
var httpStatus = [kindCount]int{
	KindInternal:         500, // Internal Server Error
	KindInvalid:          400, // Bad Request
	KindUnauthenticated:  401, // Unauthorized
	KindForbidden:        403, // Forbidden
	KindNotFound:         404, // Not Found
	KindConflict:         409, // Conflict
	KindUnavailable:      503, // Service Unavailable
	KindTimeout:          504, // Gateway Timeout
	KindLegal:            451, // Unavailable For Legal Reasons
	KindTooLarge:         413, // Content Too Large
	KindUnsupportedMedia: 415, // Unsupported Media Type
	KindTooManyRequests:  429, // Too Many Requests
}

// HTTPStatus is the one HTTP status of errors of this kind; an unknown
// kind is internal (500).
func (k Kind) HTTPStatus() int {
	if k < kindCount {
		return httpStatus[k]
	}
	return httpStatus[KindInternal]
}

var kindNames = [kindCount]string{"internal", "invalid", "unauthenticated", "forbidden", "not_found", "conflict", "unavailable", "timeout", "legal", "too_large", "unsupported_media", "too_many_requests"}

func (k Kind) String() string {
	if k < kindCount {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// defaultCode is the message code an error of this kind carries when the use
// case named none.
func (k Kind) defaultCode() MessageCode {
	switch k {
	case KindInvalid:
		return CodeBadRequest
	case KindUnauthenticated:
		return CodeUnauthorized
	case KindForbidden:
		return CodeForbidden
	case KindNotFound:
		return CodeNotFound
	case KindConflict:
		return CodeConflict
	case KindUnavailable:
		return CodeAccessUnavailable
	case KindTooLarge:
		return CodeTooLarge
	case KindUnsupportedMedia:
		return CodeUnsupportedMedia
	case KindTooManyRequests:
		return CodeTooManyRequests
	default:
		return CodeInternal
	}
}

// Error is the one error type of Zugang. Message and Details are safe to show
// to API clients; Err (the cause) is for logs only and is never rendered.
// Neither may ever contain a secret: no credential, PIN, TAN, token or
// client secret is ever put into an Error.
//
// An Error carries domain data only; how it travels (status, headers,
// URLs) is the adapters' business. Three fields look like transport but
// are not, and stay:
//   - WebForm names the session (id and use case); web builds the 451's
//     Location from it, regprotect the page it opens. No URL is stored.
//   - OAuth is RFC 6749's error code. The token use cases implement
//     RFC 6749, and only they know whether a refusal is invalid_grant,
//     invalid_scope, invalid_request or unsupported_grant_type: Kind and
//     Code do not tell those apart, so web could not derive it.
//   - RetryAfter is the limiter's or the throttle's answer, how long the
//     same request stays refused; web renders it as the Retry-After
//     header. Only the use case that counted knows it.
type Error struct {
	Kind    Kind
	Op      string      // the operation that failed, e.g. "auth.IssueToken"
	Code    MessageCode // BANKSapi message code; defaults by Kind
	Message string      // short, client-safe text
	Details string      // optional client-safe explanation
	OAuth   string      // RFC 6749 error code on the OAuth2 endpoints ("invalid_client", …)
	WebForm *WebFormRef // with KindLegal: the session the user must be sent to
	// RetryAfter, with KindTooManyRequests, is how long the caller must
	// wait before the same request can succeed.
	RetryAfter time.Duration
	Err        error // underlying cause, logged but never rendered
}

func (e *Error) Error() string {
	s := e.Op + ": " + e.Message
	if e.Details != "" {
		s += " (" + e.Details + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// MessageCode returns the code to render, falling back to the kind's default.
func (e *Error) MessageCode() MessageCode {
	if e.Code != "" {
		return e.Code
	}
	return e.Kind.defaultCode()
}

// AsMessage renders the error as a BANKSapi message object.
func (e *Error) AsMessage() Message {
	code := e.MessageCode()
	return Message{Level: code.Level(), Code: code, Message: e.Message, Details: e.Details}
}

// Errorf builds an *Error of the given kind with a client-safe message.
func Errorf(kind Kind, op, format string, args ...any) *Error {
	return &Error{Kind: kind, Op: op, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure. The client sees only a generic text.
func Internal(op string, cause error) *Error {
	return &Error{Kind: KindInternal, Op: op, Code: CodeInternal, Message: "internal error", Err: cause}
}

// NotFound says that what was asked for does not exist for this caller.
func NotFound(op, what string) *Error {
	return &Error{Kind: KindNotFound, Op: op, Message: what + " not found"}
}

// ErrorKind returns the Kind of err, KindInternal for foreign errors.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns err as *Error; a foreign error becomes an internal one.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal("unknown", err)
}

// IsNotFound reports whether err is of KindNotFound.
func IsNotFound(err error) bool { return err != nil && ErrorKind(err) == KindNotFound }
