package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/configs"
)

// Development key files in credentials.devKeyDir.
const (
	devCredentialsKeyFile = "dev-credentials-key.pem"
	devSealKeyFile        = "dev-seal.key"
	devKeyBits            = 2048
)

// loadCredentialKeys returns the gateway's credential key pair and the
// sealer of secrets at rest, as configured. A key that is not configured is
// a development key: with the embedded store (embedded), where nothing
// persists, a fresh one in memory; otherwise one generated on first start
// and kept in credentials.devKeyDir, so stored credentials stay readable
// across restarts. Either way it warns loudly. Key material is never
// logged; errors name the configuration field.
func loadCredentialKeys(cfg configs.Credentials, embedded bool, log *zap.Logger) (*aggregator.CredentialKey, *aggregator.Sealer, error) {
	padding, err := aggregator.ParsePadding(cfg.Padding)
	if err != nil {
		return nil, nil, fmt.Errorf("credentials.padding: %w", err)
	}
	sealKey, err := cfg.DecodeSealKey()
	if err != nil {
		return nil, nil, err
	}
	var dir string // the development key directory, when one is needed
	if !embedded && (cfg.PrivateKeyFile == "" || sealKey == nil) {
		if dir, err = devKeyDir(cfg.DevKeyDir); err != nil {
			return nil, nil, err
		}
	}

	key, err := loadCredentialKey(cfg, padding, embedded, dir, log)
	if err != nil {
		return nil, nil, err
	}
	sealer, err := loadSealer(sealKey, embedded, dir, log)
	if err != nil {
		return nil, nil, err
	}
	return key, sealer, nil
}

func loadCredentialKey(cfg configs.Credentials, padding aggregator.Padding, embedded bool, dir string, log *zap.Logger) (*aggregator.CredentialKey, error) {
	if cfg.PrivateKeyFile != "" {
		priv, err := readPrivateKeyFile(cfg.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("credentials.privateKeyFile: %w", err)
		}
		warnIfReadableByOthers(log, "credentials.privateKeyFile", cfg.PrivateKeyFile)
		var cert *x509.Certificate
		if cfg.CertificateFile != "" {
			if cert, err = readCertificateFile(cfg.CertificateFile); err != nil {
				return nil, fmt.Errorf("credentials.certificateFile: %w", err)
			}
			if !priv.PublicKey.Equal(cert.PublicKey) {
				return nil, fmt.Errorf("credentials.certificateFile: %s does not certify the key in credentials.privateKeyFile", cfg.CertificateFile)
			}
			if time.Now().After(cert.NotAfter) {
				log.Warn("the credentials certificate has expired; clients that check it will refuse it",
					zap.String("file", cfg.CertificateFile), zap.Time("notAfter", cert.NotAfter))
			}
		}
		key, err := aggregator.NewCredentialKey(priv, cert, padding)
		if err != nil {
			return nil, fmt.Errorf("credentials.privateKeyFile: %w", err)
		}
		log.Info("credentials key loaded", zap.String("file", cfg.PrivateKeyFile), zap.String("padding", string(padding)),
			zap.String("fingerprint", keyFingerprint(key)))
		return key, nil
	}

	var priv *rsa.PrivateKey
	var err error
	path := filepath.Join(dir, devCredentialsKeyFile)
	if embedded {
		priv, err = rsa.GenerateKey(rand.Reader, devKeyBits)
	} else {
		priv, err = loadOrCreate(path, func() ([]byte, error) {
			k, err := rsa.GenerateKey(rand.Reader, devKeyBits)
			if err != nil {
				return nil, err
			}
			return marshalPrivateKeyPEM(k)
		}, readPrivateKeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("development credentials key: %w", err)
	}
	key, err := aggregator.NewCredentialKey(priv, nil, padding)
	if err != nil {
		return nil, fmt.Errorf("development credentials key: %w", err)
	}
	fields := []zap.Field{zap.String("padding", string(padding)), zap.String("fingerprint", keyFingerprint(key))}
	if embedded {
		log.Warn("DEVELOPMENT CREDENTIALS KEY: generated in memory, a new one on every start; configure credentials.privateKeyFile in production", fields...)
	} else {
		log.Warn("DEVELOPMENT CREDENTIALS KEY: generated once and kept unprotected in a development directory; configure credentials.privateKeyFile in production",
			append(fields, zap.String("file", path))...)
	}
	return key, nil
}

func loadSealer(key []byte, embedded bool, dir string, log *zap.Logger) (*aggregator.Sealer, error) {
	if key != nil {
		defer clear(key)
		s, err := aggregator.NewSealer(key)
		if err != nil {
			return nil, fmt.Errorf("credentials.sealKey: %w", err)
		}
		return s, nil
	}
	path := filepath.Join(dir, devSealKeyFile)
	var err error
	if embedded {
		key = make([]byte, aggregator.SealKeySize)
		_, err = rand.Read(key)
	} else {
		key, err = loadOrCreate(path, func() ([]byte, error) {
			k := make([]byte, aggregator.SealKeySize)
			if _, err := rand.Read(k); err != nil {
				return nil, err
			}
			defer clear(k)
			return []byte(base64.StdEncoding.EncodeToString(k) + "\n"), nil
		}, readSealKeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("development seal key: %w", err)
	}
	defer clear(key)
	s, err := aggregator.NewSealer(key)
	if err != nil {
		return nil, fmt.Errorf("development seal key: %w", err)
	}
	if embedded {
		log.Warn("DEVELOPMENT SEAL KEY: generated in memory, a new one on every start; configure credentials.sealKey in production")
	} else {
		log.Warn("DEVELOPMENT SEAL KEY: generated once and kept unprotected in a development directory; configure credentials.sealKey in production (stored credentials are sealed under it)",
			zap.String("file", path))
	}
	return s, nil
}

// devKeyDir returns the development key directory, creating it (0700).
func devKeyDir(configured string) (string, error) {
	dir := configured
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("credentials.devKeyDir: no user configuration directory (%w); set credentials.devKeyDir or configure the keys", err)
		}
		dir = filepath.Join(base, "zugang")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("credentials.devKeyDir: %w", err)
	}
	return dir, nil
}

// loadOrCreate reads the key file at path with read, or, if it does not
// exist, writes the content of create there (mode 0600) first. The file
// appears complete or not at all (written aside, then linked), so two
// processes starting at once end up with the same key.
func loadOrCreate[T any](path string, create func() ([]byte, error), read func(string) (T, error)) (T, error) {
	if _, err := os.Stat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return read(path)
	}
	data, err := create()
	if err != nil {
		var zero T
		return zero, err
	}
	defer clear(data)
	if err := writeNewFile(path, data, 0o600); err != nil && !errors.Is(err, fs.ErrExist) {
		var zero T
		return zero, err
	}
	return read(path) // ours, or the one another process linked first
}

// writeNewFile writes data to path with mode perm, atomically and never
// replacing an existing file (the error then matches fs.ErrExist).
func writeNewFile(path string, data []byte, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Link(tmp, path)
}

// warnIfReadableByOthers warns when a private key file is accessible to
// group or others (on systems with Unix permissions).
func warnIfReadableByOthers(log *zap.Logger, field, path string) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" {
		log.Warn("the private key file is accessible to other users; chmod 600 it", zap.String("field", field),
			zap.String("file", path), zap.String("mode", fi.Mode().Perm().String()))
	}
}

// keyFingerprint is the hex SHA-256 of the public key's PKIX DER: public,
// and enough to tell keys apart in logs.
func keyFingerprint(k *aggregator.CredentialKey) string {
	der, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// marshalPrivateKeyPEM encodes key as a PKCS #8 "PRIVATE KEY" block.
func marshalPrivateKeyPEM(key *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	defer clear(der)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// readPrivateKeyFile reads an unencrypted RSA private key from the first
// key block of a PEM file: PKCS #1 "RSA PRIVATE KEY" or PKCS #8
// "PRIVATE KEY". Errors never contain key material.
func readPrivateKeyFile(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, fmt.Errorf("%s holds no PEM \"RSA PRIVATE KEY\" or \"PRIVATE KEY\" block", path)
		}
		switch block.Type {
		case "RSA PRIVATE KEY":
			if block.Headers["Proc-Type"] != "" {
				return nil, fmt.Errorf("%s: the key is encrypted; give an unencrypted key (restrict access to the file instead)", path)
			}
			k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: not a valid PKCS #1 RSA private key", path)
			}
			return k, nil
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: not a valid PKCS #8 private key", path)
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("%s: a %T, not an RSA key", path, k)
			}
			return rk, nil
		case "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("%s: the key is encrypted; give an unencrypted key (restrict access to the file instead)", path)
		}
	}
}

// readCertificateFile reads the first certificate of a PEM file.
func readCertificateFile(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, fmt.Errorf("%s holds no PEM \"CERTIFICATE\" block", path)
		}
		if block.Type == "CERTIFICATE" {
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			return cert, nil
		}
	}
}

// readSealKeyFile reads a Base64 seal key file as written by loadSealer.
func readSealKeyFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	key, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != aggregator.SealKeySize {
		return nil, fmt.Errorf("%s does not hold the Base64 of %d bytes; delete it to generate a new one (credentials sealed under it are then lost)", path, aggregator.SealKeySize)
	}
	return key, nil
}

// parsePublicKeyPEM reads an RSA public key from PEM data: a PKIX
// "PUBLIC KEY", a PKCS #1 "RSA PUBLIC KEY" or a "CERTIFICATE" block (the
// first of them).
func parsePublicKeyPEM(data []byte) (*rsa.PublicKey, error) {
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM \"PUBLIC KEY\" or \"CERTIFICATE\" block found")
		}
		var pub any
		var err error
		switch block.Type {
		case "PUBLIC KEY":
			pub, err = x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
		case "CERTIFICATE":
			var cert *x509.Certificate
			if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
				pub = cert.PublicKey
			}
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", strings.ToLower(block.Type), err)
		}
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("a %T, not an RSA key", pub)
		}
		return rk, nil
	}
}
