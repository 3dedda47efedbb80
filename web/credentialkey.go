package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// CredentialKey is the public half of the key clients encrypt bank
// credentials with (aggregator.CredentialKey; ARCHITECTURE.md, "Where each
// concern lives": secrets at rest).
type CredentialKey interface {
	PublicKeyPEM() []byte
	CertificateDER() []byte
}

// credentialsKeyPEM is GET /auth/credentials-key.pem: the PKIX public key.
func (s *Server) credentialsKeyPEM(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "application/x-pem-file", s.credKey.PublicKeyPEM())
}

// credentialsKeyCert is GET /auth/credentials-key.crt: the X.509
// certificate carrying the same key, DER-encoded (RFC 2585).
func (s *Server) credentialsKeyCert(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "application/pkix-cert", s.credKey.CertificateDER())
}
