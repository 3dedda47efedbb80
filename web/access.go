package web

import (
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// tokenKind says which tokens a route accepts.
type tokenKind uint8

const (
	anyToken    tokenKind = iota
	clientToken           // management: grant_type=client_credentials
	userToken             // customer data: grant_type=password
)

// access is what a route demands of its caller.
type access struct {
	scope aggregator.Scope
	kind  tokenKind
}

// authorize authenticates the bearer token and checks the route's demands.
func (s *Server) authorize(c *gin.Context, need access) (aggregator.Principal, error) {
	const op = "web.authorize"
	raw, ok := bearerToken(c.GetHeader("Authorization"))
	if !ok {
		return aggregator.Principal{}, &aggregator.Error{Kind: aggregator.KindUnauthenticated, Op: op,
			Message: "authorization required", Details: "send the header Authorization: Bearer <access_token>"}
	}
	p, err := s.auth.Authenticate(c.Request.Context(), raw)
	if err != nil {
		return aggregator.Principal{}, err
	}
	if err := s.countRequest(c, p); err != nil {
		return aggregator.Principal{}, err
	}
	switch need.kind {
	case clientToken:
		err = p.RequireClientToken()
	case userToken:
		err = p.RequireUserToken()
	}
	if err == nil && need.scope != "" {
		err = p.Require(need.scope)
	}
	return p, err
}

// authorized is the middleware form of authorize; the principal is stored
// on the context for the handler.
func (s *Server) authorized(need access) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := s.authorize(c, need)
		if err != nil {
			s.renderError(c, err)
			return
		}
		c.Set(ctxPrincipal, p)
		c.Next()
	}
}

// principal returns the caller authenticated by authorized.
func principal(c *gin.Context) aggregator.Principal {
	p, _ := c.Get(ctxPrincipal)
	return p.(aggregator.Principal)
}

// bearerToken extracts the token of "Bearer <token>" (scheme in any case).
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// basicCredentials decodes "Basic base64(id:secret)" (scheme in any case).
func basicCredentials(header string) (id, secret string, ok bool) {
	scheme, enc, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		return "", "", false
	}
	id, secret, ok = strings.Cut(string(raw), ":")
	return id, secret, ok && id != ""
}

// authenticateClient checks the Basic credentials of the OAuth2 endpoints.
// RFC 6749 §2.3.1 wants id and secret form-encoded before Base64, many
// clients send them raw: the raw form is tried first, the decoded one when
// it differs.
func (s *Server) authenticateClient(c *gin.Context) (*aggregator.Client, error) {
	id, secret, ok := basicCredentials(c.GetHeader("Authorization"))
	if !ok {
		return nil, &aggregator.Error{Kind: aggregator.KindUnauthenticated, Op: "web.authenticateClient",
			OAuth: "invalid_client", Message: "basic authorization header was not sent or the value was incorrect",
			Details: "send Authorization: Basic base64(client_id:client_secret)"}
	}
	ctx := c.Request.Context()
	client, err := s.auth.AuthenticateClient(ctx, id, secret, c.ClientIP())
	if err == nil {
		return client, nil
	}
	uid, e1 := url.QueryUnescape(id)
	usec, e2 := url.QueryUnescape(secret)
	if e1 == nil && e2 == nil && (uid != id || usec != secret) {
		if client, err2 := s.auth.AuthenticateClient(ctx, uid, usec, c.ClientIP()); err2 == nil {
			return client, nil
		}
	}
	return nil, err
}
