package aggregator

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"strings"
	"time"
)

// Padding is the RSA encryption scheme clients use for credential values.
type Padding string

// Supported paddings.
//
// PaddingOAEPSHA1 is RSA-OAEP with SHA-1 for both the OAEP hash and MGF1,
// what BANKSapi's own clients use (Java's "RSA/ECB/OAEPWithSHA-1AndMGF1Padding",
// WebCrypto RSA-OAEP with hash SHA-1) and the default.
//
// PaddingOAEPSHA256 is RSA-OAEP with SHA-256 for both the OAEP hash and MGF1
// (RFC 8017, WebCrypto RSA-OAEP with hash SHA-256, openssl
// -pkeyopt rsa_oaep_md:sha256). Note that Java's
// "OAEPWithSHA-256AndMGF1Padding" uses SHA-1 for MGF1 unless the client
// passes an OAEPParameterSpec with MGF1ParameterSpec.SHA256.
//
// PaddingPKCS1v15 is PKCS #1 v1.5 encryption, offered for compatibility with
// old clients only: it is open to Bleichenbacher's padding-oracle attack. The
// gateway answers every failure with the same error, but prefer OAEP.
const (
	PaddingOAEPSHA1   Padding = "oaep-sha1"
	PaddingOAEPSHA256 Padding = "oaep-sha256"
	PaddingPKCS1v15   Padding = "pkcs1v15"
)

// DefaultPadding is the padding used when none is configured.
const DefaultPadding = PaddingOAEPSHA1

// Paddings lists the supported paddings.
var Paddings = []Padding{PaddingOAEPSHA1, PaddingOAEPSHA256, PaddingPKCS1v15}

// ParsePadding parses a padding name (case and surrounding spaces are
// ignored; empty means DefaultPadding).
func ParsePadding(s string) (Padding, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return DefaultPadding, nil
	}
	for _, p := range Paddings {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown padding %q (want oaep-sha1, oaep-sha256 or pkcs1v15)", s)
}

// oaepHash returns the hash of an OAEP padding, nil for PKCS #1 v1.5.
func (p Padding) oaepHash() hash.Hash {
	switch p {
	case PaddingOAEPSHA1:
		return sha1.New()
	case PaddingOAEPSHA256:
		return sha256.New()
	}
	return nil
}

// MinCredentialKeyBits is the smallest RSA key NewCredentialKey accepts.
const MinCredentialKeyBits = 2048

// credentialCertSubject is the common name of a generated certificate.
const credentialCertSubject = "Zugang credentials key"

// CredentialKey is the gateway's RSA key pair for credentials: clients
// encrypt each credential value with its public key (downloadable as PEM or
// as an X.509 certificate), the gateway decrypts them with Decrypt. It is
// safe for concurrent use.
type CredentialKey struct {
	priv      *rsa.PrivateKey
	padding   Padding
	publicPEM []byte
	certDER   []byte
	certPEM   []byte
}

// NewCredentialKey wraps a private key of at least MinCredentialKeyBits.
// cert, if not nil, must certify the key's public half; nil makes a
// self-signed certificate (CN "Zugang credentials key", valid for 10 years).
// An empty padding is DefaultPadding.
func NewCredentialKey(priv *rsa.PrivateKey, cert *x509.Certificate, p Padding) (*CredentialKey, error) {
	if priv == nil {
		return nil, errors.New("credentials key: no private key")
	}
	if bits := priv.N.BitLen(); bits < MinCredentialKeyBits {
		return nil, fmt.Errorf("credentials key: RSA key of %d bits is too small (at least %d)", bits, MinCredentialKeyBits)
	}
	if err := priv.Validate(); err != nil {
		return nil, fmt.Errorf("credentials key: invalid RSA key: %w", err)
	}
	p, err := ParsePadding(string(p))
	if err != nil {
		return nil, fmt.Errorf("credentials key: %w", err)
	}
	spki, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("credentials key: %w", err)
	}
	var der []byte
	if cert != nil {
		if !priv.PublicKey.Equal(cert.PublicKey) {
			return nil, errors.New("credentials key: the certificate does not certify this private key")
		}
		der = cert.Raw
	} else if der, err = selfSignedCredentialCert(priv); err != nil {
		return nil, fmt.Errorf("credentials key: certificate: %w", err)
	}
	return &CredentialKey{
		priv:      priv,
		padding:   p,
		publicPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}),
		certDER:   der,
		certPEM:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}

// selfSignedCredentialCert certifies priv's public key for key encipherment.
func selfSignedCredentialCert(priv *rsa.PrivateKey) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: credentialCertSubject},
		NotBefore:             now.Add(-time.Hour), // tolerate clients whose clocks lag
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment,
		BasicConstraintsValid: true,
	}
	return x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
}

// PublicKeyPEM is the public key as a PKIX "PUBLIC KEY" PEM block.
func (k *CredentialKey) PublicKeyPEM() []byte { return bytes.Clone(k.publicPEM) }

// CertificatePEM is the X.509 certificate as a "CERTIFICATE" PEM block.
func (k *CredentialKey) CertificatePEM() []byte { return bytes.Clone(k.certPEM) }

// CertificateDER is the X.509 certificate in DER.
func (k *CredentialKey) CertificateDER() []byte { return bytes.Clone(k.certDER) }

// Public is the public key.
func (k *CredentialKey) Public() *rsa.PublicKey { return &k.priv.PublicKey }

// Padding is the padding Decrypt expects.
func (k *CredentialKey) Padding() Padding { return k.padding }

// Decrypt Base64-decodes (standard alphabet with padding, strictly, without
// line breaks) and RSA-decrypts the value of each of fields, the provider's
// required fieldkeys. Values of other keys are ignored and dropped.
//
// A field that is absent, empty or decrypts to an empty value is missing.
// Every problem is reported in one *Error of KindInvalid with
// CodeIncompleteCredentials (BA1012), whose Details name each offending field
// ("pin: not Base64", "userid: missing", "pin: cannot be decrypted with the
// gateway's key (padding oaep-sha1)") but never a value. Every decryption
// failure reads the same, whatever check failed.
func (k *CredentialKey) Decrypt(encrypted map[string]string, fields []string) (Credentials, error) {
	out := make(Credentials, len(fields))
	var problems []string
	for _, f := range fields {
		if _, done := out[f]; done {
			continue // listed twice
		}
		v := encrypted[f]
		if v == "" {
			problems = append(problems, f+": missing")
			continue
		}
		ct, ok := decodeCredentialBase64(v)
		if !ok {
			problems = append(problems, f+": not Base64")
			continue
		}
		pt, err := k.decrypt(ct)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: cannot be decrypted with the gateway's key (padding %s)", f, k.padding))
		case len(pt) == 0:
			problems = append(problems, f+": missing")
		default:
			out[f] = string(pt)
			clear(pt)
		}
	}
	if len(problems) > 0 {
		clear(out)
		return nil, &Error{Kind: KindInvalid, Op: "credentials.Decrypt", Code: CodeIncompleteCredentials,
			Message: "Zugangsdaten unvollständig", Details: strings.Join(problems, "; ")}
	}
	return out, nil
}

// decrypt undoes the configured padding. Its error carries no detail.
func (k *CredentialKey) decrypt(ct []byte) ([]byte, error) {
	if k.padding == PaddingPKCS1v15 {
		return rsa.DecryptPKCS1v15(nil, k.priv, ct) //nolint:staticcheck // compatibility only, see Padding
	}
	return rsa.DecryptOAEP(k.padding.oaepHash(), nil, k.priv, ct, nil)
}

// decodeCredentialBase64 decodes standard Base64 strictly: padding required, no
// stray bits, and no line breaks (which encoding/base64 would skip).
func decodeCredentialBase64(s string) ([]byte, bool) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, false
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	return b, err == nil
}

// EncryptCredential encrypts one credential value with the gateway's public
// key and padding and returns it Base64-encoded (standard alphabet), as a
// client sends it. It is the client's side of Decrypt, used by `zugang
// encrypt` and tests. Errors never contain the plaintext.
func EncryptCredential(pub *rsa.PublicKey, p Padding, plaintext string) (string, error) {
	if pub == nil {
		return "", errors.New("encrypt credential: no public key")
	}
	p, err := ParsePadding(string(p))
	if err != nil {
		return "", fmt.Errorf("encrypt credential: %w", err)
	}
	var ct []byte
	if p == PaddingPKCS1v15 {
		ct, err = rsa.EncryptPKCS1v15(rand.Reader, pub, []byte(plaintext))
	} else {
		ct, err = rsa.EncryptOAEP(p.oaepHash(), rand.Reader, pub, []byte(plaintext), nil)
	}
	if err != nil {
		if errors.Is(err, rsa.ErrMessageTooLong) {
			return "", fmt.Errorf("encrypt credential: the value is too long for a %d-bit key with padding %s", pub.N.BitLen(), p)
		}
		return "", fmt.Errorf("encrypt credential: %w", err)
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}
