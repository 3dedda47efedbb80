package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// tokenJSON is BANKSapi's Token object.
type tokenJSON struct {
	Scope          string            `json:"scope"`
	Tenant         string            `json:"tenant"`
	Client         string            `json:"client"`
	User           string            `json:"user,omitempty"`
	AdditionalData map[string]string `json:"additionalData"`
	ValidTo        string            `json:"validTo"`
	AccessToken    string            `json:"access_token"`
	TokenType      string            `json:"token_type"`
}

func newTokenJSON(t aggregator.Token, accessToken string) tokenJSON {
	extra := map[string]string{}
	if t.Username != "" {
		extra["username"] = t.Username
	}
	return tokenJSON{Scope: t.Scopes.String(), Tenant: t.Tenant, Client: t.Client, User: t.UserID,
		AdditionalData: extra, ValidTo: aggregator.Timestamp(t.ValidTo), AccessToken: accessToken, TokenType: "Bearer"}
}

// token is POST /auth/oauth2/token. Token requests count against the
// client's rate limit: a password grant costs a bcrypt comparison.
func (s *Server) token(c *gin.Context) error {
	client, err := s.authenticateClient(c)
	if err != nil {
		return err
	}
	if err := s.countRequest(c, aggregator.Principal{Tenant: client.Tenant, Client: client.ID}); err != nil {
		return err
	}
	if err := s.parseForm(c); err != nil {
		return err
	}
	f := c.Request.PostForm
	t, err := s.auth.IssueToken(c.Request.Context(), client, aggregator.TokenRequest{
		GrantType:    f.Get("grant_type"),
		Username:     f.Get("username"),
		Password:     f.Get("password"),
		RefreshToken: f.Get("refresh_token"),
		Scope:        aggregator.ParseScopes(f.Get("scope")),
		Source:       c.ClientIP(),
	})
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	writeJSON(c, http.StatusOK, newTokenJSON(t, t.AccessToken))
	return nil
}

// revoke is POST /auth/oauth2/revoke. Knowing a token is enough to revoke
// it; a Basic header, when sent, must be right.
func (s *Server) revoke(c *gin.Context) error {
	if c.GetHeader("Authorization") != "" {
		if _, err := s.authenticateClient(c); err != nil {
			return err
		}
	}
	if err := s.parseForm(c); err != nil {
		return err
	}
	if err := s.auth.Revoke(c.Request.Context(), c.Request.PostForm.Get("token")); err != nil {
		return err
	}
	writeEmpty(c, http.StatusOK)
	return nil
}

// introspect is GET /auth/oauth2/introspect?token=…
func (s *Server) introspect(c *gin.Context) error {
	client, err := s.authenticateClient(c)
	if err != nil {
		return err
	}
	raw := c.Query("token")
	t, err := s.auth.Introspect(c.Request.Context(), client, raw)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	writeJSON(c, http.StatusOK, newTokenJSON(t, raw))
	return nil
}
