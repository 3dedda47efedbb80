package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/configs"
)

// keysTestRSA is generated once: key generation is slow under -race.
var keysTestRSA = sync.OnceValues(func() (*rsa.PrivateKey, *rsa.PrivateKey) {
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

func observedLogger() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

// logText renders every entry with its fields, to search for leaks.
func logText(logs *observer.ObservedLogs) string {
	var b strings.Builder
	for _, e := range logs.All() {
		b.WriteString(e.Level.CapitalString() + " " + e.Message)
		for k, v := range e.ContextMap() {
			b.WriteString(" " + k + "=" + strings.TrimSpace(strings.ReplaceAll(toString(v), "\n", " ")))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func writeTestFile(t *testing.T, path string, data []byte, perm os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
	return path
}

func pkcs8PEM(t *testing.T, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// checkSealersAgree seals with a and opens with b.
func checkSealersAgree(t *testing.T, a, b *aggregator.Sealer) {
	t.Helper()
	blob, err := a.Seal([]byte("state"), []byte("t|u|a"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Open(blob, []byte("t|u|a")); err != nil || string(got) != "state" {
		t.Errorf("the sealers differ: %v", err)
	}
}

// roundTrip encrypts a PIN with key's public key and decrypts it with key.
func roundTrip(t *testing.T, key *aggregator.CredentialKey) {
	t.Helper()
	ct, err := aggregator.EncryptCredential(key.Public(), key.Padding(), "1234")
	if err != nil {
		t.Fatal(err)
	}
	c, err := key.Decrypt(map[string]string{"pin": ct}, []string{"pin"})
	if err != nil || c["pin"] != "1234" {
		t.Errorf("round trip: %v", err)
	}
}

func TestLoadCredentialKeysDevPersisted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys") // created on demand
	cfg := configs.Credentials{DevKeyDir: dir, Padding: "oaep-sha256"}
	log, logs := observedLogger()
	key1, sealer1, err := loadCredentialKeys(cfg, false, log)
	if err != nil {
		t.Fatal(err)
	}
	if key1.Padding() != aggregator.PaddingOAEPSHA256 {
		t.Errorf("padding %q", key1.Padding())
	}
	roundTrip(t, key1)
	for _, name := range []string{devCredentialsKeyFile, devSealKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("key dir has mode %v", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("key dir holds %d entries (temporary files left?)", len(entries))
	}

	// Loud warnings, no key material.
	text := logText(logs)
	for _, w := range []string{"WARN DEVELOPMENT CREDENTIALS KEY", "configure credentials.privateKeyFile in production", "WARN DEVELOPMENT SEAL KEY", "configure credentials.sealKey in production", devCredentialsKeyFile} {
		if !strings.Contains(text, w) {
			t.Errorf("log lacks %q:\n%s", w, text)
		}
	}
	keyPEM, _ := os.ReadFile(filepath.Join(dir, devCredentialsKeyFile))
	sealB64, _ := os.ReadFile(filepath.Join(dir, devSealKeyFile))
	block, _ := pem.Decode(keyPEM)
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("dev key file is not PKCS #8 PEM")
	}
	checkNoKeyMaterial(t, text, block.Bytes, strings.TrimSpace(string(sealB64)))

	// The second start reuses both keys.
	key2, sealer2, err := loadCredentialKeys(cfg, false, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if !key1.Public().Equal(key2.Public()) {
		t.Error("the development credentials key was not reused")
	}
	checkSealersAgree(t, sealer1, sealer2)

	// A configured seal key replaces only the development seal key.
	sealKey := bytes.Repeat([]byte{7}, 32)
	cfg.SealKey = base64.StdEncoding.EncodeToString(sealKey)
	key3, sealer3, err := loadCredentialKeys(cfg, false, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if !key1.Public().Equal(key3.Public()) {
		t.Error("the development credentials key was not reused")
	}
	want, _ := aggregator.NewSealer(sealKey)
	checkSealersAgree(t, want, sealer3)

	// A corrupt seal key file is an error, not silently replaced.
	writeTestFile(t, filepath.Join(dir, devSealKeyFile), []byte("garbage\n"), 0o600)
	cfg.SealKey = ""
	if _, _, err := loadCredentialKeys(cfg, false, zap.NewNop()); err == nil || !strings.Contains(err.Error(), devSealKeyFile) {
		t.Errorf("corrupt seal key file: %v", err)
	}
}

// checkNoKeyMaterial fails if text contains a piece of the private key (in
// any usual encoding) or the seal key.
func checkNoKeyMaterial(t *testing.T, text string, privDER []byte, sealB64 string) {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString(privDER)
	for _, s := range []string{b64[40:80], b64[len(b64)-60 : len(b64)-20], sealB64, sealB64[:16]} {
		if strings.Contains(text, s) {
			t.Errorf("the log contains key material %q", s)
		}
	}
}

func TestLoadCredentialKeysDevEmbedded(t *testing.T) {
	dir := t.TempDir()
	cfg := configs.Credentials{DevKeyDir: dir}
	log, logs := observedLogger()
	key1, sealer1, err := loadCredentialKeys(cfg, true, log)
	if err != nil {
		t.Fatal(err)
	}
	if key1.Padding() != aggregator.PaddingOAEPSHA1 {
		t.Errorf("padding %q, want the default", key1.Padding())
	}
	roundTrip(t, key1)
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the embedded store's keys were written to disk: %d files", len(entries))
	}
	text := logText(logs)
	for _, w := range []string{"WARN DEVELOPMENT CREDENTIALS KEY: generated in memory", "configure credentials.privateKeyFile in production", "WARN DEVELOPMENT SEAL KEY: generated in memory"} {
		if !strings.Contains(text, w) {
			t.Errorf("log lacks %q:\n%s", w, text)
		}
	}
	key2, sealer2, err := loadCredentialKeys(cfg, true, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if key1.Public().Equal(key2.Public()) {
		t.Error("two embedded starts share a key")
	}
	blob, _ := sealer1.Seal([]byte("x"), nil)
	if _, err := sealer2.Open(blob, nil); err == nil {
		t.Error("two embedded starts share a seal key")
	}
}

func TestLoadCredentialKeysConfigured(t *testing.T) {
	priv, other := keysTestRSA()
	dir := t.TempDir()
	pkcs1 := writeTestFile(t, filepath.Join(dir, "pkcs1.pem"), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)}), 0o600)
	pkcs8 := writeTestFile(t, filepath.Join(dir, "pkcs8.pem"), pkcs8PEM(t, priv), 0o644)
	sealKey := bytes.Repeat([]byte{9}, 32)
	sealB64 := base64.StdEncoding.EncodeToString(sealKey)

	// Certificates: one for the key (from a CredentialKey), one for another.
	ck, _ := aggregator.NewCredentialKey(priv, nil, "")
	certFile := writeTestFile(t, filepath.Join(dir, "cert.pem"), ck.CertificatePEM(), 0o644)
	ok2, _ := aggregator.NewCredentialKey(other, nil, "")
	otherCert := writeTestFile(t, filepath.Join(dir, "other-cert.pem"), ok2.CertificatePEM(), 0o644)

	for _, file := range []string{pkcs1, pkcs8} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			log, logs := observedLogger()
			cfg := configs.Credentials{PrivateKeyFile: file, CertificateFile: certFile, Padding: "pkcs1v15", SealKey: sealB64, DevKeyDir: filepath.Join(dir, "unused")}
			key, sealer, err := loadCredentialKeys(cfg, false, log)
			if err != nil {
				t.Fatal(err)
			}
			if !priv.PublicKey.Equal(key.Public()) || !bytes.Equal(key.CertificatePEM(), ck.CertificatePEM()) || key.Padding() != aggregator.PaddingPKCS1v15 {
				t.Error("configured key or certificate not used")
			}
			roundTrip(t, key)
			want, _ := aggregator.NewSealer(sealKey)
			checkSealersAgree(t, want, sealer)
			if _, err := os.Stat(filepath.Join(dir, "unused")); err == nil {
				t.Error("a development key directory was created although both keys are configured")
			}
			text := logText(logs)
			if strings.Contains(text, "DEVELOPMENT") {
				t.Errorf("development warning with configured keys:\n%s", text)
			}
			if file == pkcs8 && !strings.Contains(text, "accessible to other users") {
				t.Errorf("no warning about a world-readable key file:\n%s", text)
			}
			checkNoKeyMaterial(t, text, x509.MarshalPKCS1PrivateKey(priv), sealB64)
		})
	}

	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecFile := writeTestFile(t, filepath.Join(dir, "ec.pem"), pkcs8PEM(t, ecKey), 0o600)
	encFile := writeTestFile(t, filepath.Join(dir, "enc.pem"), []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"), 0o600)
	notPEM := writeTestFile(t, filepath.Join(dir, "not.pem"), []byte("hello"), 0o600)
	tests := []struct {
		name string
		cfg  configs.Credentials
		want string
	}{
		{"mismatched certificate", configs.Credentials{PrivateKeyFile: pkcs8, CertificateFile: otherCert, SealKey: sealB64}, "credentials.certificateFile: " + otherCert + " does not certify the key"},
		{"certificate file missing", configs.Credentials{PrivateKeyFile: pkcs8, CertificateFile: filepath.Join(dir, "nope.pem"), SealKey: sealB64}, "credentials.certificateFile:"},
		{"certificate file without certificate", configs.Credentials{PrivateKeyFile: pkcs8, CertificateFile: pkcs8, SealKey: sealB64}, "credentials.certificateFile:"},
		{"key file missing", configs.Credentials{PrivateKeyFile: filepath.Join(dir, "nope.pem"), SealKey: sealB64}, "credentials.privateKeyFile:"},
		{"not an RSA key", configs.Credentials{PrivateKeyFile: ecFile, SealKey: sealB64}, "credentials.privateKeyFile: " + ecFile + ": a *ecdsa.PrivateKey, not an RSA key"},
		{"encrypted key", configs.Credentials{PrivateKeyFile: encFile, SealKey: sealB64}, "the key is encrypted"},
		{"no PEM", configs.Credentials{PrivateKeyFile: notPEM, SealKey: sealB64}, "credentials.privateKeyFile: " + notPEM + " holds no PEM"},
		{"padding", configs.Credentials{PrivateKeyFile: pkcs8, SealKey: sealB64, Padding: "oaep-md5"}, "credentials.padding:"},
		{"seal key", configs.Credentials{PrivateKeyFile: pkcs8, SealKey: "c2hvcnQ="}, "credentials.sealKey:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := loadCredentialKeys(tt.cfg, false, zap.NewNop())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), sealB64) || strings.Contains(err.Error(), "PRIVATE KEY-----") {
				t.Errorf("error contains key material: %v", err)
			}
		})
	}
}

func TestKeygen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"keygen", "-bits", "2048", "-out", dir}, lookup(nil), &stdout, &stderr); err != nil {
		t.Fatalf("keygen: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	m := regexp.MustCompile(`(?m)^  sealKey: (\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no sealKey line:\n%s", out)
	}
	if k, err := base64.StdEncoding.DecodeString(m[1]); err != nil || len(k) != 32 {
		t.Errorf("sealKey is not the Base64 of 32 bytes: %v", err)
	}
	if !strings.Contains(out, "Keep it secret") {
		t.Errorf("no note to keep the seal key secret:\n%s", out)
	}

	keyFile, certFile, pubFile := filepath.Join(dir, keygenKeyFile), filepath.Join(dir, keygenCertFile), filepath.Join(dir, keygenPublicFile)
	for file, perm := range map[string]os.FileMode{keyFile: 0o600, certFile: 0o644, pubFile: 0o644} {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != perm {
			t.Errorf("%s: mode %v, want %v", filepath.Base(file), fi.Mode().Perm(), perm)
		}
	}
	priv, err := readPrivateKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if priv.N.BitLen() != 2048 {
		t.Errorf("%d bits", priv.N.BitLen())
	}
	if data, _ := os.ReadFile(keyFile); !bytes.HasPrefix(data, []byte("-----BEGIN PRIVATE KEY-----")) {
		t.Error("the key is not PKCS #8")
	}
	cert, err := readCertificateFile(certFile)
	if err != nil || !priv.PublicKey.Equal(cert.PublicKey) || cert.Subject.CommonName != "Zugang credentials key" {
		t.Errorf("certificate: %v", err)
	}
	pubPEM, _ := os.ReadFile(pubFile)
	if pub, err := parsePublicKeyPEM(pubPEM); err != nil || !priv.PublicKey.Equal(pub) {
		t.Errorf("public key: %v", err)
	}
	if !strings.Contains(out, `privateKeyFile: "`+keyFile+`"`) || !strings.Contains(out, `certificateFile: "`+certFile+`"`) {
		t.Errorf("the printed configuration does not name the files:\n%s", out)
	}

	// The printed configuration works.
	cfg := configs.Credentials{PrivateKeyFile: keyFile, CertificateFile: certFile, SealKey: m[1], Padding: "oaep-sha1"}
	key, _, err := loadCredentialKeys(cfg, false, zap.NewNop())
	if err != nil {
		t.Fatalf("loading keygen's output: %v", err)
	}
	roundTrip(t, key)

	// A second run refuses to overwrite and leaves the files alone.
	before, _ := os.ReadFile(keyFile)
	stdout.Reset()
	err = run(context.Background(), []string{"keygen", "-bits", "2048", "-out", dir}, lookup(nil), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Fatalf("second keygen: %v", err)
	}
	if after, _ := os.ReadFile(keyFile); !bytes.Equal(before, after) || stdout.Len() != 0 {
		t.Error("the second keygen changed the key or printed a seal key")
	}

	// Only one existing file is enough to refuse, and nothing is written.
	dir2 := t.TempDir()
	writeTestFile(t, filepath.Join(dir2, keygenPublicFile), []byte("x"), 0o644)
	if err := keygen([]string{"-bits", "2048", "-out", dir2}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), keygenPublicFile) {
		t.Errorf("keygen with an existing public key: %v", err)
	}
	if entries, _ := os.ReadDir(dir2); len(entries) != 1 {
		t.Errorf("%d files in the directory, want only the existing one", len(entries))
	}

	for _, args := range [][]string{{"-bits", "1024"}, {"-bits", "100000"}, {"extra"}} {
		if err := keygen(append(args, "-out", t.TempDir()), &stdout, &stderr); err == nil {
			t.Errorf("keygen %v: no error", args)
		}
	}
}

// gatewayKey is a CredentialKey of the shared test key with a padding.
func gatewayKey(t *testing.T, p aggregator.Padding) *aggregator.CredentialKey {
	t.Helper()
	priv, _ := keysTestRSA()
	k, err := aggregator.NewCredentialKey(priv, nil, p)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// decryptOutput parses encrypt's JSON and decrypts it with key.
func decryptOutput(t *testing.T, key *aggregator.CredentialKey, out string, fields ...string) aggregator.Credentials {
	t.Helper()
	var enc map[string]string
	if err := json.Unmarshal([]byte(out), &enc); err != nil {
		t.Fatalf("output %q is not a JSON object: %v", out, err)
	}
	if len(enc) != len(fields) {
		t.Errorf("output has %d fields, want %d", len(enc), len(fields))
	}
	c, err := key.Decrypt(enc, fields)
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	return c
}

func TestEncrypt(t *testing.T) {
	const pin = "12 34=5 ä"
	dir := t.TempDir()
	key := gatewayKey(t, aggregator.PaddingOAEPSHA1)
	pubFile := writeTestFile(t, filepath.Join(dir, "public.pem"), key.PublicKeyPEM(), 0o644)
	certFile := writeTestFile(t, filepath.Join(dir, "cert.pem"), key.CertificatePEM(), 0o644)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/auth/credentials-key.pem":
			w.Header().Set("Content-Type", "application/x-pem-file")
			_, _ = w.Write(key.PublicKeyPEM())
		case "/auth/credentials-cert.pem":
			_, _ = w.Write(key.CertificatePEM())
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	for _, src := range [][]string{{"-key", pubFile}, {"-key", certFile}, {"-url", srv.URL + "/auth/credentials-key.pem"}, {"-url", srv.URL + "/auth/credentials-cert.pem"}} {
		t.Run(strings.Join(src, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// "." is not in the Base64 alphabet: the plaintext cannot turn up in a ciphertext by chance.
			args := append(append([]string{"encrypt"}, src...), "userid=max.muster", "pin="+pin)
			if err := run(context.Background(), args, lookup(nil), &stdout, &stderr); err != nil {
				t.Fatalf("encrypt: %v\n%s", err, stderr.String())
			}
			c := decryptOutput(t, key, stdout.String(), "userid", "pin")
			if c["userid"] != "max.muster" || c["pin"] != pin {
				t.Error("decrypted values differ")
			}
			if strings.Contains(stdout.String(), pin) || strings.Contains(stdout.String(), "max.muster") {
				t.Error("the output contains a plaintext")
			}
			if src[0] == "-url" && !strings.Contains(stderr.String(), "plain HTTP") {
				t.Errorf("no warning about plain HTTP: %q", stderr.String())
			}
		})
	}

	t.Run("paddings", func(t *testing.T) {
		for _, p := range aggregator.Paddings {
			var stdout, stderr bytes.Buffer
			if err := encrypt(context.Background(), []string{"-key", pubFile, "-padding", string(p), "pin=" + pin}, &stdout, &stderr); err != nil {
				t.Fatal(err)
			}
			if c := decryptOutput(t, gatewayKey(t, p), stdout.String(), "pin"); c["pin"] != pin {
				t.Errorf("%s: decrypted value differs", p)
			}
		}
	})

	t.Run("stdin", func(t *testing.T) {
		old := stdin
		t.Cleanup(func() { stdin = old })
		stdin = strings.NewReader("# my bank\nuserid=max\r\n\n  pin=" + pin + "\n")
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), []string{"encrypt", "-key", pubFile}, lookup(nil), &stdout, &stderr); err != nil {
			t.Fatalf("encrypt: %v", err)
		}
		c := decryptOutput(t, key, stdout.String(), "userid", "pin")
		if c["userid"] != "max" || c["pin"] != pin {
			t.Error("decrypted values differ")
		}
	})

	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"no key", []string{"pin=1"}, "", "exactly one of -key and -url"},
		{"both keys", []string{"-key", pubFile, "-url", srv.URL, "pin=1"}, "", "exactly one of -key and -url"},
		{"missing file", []string{"-key", filepath.Join(dir, "nope.pem"), "pin=1"}, "", "-key:"},
		{"not a key", []string{"-key", writeTestFile(t, filepath.Join(dir, "x.pem"), []byte("x"), 0o644), "pin=1"}, "", "no PEM"},
		{"404", []string{"-url", srv.URL + "/missing.pem", "pin=1"}, "", "404 Not Found"},
		{"bad url", []string{"-url", "ftp://example.com/key.pem", "pin=1"}, "", "http(s) URL"},
		{"padding", []string{"-key", pubFile, "-padding", "rot13", "pin=1"}, "", "-padding"},
		{"no =", []string{"-key", pubFile, "SECRETPIN"}, "", "argument 1: want field=value"},
		{"empty field", []string{"-key", pubFile, "=SECRETPIN"}, "", "argument 1:"},
		{"empty value", []string{"-key", pubFile, "pin="}, "", "pin: empty value"},
		{"twice", []string{"-key", pubFile, "pin=SECRETPIN", "pin=SECRETPIN2"}, "", "pin is given twice"},
		{"stdin empty", []string{"-key", pubFile}, "\n# nothing\n", "none on standard input"},
		{"stdin bad line", []string{"-key", pubFile}, "userid=max\nSECRETPIN\n", "standard input line 2: want field=value"},
		{"too long", []string{"-key", pubFile, "pin=SECRETPIN" + strings.Repeat("x", 300)}, "", "pin: encrypt credential: the value is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := stdin
			t.Cleanup(func() { stdin = old })
			stdin = strings.NewReader(tt.stdin)
			var stdout, stderr bytes.Buffer
			err := encrypt(context.Background(), tt.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "SECRETPIN") {
				t.Errorf("the error quotes a value: %v", err)
			}
			if stdout.Len() != 0 {
				t.Errorf("output despite the error: %q", stdout.String())
			}
		})
	}
}

func TestDevKeysConcurrentStarts(t *testing.T) {
	cfg := configs.Credentials{DevKeyDir: t.TempDir()}
	const n = 4
	keys := make([]*aggregator.CredentialKey, n)
	sealers := make([]*aggregator.Sealer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], sealers[i], errs[i] = loadCredentialKeys(cfg, false, zap.NewNop()) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("start %d: %v", i, errs[i])
		}
		if !keys[0].Public().Equal(keys[i].Public()) {
			t.Errorf("start %d has another credentials key", i)
		}
		checkSealersAgree(t, sealers[0], sealers[i])
	}
	if entries, _ := os.ReadDir(cfg.DevKeyDir); len(entries) != 2 {
		t.Errorf("%d files in the key directory, want 2", len(entries))
	}
}
