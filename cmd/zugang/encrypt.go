package main

import (
	"bufio"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/zugang/zugang/aggregator"
)

// stdin is where `zugang encrypt` reads field=value lines; tests replace it.
var stdin io.Reader = os.Stdin

const (
	keyFetchTimeout = 10 * time.Second
	maxKeyPEMSize   = 64 << 10
)

// encrypt implements `zugang encrypt`: it encrypts credential values with
// the gateway's public key as a client does and prints the JSON object for
// the credentials of a bank-access request.
func encrypt(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("encrypt", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprint(stderr, `usage: zugang encrypt (-key file.pem | -url https://gateway/…pem) [-padding oaep-sha1] [field=value ...]

Encrypts each value with the gateway's RSA public key, as a client does, and
prints the JSON object for the "credentials" of a bank-access request:
  {"pin":"<Base64>","userid":"<Base64>"}
-key takes a PUBLIC KEY or CERTIFICATE PEM file; -url fetches the gateway's
published PEM. Without field=value arguments, the fields are read from
standard input, one field=value per line (blank lines and lines starting
with # are skipped), so that PINs stay out of the shell history:
  zugang encrypt -key credentials-public.pem <<'EOF'
  userid=max
  pin=12345
  EOF

`)
		flags.PrintDefaults()
	}
	keyFile := flags.String("key", "", "PEM file with the gateway's public key or certificate")
	keyURL := flags.String("url", "", "http(s) URL of the gateway's public key or certificate PEM")
	paddingName := flags.String("padding", string(aggregator.DefaultPadding), "RSA padding: oaep-sha1, oaep-sha256 or pkcs1v15 (as the gateway's credentials.padding)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if (*keyFile == "") == (*keyURL == "") {
		flags.Usage()
		return errors.New("encrypt: give exactly one of -key and -url")
	}
	padding, err := aggregator.ParsePadding(*paddingName)
	if err != nil {
		return fmt.Errorf("encrypt: -padding: %w", err)
	}

	var fields map[string]string
	if flags.NArg() > 0 {
		fields, err = parseFieldArgs(flags.Args())
	} else {
		fields, err = readFieldLines(stdin)
	}
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}

	var pemData []byte
	if *keyFile != "" {
		if pemData, err = os.ReadFile(*keyFile); err != nil {
			return fmt.Errorf("encrypt: -key: %w", err)
		}
	} else if pemData, err = fetchKeyPEM(ctx, *keyURL, stderr); err != nil {
		return fmt.Errorf("encrypt: -url: %w", err)
	}
	pub, err := parsePublicKeyPEM(pemData)
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	return writeEncrypted(stdout, pub, padding, fields)
}

func writeEncrypted(w io.Writer, pub *rsa.PublicKey, padding aggregator.Padding, fields map[string]string) error {
	out := make(map[string]string, len(fields))
	for f, v := range fields {
		ct, err := aggregator.EncryptCredential(pub, padding, v)
		if err != nil {
			return fmt.Errorf("encrypt: %s: %w", f, err)
		}
		out[f] = ct
	}
	b, err := json.Marshal(out) // keys sorted
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// parseFieldArgs parses field=value arguments.
func parseFieldArgs(args []string) (map[string]string, error) {
	fields := map[string]string{}
	for i, a := range args {
		if err := addField(fields, a); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
	}
	return fields, nil
}

// readFieldLines reads field=value lines; blank lines and # comments are
// skipped.
func readFieldLines(r io.Reader) (map[string]string, error) {
	fields := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if err := addField(fields, line); err != nil {
			return nil, fmt.Errorf("standard input line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	if len(fields) == 0 {
		return nil, errors.New("no field=value arguments and none on standard input")
	}
	return fields, nil
}

// addField adds one field=value. The value is kept verbatim (a PIN may
// contain spaces or '='); errors never quote it.
func addField(fields map[string]string, s string) error {
	f, v, ok := strings.Cut(s, "=")
	f = strings.TrimSpace(f)
	switch {
	case !ok:
		return errors.New("want field=value")
	case f == "" || strings.ContainsAny(f, " \t\"\\"):
		return errors.New("want field=value with a field name such as userid or pin")
	case v == "":
		return fmt.Errorf("%s: empty value", f)
	}
	if _, dup := fields[f]; dup {
		return fmt.Errorf("%s is given twice", f)
	}
	fields[f] = v
	return nil
}

// fetchKeyPEM downloads the gateway's published key over HTTP(S).
func fetchKeyPEM(ctx context.Context, rawURL string, stderr io.Writer) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("want an absolute http(s) URL")
	}
	if u.Scheme == "http" {
		fmt.Fprintln(stderr, "zugang: warning: fetching the key over plain HTTP; anyone on the way could replace it. Use https or -key.")
	}
	ctx, cancel := context.WithTimeout(ctx, keyFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/x-pem-file, application/x-x509-ca-cert, text/plain, */*")
	client := &http.Client{Timeout: keyFetchTimeout}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, fmt.Errorf("GET %s: %s", u.Redacted(), res.Status)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, maxKeyPEMSize+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	if len(data) > maxKeyPEMSize {
		return nil, fmt.Errorf("GET %s: the answer is larger than %d bytes", u.Redacted(), maxKeyPEMSize)
	}
	return data, nil
}
