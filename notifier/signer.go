package notifier

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The Standard Webhooks headers.
const (
	HeaderID        = standardwebhooks.HeaderWebhookID
	HeaderTimestamp = standardwebhooks.HeaderWebhookTimestamp
	HeaderSignature = standardwebhooks.HeaderWebhookSignature
)

// Signer signs requests with an endpoint's active secrets.
type Signer struct{ keys []*standardwebhooks.Webhook }

// NewSigner decodes the secrets once ("whsec_" + base64).
func NewSigner(secrets []string) (*Signer, error) {
	s := &Signer{}
	for _, secret := range secrets {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			return nil, err // the library's message names no secret
		}
		s.keys = append(s.keys, wh)
	}
	return s, nil
}

// Sign sets the Standard Webhooks headers on h: the id, the timestamp and
// one "v1,<base64 HMAC-SHA256(id.timestamp.body)>" per secret, space
// separated, so a receiver that knows either secret of a rotation accepts
// the request. The signing itself is the specification's reference library.
func (s *Signer) Sign(h http.Header, id string, at time.Time, body []byte) error {
	sigs := make([]string, 0, len(s.keys))
	for _, wh := range s.keys {
		sig, err := wh.Sign(id, at, body)
		if err != nil {
			return err
		}
		sigs = append(sigs, sig)
	}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	h.Set(HeaderSignature, strings.Join(sigs, " "))
	return nil
}

// Sign is NewSigner(secrets).Sign(h, id, at, body).
func Sign(h http.Header, id string, at time.Time, body []byte, secrets []string) error {
	s, err := NewSigner(secrets)
	if err != nil {
		return err
	}
	return s.Sign(h, id, at, body)
}

// Verify checks a request as a receiver would (tests and tools use it).
func Verify(secret string, body []byte, h http.Header) error {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return err
	}
	return wh.Verify(body, h)
}
