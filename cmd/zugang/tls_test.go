package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSelfSigned writes a certificate for 127.0.0.1 and its key as PEM.
func writeSelfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "zugang test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLSOnTheSameListener(t *testing.T) {
	certFile, keyFile, pool := writeSelfSigned(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	env := map[string]string{"ZUGANG_ADDR": "127.0.0.1:0", "ZUGANG_LOG_LEVEL": "error",
		"ZUGANG_TLS_CERT_FILE": certFile, "ZUGANG_TLS_KEY_FILE": keyFile}
	m, err := Open(ctx, "", lookup(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	if !strings.HasPrefix(m.URL(), "https://127.0.0.1:") {
		t.Fatalf("base URL %q must be https with the bound port", m.URL())
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := client.Get(m.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.TLS == nil {
		t.Errorf("healthz over TLS: %d, tls=%v", res.StatusCode, res.TLS != nil)
	}
}

func TestTLSBadKeyFileFailsOpen(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ZUGANG_ADDR": "127.0.0.1:0", "ZUGANG_LOG_LEVEL": "error",
		"ZUGANG_TLS_CERT_FILE": filepath.Join(dir, "missing.pem"), "ZUGANG_TLS_KEY_FILE": filepath.Join(dir, "missing-key.pem")}
	if _, err := Open(context.Background(), "", lookup(env), io.Discard); err == nil || !strings.Contains(err.Error(), "server.tls") {
		t.Fatalf("want an error naming server.tls, got %v", err)
	}
}
