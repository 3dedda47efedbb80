package aggregator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// The implementations satisfy the contracts the use cases speak.
var (
	_ CredentialDecrypter = (*CredentialKey)(nil)
	_ SecretSealer        = (*Sealer)(nil)
)

// testRSAKeys are generated once: key generation is slow under -race.
var testRSAKeys = sync.OnceValues(func() (*rsa.PrivateKey, *rsa.PrivateKey) {
	a, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	b, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return a, b
})

func newTestCredentialKey(t *testing.T, p Padding) *CredentialKey {
	t.Helper()
	priv, _ := testRSAKeys()
	k, err := NewCredentialKey(priv, nil, p)
	if err != nil {
		t.Fatalf("NewCredentialKey: %v", err)
	}
	return k
}

func mustEncrypt(t *testing.T, pub *rsa.PublicKey, p Padding, s string) string {
	t.Helper()
	ct, err := EncryptCredential(pub, p, s)
	if err != nil {
		t.Fatalf("EncryptCredential(%s): %v", p, err)
	}
	return ct
}

// failsPKCS1 repeats gen until its ciphertext is not, by chance (about 1 in
// 65536), a valid PKCS #1 v1.5 block under priv, so tests never flake.
func failsPKCS1(t *testing.T, priv *rsa.PrivateKey, gen func() string) string {
	t.Helper()
	for range 10 {
		ct := gen()
		raw, _ := base64.StdEncoding.DecodeString(ct)
		if _, err := rsa.DecryptPKCS1v15(nil, priv, raw); err != nil {
			return ct
		}
	}
	t.Fatal("ten ciphertexts decrypted as PKCS #1 v1.5")
	return ""
}

func TestParsePadding(t *testing.T) {
	for in, want := range map[string]Padding{"": PaddingOAEPSHA1, "oaep-sha1": PaddingOAEPSHA1, " OAEP-SHA256 ": PaddingOAEPSHA256, "pkcs1v15": PaddingPKCS1v15} {
		if got, err := ParsePadding(in); err != nil || got != want {
			t.Errorf("ParsePadding(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"oaep", "sha1", "pkcs1", "none"} {
		if _, err := ParsePadding(in); err == nil {
			t.Errorf("ParsePadding(%q): no error", in)
		}
	}
}

func TestDecryptRoundTrip(t *testing.T) {
	const userid, pin = "max.mustermann", "Geheim-PIN 123 äöü"
	for _, p := range Paddings {
		t.Run(string(p), func(t *testing.T) {
			k := newTestCredentialKey(t, p)
			if k.Padding() != p {
				t.Fatalf("Padding() = %q", k.Padding())
			}
			enc := map[string]string{
				"userid": mustEncrypt(t, k.Public(), p, userid),
				"pin":    mustEncrypt(t, k.Public(), p, pin),
				"extra":  "not even Base64 – ignored",
			}
			got, err := k.Decrypt(enc, []string{"userid", "pin"})
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if len(got) != 2 || got["userid"] != userid || got["pin"] != pin {
				t.Errorf("Decrypt = %d fields, userid ok %v, pin ok %v", len(got), got["userid"] == userid, got["pin"] == pin)
			}
			if s := fmt.Sprintf("%v %+v %#v %s", got, got, got, got); strings.Contains(s, pin) || strings.Contains(s, userid) {
				t.Errorf("formatted credentials reveal a value: %s", s)
			}
		})
	}
}

func TestEncryptIsRandomized(t *testing.T) {
	k := newTestCredentialKey(t, PaddingOAEPSHA1)
	for _, p := range Paddings {
		if a, b := mustEncrypt(t, k.Public(), p, "1234"), mustEncrypt(t, k.Public(), p, "1234"); a == b {
			t.Errorf("%s: two encryptions of one value are equal", p)
		}
	}
}

func TestDecryptErrors(t *testing.T) {
	_, other := testRSAKeys()
	const pin, userid = "PIN-SECRET-4711", "USER-SECRET"
	tests := []struct {
		name    string
		padding Padding // of the gateway
		enc     func(t *testing.T, k *CredentialKey) map[string]string
		want    []string
	}{
		{"missing", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid)}
		}, []string{"pin: missing"}},
		{"empty value", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid), "pin": ""}
		}, []string{"pin: missing"}},
		{"empty plaintext", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid), "pin": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, "")}
		}, []string{"pin: missing"}},
		{"all missing", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			return nil
		}, []string{"userid: missing", "pin: missing"}},
		{"plaintext instead of ciphertext", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid), "pin": pin}
		}, []string{"pin: not Base64"}},
		{"url-safe alphabet", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			ct := mustEncrypt(t, k.Public(), PaddingOAEPSHA1, pin)
			ct = strings.NewReplacer("+", "-", "/", "_").Replace(ct)
			if !strings.ContainsAny(ct, "-_") {
				ct = "-" + ct[1:]
			}
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid), "pin": ct}
		}, []string{"pin: not Base64"}},
		{"missing Base64 padding", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			raw := base64.RawStdEncoding.EncodeToString([]byte("x")) // "eA", no "=="
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid), "pin": raw}
		}, []string{"pin: not Base64"}},
		{"line-wrapped Base64", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			ct := mustEncrypt(t, k.Public(), PaddingOAEPSHA1, pin)
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid), "pin": ct[:64] + "\r\n" + ct[64:]}
		}, []string{"pin: not Base64"}},
		{"truncated ciphertext", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			ct, _ := base64.StdEncoding.DecodeString(mustEncrypt(t, k.Public(), PaddingOAEPSHA1, pin))
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid), "pin": base64.StdEncoding.EncodeToString(ct[:100])}
		}, []string{"pin: cannot be decrypted with the gateway's key (padding oaep-sha1)"}},
		{"another key", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid), "pin": mustEncrypt(t, &other.PublicKey, PaddingOAEPSHA1, pin)}
		}, []string{"pin: cannot be decrypted with the gateway's key (padding oaep-sha1)"}},
		{"oaep-sha256 to an oaep-sha1 gateway", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, userid), "pin": mustEncrypt(t, k.Public(), PaddingOAEPSHA256, pin)}
		}, []string{"pin: cannot be decrypted with the gateway's key (padding oaep-sha1)"}},
		{"pkcs1v15 to an oaep-sha256 gateway", PaddingOAEPSHA256, func(t *testing.T, k *CredentialKey) map[string]string {
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingPKCS1v15, userid), "pin": mustEncrypt(t, k.Public(), PaddingOAEPSHA256, pin)}
		}, []string{"userid: cannot be decrypted with the gateway's key (padding oaep-sha256)"}},
		{"oaep-sha1 to a pkcs1v15 gateway", PaddingPKCS1v15, func(t *testing.T, k *CredentialKey) map[string]string {
			pinCT := failsPKCS1(t, k.priv, func() string { return mustEncrypt(t, k.Public(), PaddingOAEPSHA1, pin) })
			return map[string]string{"userid": mustEncrypt(t, k.Public(), PaddingPKCS1v15, userid), "pin": pinCT}
		}, []string{"pin: cannot be decrypted with the gateway's key (padding pkcs1v15)"}},
		{"several problems", PaddingOAEPSHA1, func(t *testing.T, k *CredentialKey) map[string]string {
			return map[string]string{"userid": userid}
		}, []string{"userid: not Base64", "pin: missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newTestCredentialKey(t, tt.padding)
			enc := tt.enc(t, k)
			got, err := k.Decrypt(enc, []string{"userid", "pin"})
			if err == nil {
				t.Fatalf("no error, got %d fields", len(got))
			}
			if got != nil {
				t.Errorf("Decrypt returned credentials with its error")
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindInvalid || e.MessageCode() != CodeIncompleteCredentials || e.Message != "Zugangsdaten unvollständig" {
				t.Fatalf("error = %#v, want KindInvalid BA1012", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Details, w) {
					t.Errorf("details %q lack %q", e.Details, w)
				}
			}
			rendered := err.Error() + " " + e.Details + " " + fmt.Sprintf("%+v %#v", e.AsMessage(), e)
			secrets := []string{pin, userid}
			for _, v := range enc {
				if len(v) > 8 {
					secrets = append(secrets, v, v[:8])
				}
			}
			for _, s := range secrets {
				if strings.Contains(rendered, s) {
					t.Errorf("error reveals %q: %s", s, rendered)
				}
			}
		})
	}
}

func TestDecryptFailuresLookAlike(t *testing.T) {
	// Whatever check fails, a client learns only "cannot be decrypted".
	k := newTestCredentialKey(t, PaddingPKCS1v15)
	_, other := testRSAKeys()
	bad := []string{
		failsPKCS1(t, k.priv, func() string { return mustEncrypt(t, &other.PublicKey, PaddingPKCS1v15, "1234") }),
		failsPKCS1(t, k.priv, func() string { return mustEncrypt(t, k.Public(), PaddingOAEPSHA1, "1234") }),
		base64.StdEncoding.EncodeToString(make([]byte, 256)),
		base64.StdEncoding.EncodeToString(make([]byte, 300)),
	}
	var first string
	for i, ct := range bad {
		_, err := k.Decrypt(map[string]string{"pin": ct}, []string{"pin"})
		if err == nil {
			t.Fatalf("case %d: no error", i)
		}
		if i == 0 {
			first = err.Error()
		} else if err.Error() != first {
			t.Errorf("case %d: %q differs from %q", i, err, first)
		}
		if AsError(err).Err != nil {
			t.Errorf("case %d: the error carries a cause: %v", i, AsError(err).Err)
		}
	}
}

func TestDecryptDropsUnknownFields(t *testing.T) {
	k := newTestCredentialKey(t, PaddingOAEPSHA1)
	enc := map[string]string{"pin": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, "1"), "other": mustEncrypt(t, k.Public(), PaddingOAEPSHA1, "2")}
	got, err := k.Decrypt(enc, []string{"pin", "pin"})
	if err != nil || len(got) != 1 || got["pin"] != "1" {
		t.Errorf("Decrypt = %d fields, %v", len(got), err)
	}
}

func TestCredentialKeyPEM(t *testing.T) {
	priv, other := testRSAKeys()
	k := newTestCredentialKey(t, "")
	if k.Padding() != PaddingOAEPSHA1 {
		t.Errorf("default padding %q", k.Padding())
	}

	block, rest := pem.Decode(k.PublicKeyPEM())
	if block == nil || block.Type != "PUBLIC KEY" || len(rest) != 0 {
		t.Fatalf("public PEM: %q", k.PublicKeyPEM())
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil || !priv.PublicKey.Equal(pub) {
		t.Errorf("public key does not match: %v", err)
	}

	block, rest = pem.Decode(k.CertificatePEM())
	if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
		t.Fatalf("certificate PEM: %q", k.CertificatePEM())
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.PublicKey.Equal(cert.PublicKey) || cert.Subject.CommonName != "Zugang credentials key" {
		t.Errorf("certificate: CN %q, key matches %v", cert.Subject.CommonName, priv.PublicKey.Equal(cert.PublicKey))
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	if years := cert.NotAfter.Sub(cert.NotBefore).Hours() / 24 / 365; years < 9.9 || years > 10.1 {
		t.Errorf("valid for %.1f years, want 10", years)
	}
	if cert.KeyUsage&x509.KeyUsageKeyEncipherment == 0 {
		t.Errorf("key usage %v lacks key encipherment", cert.KeyUsage)
	}
	if string(k.CertificateDER()) != string(block.Bytes) {
		t.Error("CertificateDER differs from the PEM")
	}

	// A given certificate is kept; one for another key is refused.
	k2, err := NewCredentialKey(priv, cert, PaddingOAEPSHA256)
	if err != nil || string(k2.CertificatePEM()) != string(k.CertificatePEM()) {
		t.Errorf("given certificate not kept: %v", err)
	}
	if _, err := NewCredentialKey(other, cert, PaddingOAEPSHA1); err == nil {
		t.Error("a certificate of another key was accepted")
	}
	if _, err := NewCredentialKey(priv, nil, "rot13"); err == nil {
		t.Error("an unknown padding was accepted")
	}
	if _, err := NewCredentialKey(nil, nil, ""); err == nil {
		t.Error("a nil key was accepted")
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewCredentialKey(small, nil, ""); err == nil || !strings.Contains(err.Error(), "1024 bits is too small") {
		t.Errorf("1024-bit key: %v", err)
	}

	// The returned PEM is a copy.
	p := k.PublicKeyPEM()
	p[0] = 'X'
	if k.PublicKeyPEM()[0] == 'X' {
		t.Error("PublicKeyPEM exposes internal state")
	}
}

func TestEncryptCredentialTooLong(t *testing.T) {
	priv, _ := testRSAKeys()
	secret := strings.Repeat("S", 300)
	_, err := EncryptCredential(&priv.PublicKey, PaddingOAEPSHA1, secret)
	if err == nil || strings.Contains(err.Error(), "SSSS") {
		t.Errorf("err = %v", err)
	}
}
