package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/zugang/zugang/aggregator"
)

// Files written by `zugang keygen`.
const (
	keygenKeyFile    = "credentials-key.pem"
	keygenCertFile   = "credentials-cert.pem"
	keygenPublicFile = "credentials-public.pem"
	maxKeyBits       = 8192
)

// keygen implements `zugang keygen [-bits 3072] [-out dir]`: it writes a
// new credentials key pair (private key, self-signed certificate, public
// key) into dir and prints the configuration for it, with a fresh seal key,
// to stdout. It never overwrites a file.
func keygen(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("keygen", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprint(stderr, `usage: zugang keygen [-bits 3072] [-out dir]

Writes a new RSA key pair for bank credentials into dir:
  `+keygenKeyFile+`     the private key (PKCS #8, mode 0600): keep it secret
  `+keygenCertFile+`    a self-signed X.509 certificate of it, for clients
  `+keygenPublicFile+`  the public key, for clients
and prints a credentials section with a fresh sealKey to stdout. Existing
files are never overwritten.

`)
		flags.PrintDefaults()
	}
	bits := flags.Int("bits", 3072, fmt.Sprintf("RSA key size (%d to %d)", aggregator.MinCredentialKeyBits, maxKeyBits))
	out := flags.String("out", ".", "directory to write the files to (created if missing)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("keygen: unexpected argument %q", flags.Arg(0))
	}
	if *bits < aggregator.MinCredentialKeyBits || *bits > maxKeyBits {
		return fmt.Errorf("keygen: -bits must be between %d and %d", aggregator.MinCredentialKeyBits, maxKeyBits)
	}
	dir, err := filepath.Abs(*out)
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	paths := []string{filepath.Join(dir, keygenKeyFile), filepath.Join(dir, keygenCertFile), filepath.Join(dir, keygenPublicFile)}
	var existing []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			existing = append(existing, p)
		}
	}
	if len(existing) > 0 {
		return fmt.Errorf("keygen: refusing to overwrite %s", strings.Join(existing, ", "))
	}

	priv, err := rsa.GenerateKey(rand.Reader, *bits)
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	key, err := aggregator.NewCredentialKey(priv, nil, aggregator.DefaultPadding)
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	keyPEM, err := marshalPrivateKeyPEM(priv)
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	defer clear(keyPEM)
	sealKey := make([]byte, aggregator.SealKeySize)
	if _, err := rand.Read(sealKey); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	defer clear(sealKey)

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	contents := []struct {
		data []byte
		perm fs.FileMode
	}{{keyPEM, 0o600}, {key.CertificatePEM(), 0o644}, {key.PublicKeyPEM(), 0o644}}
	for i, c := range contents {
		if err := writeNewFile(paths[i], c.data, c.perm); err != nil {
			for _, p := range paths[:i] { // leave nothing half done
				_ = os.Remove(p)
			}
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("keygen: refusing to overwrite %s", paths[i])
			}
			return fmt.Errorf("keygen: %w", err)
		}
	}

	fmt.Fprintf(stdout, `# Zugang credentials key (RSA-%d, fingerprint %s) written to %s:
#   %s     private key (PKCS #8, mode 0600): keep it secret
#   %s    self-signed certificate: give it to clients
#   %s  public key: give it to clients
# The sealKey encrypts the stored bank credentials. Keep it secret (prefer
# ZUGANG_CREDENTIALS_SEAL_KEY or a secret store to a file) and back it up:
# without it, stored credentials cannot be read.
credentials:
  privateKeyFile: %q
  certificateFile: %q
  padding: %s
  sealKey: %s
`, *bits, keyFingerprint(key), dir, keygenKeyFile, keygenCertFile, keygenPublicFile,
		paths[0], paths[1], aggregator.DefaultPadding, base64.StdEncoding.EncodeToString(sealKey))
	return nil
}
