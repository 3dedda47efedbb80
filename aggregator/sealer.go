package aggregator

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
)

// SealKeySize is the size of a Sealer key: AES-256.
const SealKeySize = 32

// sealVersion is the first byte of every sealed blob. It names the format
// (and, once keys rotate, the key), so blobs sealed today stay readable.
const sealVersion byte = 0x01

// sealNonceSize is GCM's standard nonce size.
const sealNonceSize = 12

// Sealer encrypts secrets at rest (bank credentials, provider state) with
// AES-256-GCM under a key-encryption key from configuration. A sealed blob
// is
//
//	version (1 byte, 0x01) | nonce (12 random bytes) | ciphertext | tag (16 bytes)
//
// and the version byte is authenticated along with the caller's aad. The aad
// binds a blob to its owner (tenant, user, access id): a blob copied to
// another record does not open. Random nonces limit one key to about 2^32
// seals. A Sealer is safe for concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer makes a Sealer from a key of exactly SealKeySize bytes. The
// Sealer keeps no reference to key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != SealKeySize {
		return nil, &Error{Kind: KindInternal, Op: "sealer.New", Code: CodeInternal,
			Message: fmt.Sprintf("the seal key must be exactly %d bytes (AES-256), not %d", SealKeySize, len(key))}
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, Internal("sealer.New", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, Internal("sealer.New", err)
	}
	return &Sealer{aead: aead}, nil
}

// sealAAD is the additional data GCM authenticates: the version, then aad.
func sealAAD(aad []byte) []byte {
	return append([]byte{sealVersion}, aad...)
}

// Seal encrypts plaintext bound to aad.
func (s *Sealer) Seal(plaintext, aad []byte) ([]byte, error) {
	out := make([]byte, 1+sealNonceSize, 1+sealNonceSize+len(plaintext)+s.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, Internal("sealer.Seal", err)
	}
	return s.aead.Seal(out, out[1:], plaintext, sealAAD(aad)), nil
}

// errSealed is the one cause of every failure to open: it says neither which
// check failed nor anything about the key.
var errSealed = errors.New("sealed data is corrupt, belongs to another record or was sealed under another key")

// Open decrypts a blob made by Seal with the same aad. A tampered blob, a
// different aad or another key give an *Error of KindInternal.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	const op = "sealer.Open"
	if len(sealed) < 1+sealNonceSize+s.aead.Overhead() {
		return nil, Internal(op, errSealed)
	}
	if sealed[0] != sealVersion {
		return nil, Internal(op, fmt.Errorf("sealed data has unknown format version %d", sealed[0]))
	}
	pt, err := s.aead.Open(nil, sealed[1:1+sealNonceSize], sealed[1+sealNonceSize:], sealAAD(aad))
	if err != nil {
		return nil, Internal(op, errSealed)
	}
	return pt, nil
}

// SealCredentials seals the JSON object of c.
func (s *Sealer) SealCredentials(c Credentials, aad []byte) ([]byte, error) {
	b, err := json.Marshal(map[string]string(c))
	if err != nil {
		return nil, Internal("sealer.SealCredentials", err)
	}
	defer clear(b)
	return s.Seal(b, aad)
}

// OpenCredentials opens a blob made by SealCredentials.
func (s *Sealer) OpenCredentials(sealed, aad []byte) (Credentials, error) {
	b, err := s.Open(sealed, aad)
	if err != nil {
		return nil, err
	}
	defer clear(b)
	var c map[string]string
	if err := json.Unmarshal(b, &c); err != nil {
		// The error of encoding/json may quote the input: never keep it.
		return nil, Internal("sealer.OpenCredentials", errors.New("sealed credentials are not a JSON object"))
	}
	return Credentials(c), nil
}
